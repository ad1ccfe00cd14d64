"""Forward walking and running against the Compendium rows, ACSM and Minetti 2002."""

from __future__ import annotations

import numpy as np
import pytest

from retrostride.science import energy
from retrostride.science.energy.compendium import rows
from retrostride.science.energy.forward import (
    MINETTI_RUN,
    MINETTI_WALK,
    minetti_run_j_kg_m,
    minetti_walk_j_kg_m,
    walk_grade_met,
)

MPH = 0.44704


def _model(
    speed_m_s: float,
    grade: float,
    gait: str,
    edition: int,
    setting: str = "overground",
    direction: str = "forward",
) -> energy.EnergyEstimate:
    return energy.estimate(
        energy.Conditions(
            speed_m_s, grade, direction=direction, gait=gait, setting=setting, edition=edition
        )
    )


def _level_rows(edition: int, category: str) -> list[energy.CompendiumRow]:
    return [
        row
        for row in rows(edition)
        if row.category == category
        and row.direction == "forward"
        and row.grade_max_percent == 0
        and row.load_min_lb is None
        and row.speed_mid_m_s is not None
    ]


@pytest.mark.parametrize("edition", [2011, 2024])
def test_level_walking_rows_within_10_percent(edition: int) -> None:
    checked = _level_rows(edition, "walking")
    assert len(checked) == 8
    for row in checked:
        met = _model(row.speed_mid_m_s or 0, 0, "walk", edition).met
        assert met == pytest.approx(row.met, rel=0.10), row.code


def test_treadmill_walking_rows_within_10_percent() -> None:
    checked = _level_rows(2024, "treadmill")
    assert len(checked) == 10
    for row in checked:
        met = _model(row.speed_mid_m_s or 0, 0, "walk", 2024, "treadmill").met
        assert met == pytest.approx(row.met, rel=0.10), row.code


@pytest.mark.parametrize("edition", [2011, 2024])
def test_level_running_rows_within_10_percent(edition: int) -> None:
    checked = [row for row in _level_rows(edition, "running") if row.code != "12026"]
    assert len(checked) >= 15
    for row in checked:
        met = _model(row.speed_mid_m_s or 0, 0, "run", edition).met
        assert met == pytest.approx(row.met, rel=0.10), row.code


@pytest.mark.parametrize(
    ("edition", "code", "speed_mph", "grade"),
    [
        (2011, "17210", 3.2, 3.0),  # 2.9-3.5 mph, 1-5%: middles
        (2011, "17211", 3.2, 10.5),
        (2024, "17034", 3.2, 3.0),  # moderate-to-brisk pace taken as 3.2 mph
        (2024, "17035", 3.2, 8.0),
        (2024, "17036", 2.5, 15.5),  # slow-to-moderate pace taken as 2.5 mph
    ],
)
def test_uphill_walking_rows_within_10_percent(
    edition: int, code: str, speed_mph: float, grade: float
) -> None:
    row = energy.lookup(code, edition)
    assert _model(speed_mph * MPH, grade, "walk", edition).met == pytest.approx(row.met, rel=0.10)


def test_acsm_walking_grade_term_worked_value() -> None:
    # ACSM walking: VO2 grade component = 1.8 x S [m/min] x G; at 3.0 mph (80.4672 m/min), 5%:
    # 1.8 x 80.4672 x 0.05 = 7.242 mL/kg/min = 2.069 MET.
    speed = np.array([3.0 * MPH])
    term = walk_grade_met(speed, np.array([5.0]), np.array([2.0]))
    assert float(term[0]) * 3.5 == pytest.approx(1.8 * 80.4672 * 0.05, rel=1e-9)


def test_minetti_polynomials_against_the_measured_means() -> None:
    # Minetti et al. 2002, abstract: Cw 17.33 at +0.45, 3.46 at -0.45, 0.81 at -0.10, 1.64
    # level; Cr 3.40 level, 18.93 at +0.45, 1.73 at -0.20, 3.92 at -0.45 (J/kg/m).
    assert float(minetti_walk_j_kg_m(0.45)) == pytest.approx(17.33, rel=0.05)
    assert float(minetti_walk_j_kg_m(-0.45)) == pytest.approx(3.46, rel=0.10)
    # the walking polynomial is above the level mean; its ratio is what the model uses
    ratio = float(minetti_walk_j_kg_m(-0.10)) / MINETTI_WALK[-1]
    assert ratio == pytest.approx(0.81 / 1.64, rel=0.10)
    assert MINETTI_RUN[-1] == pytest.approx(3.40, rel=0.06)
    assert float(minetti_run_j_kg_m(0.45)) == pytest.approx(18.93, rel=0.05)
    assert float(minetti_run_j_kg_m(-0.20)) == pytest.approx(1.73, rel=0.06)
    assert float(minetti_run_j_kg_m(-0.45)) == pytest.approx(3.92, rel=0.05)
    grades = np.linspace(-0.45, 0.45, 901)
    assert -0.25 <= grades[np.argmin(minetti_run_j_kg_m(grades))] <= -0.15
    assert -0.20 <= grades[np.argmin(minetti_walk_j_kg_m(grades))] <= -0.10


def test_downhill_walking_is_cheaper_than_level_down_to_about_minus_15_percent() -> None:
    level = _model(1.2, 0, "walk", 2024).met
    assert _model(1.2, -5, "walk", 2024).met < level
    assert _model(1.2, -10, "walk", 2024).met < level
    # steeper still, braking costs again (Minetti 2002: 3.46 J/kg/m at -45%)
    assert _model(1.2, -40, "walk", 2024).met > _model(1.2, -15, "walk", 2024).met


def test_forward_energetically_optimal_transition_is_above_the_preferred_one() -> None:
    # Walking stays cheaper than running up to about 2.2 m/s (Hreljac 1993: energetically
    # optimal transition above the 2.0 m/s preferred one; Baker et al. 2025 overground
    # mixtures from 1.9 to 3.0 m/s).
    speeds = np.linspace(1.5, 3.0, 151)
    for edition in energy.EDITIONS:
        walk = energy.estimate_arrays(speeds, 0, "forward", 1, edition=edition).met
        run = energy.estimate_arrays(speeds, 0, "forward", 2, edition=edition).met
        crossing = speeds[np.argmax(run < walk)]
        assert 2.0 <= crossing <= 2.5


def test_treadmill_running_is_cheaper_than_overground_by_about_one_percent_grade() -> None:
    # Jones & Doust 1996: 1% treadmill grade matches outdoor running at 2.92-5.0 m/s.
    for speed in (3.0, 4.0, 5.0):
        treadmill_1pc = _model(speed, 1.0, "run", 2024, "treadmill").met
        outdoors = _model(speed, 0.0, "run", 2024).met
        assert treadmill_1pc == pytest.approx(outdoors, rel=0.01)
        assert _model(speed, 0.0, "run", 2024, "treadmill").met < outdoors
