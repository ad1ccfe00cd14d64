"""Backward walking and running against the Compendium rows and published studies."""

from __future__ import annotations

import numpy as np
import pytest

from retrostride.science import energy
from retrostride.science.energy import backward
from retrostride.science.locomotion import Direction, Gait

MPH = 0.44704


def _backward(
    speed_m_s: float,
    grade: float = 0.0,
    edition: int = 2024,
    gait: str | None = None,
    setting: str = "overground",
) -> energy.EnergyEstimate:
    return energy.estimate(
        energy.Conditions(
            speed_m_s, grade, direction="backward", gait=gait, setting=setting, edition=edition
        )
    )


@pytest.mark.parametrize("edition", [2011, 2024])
@pytest.mark.parametrize("code", ["17320", "17325"])
def test_backward_rows_within_3_percent(edition: int, code: str) -> None:
    row = energy.lookup(code, edition)
    result = _backward(row.speed_mid_m_s or 0, row.grade_mid_percent or 0, edition)
    assert result.met == pytest.approx(row.met, rel=0.03)
    assert result.gait == Gait.WALK  # 1.56 m/s is below the 1.63 m/s backward transition
    assert not result.extrapolated
    assert result.certainty == "high"


def test_backward_treadmill_row_17475_without_fitting_it() -> None:
    # 2024 row 17475: backward on a treadmill, 2.5 mph, +10%, 7.8 MET; not used by the fit.
    row = energy.lookup("17475", 2024)
    result = _backward(row.speed_mid_m_s or 0, 10.0, 2024, setting="treadmill")
    assert result.met == pytest.approx(7.8, rel=0.05)


@pytest.mark.parametrize("edition", [2011, 2024])
def test_every_backward_result_comes_with_its_forward_baseline(edition: int) -> None:
    result = _backward(1.2, 3.0, edition)
    forward = energy.estimate(
        energy.Conditions(1.2, 3.0, direction=Direction.FORWARD, gait="walk", edition=edition)
    )
    # the same scalar path computes both: equal to float rounding
    assert result.forward_met == pytest.approx(forward.met, rel=1e-12)
    assert result.ratio_to_forward == pytest.approx(result.met / forward.met, rel=1e-12)
    assert "forward walking" in result.baseline and str(edition) in result.baseline


def test_backward_walking_costs_more_than_forward_at_every_speed_and_grade() -> None:
    # Chaloupka et al. 1997 (0 and 5%), Hooper et al. 2004 (5, 7.5, 10%), Flynn et al. 1994.
    speeds = np.linspace(0.5, 1.8, 14)
    for grade in (0.0, 5.0, 7.5, 10.0, 15.0):
        result = energy.estimate_arrays(speeds, grade, "backward", "walk")
        assert np.all(result.ratio_to_forward > 1.05)


@pytest.mark.parametrize("speed_m_s", [1.0, 1.1176, 1.3, 1.5646])
@pytest.mark.parametrize("grade", [5.0, 7.5, 10.0])
def test_uphill_backward_penalty_matches_hooper_2004(speed_m_s: float, grade: float) -> None:
    # Hooper et al. 2004: %VO2max 17-20% higher backward than forward at 5, 7.5 and 10%,
    # no direction x grade interaction.
    assert 1.12 <= _backward(speed_m_s, grade).ratio_to_forward <= 1.25


def test_backward_walking_vo2_is_curvilinear_in_speed() -> None:
    # Myatt et al. 1995: VO2 rises curvilinearly (convex) with backward speed, 0.89-1.79 m/s.
    speeds = np.array([0.89, 1.12, 1.34, 1.56, 1.79])
    vo2 = energy.estimate_arrays(speeds, 0, "backward", "walk").vo2_ml_kg_min
    assert np.all(np.diff(vo2) > 0)
    assert np.all(np.diff(vo2, 2) > 0)


def test_backward_penalty_grows_with_speed() -> None:
    speeds = np.array([0.9, 1.2, 1.5, 1.8])
    ratio = energy.estimate_arrays(speeds, 0, "backward", "walk").ratio_to_forward
    assert np.all(np.diff(ratio) > 0)


def test_backward_running_ratio_from_the_whole_literature() -> None:
    # Wright & Weyand 2001: +35%; Rasica et al. 2020: +35%; Williford et al. 1998: gross
    # 31.33 mL/kg/min backward at 2.24 m/s, ratio 1.15, net (31.33 - 3.5) / (31.33 / 1.15 - 3.5).
    summary = backward.backward_run_summary()
    williford = (31.33 - 3.5) / (31.33 / 1.15 - 3.5)
    assert williford == pytest.approx(1.172, abs=0.001)
    assert summary.central == pytest.approx((1.35 + 1.35 + williford) / 3, rel=1e-12)
    # range: 1.0 (Paes & Fernandez 2016: no significant difference) to 1.35 + 0.06
    assert summary.low == pytest.approx(1.0, rel=1e-12)
    assert summary.high == pytest.approx(1.41, rel=1e-12)
    assert summary.certainty_code == 2  # spread 0.41 / 1.29 = 32%: low


@pytest.mark.parametrize("speed_m_s", [1.75, 2.5, 3.5])
def test_backward_running_costs_the_central_ratio_with_its_range(speed_m_s: float) -> None:
    result = _backward(speed_m_s, gait="run")
    net_ratio = (result.met - 1) / (result.forward_met - 1)
    assert net_ratio == pytest.approx(backward.BACKWARD_RUN_RATIO, rel=1e-9)
    assert result.certainty == "low" and result.extrapolated
    assert result.met_range is not None
    low, high = result.met_range
    assert (low - 1) / (result.forward_met - 1) == pytest.approx(1.0, rel=1e-9)
    assert (high - 1) / (result.forward_met - 1) == pytest.approx(1.41, rel=1e-9)
    uphill = _backward(speed_m_s, 10.0, gait="run")
    assert uphill.met < 25  # below the ceiling of human capacity
    assert (uphill.met - 1) / (uphill.forward_met - 1) == pytest.approx(
        backward.BACKWARD_RUN_RATIO, rel=1e-9
    )


def test_williford_1998_point_is_closer_than_before() -> None:
    # measured 31.33 mL/kg/min backward at 2.24 m/s; the 1.35-only model gave 35.91 (+15%)
    result = _backward(2.24, gait="run")
    old = (1 + 1.35 * (result.forward_met - 1)) * 3.5
    assert abs(result.vo2_ml_kg_min / 31.33 - 1) < abs(old / 31.33 - 1)
    assert abs(result.vo2_ml_kg_min / 31.33 - 1) < 0.13  # +12.7%: the forward baseline is high


def test_backward_downhill_says_it_is_unmeasured() -> None:
    result = _backward(1.2, -10.0, gait="walk")
    assert result.extrapolated and any("backward downhill" in w for w in result.warnings)


def test_flynn_1994_backward_running_against_walking() -> None:
    # Flynn et al. 1994: backward walking at 107.2 m/min used 60% and backward running at
    # 160.8 m/min 84% of the same forward VO2peak: a VO2 ratio of 1.40.
    walk = _backward(107.2 / 60, gait="walk").vo2_ml_kg_min
    run = _backward(160.8 / 60, gait="run").vo2_ml_kg_min
    assert run / walk == pytest.approx(0.84 / 0.60, rel=0.15)


def test_gait_chosen_by_the_published_transition_speeds() -> None:
    assert _backward(1.60).gait == Gait.WALK
    assert _backward(1.65).gait == Gait.RUN  # Hreljac et al. 2005: 1.63 m/s backward
    forward = energy.estimate(energy.Conditions(1.9, direction="forward"))
    assert forward.gait == Gait.WALK  # about 2.0 m/s forward
    assert energy.estimate(energy.Conditions(2.1, direction="forward")).gait == Gait.RUN


@pytest.mark.parametrize("edition", [2011, 2024])
def test_backward_energetically_optimal_transition_near_hreljac_2005(edition: int) -> None:
    # Hreljac et al. 2005: energetically optimal backward transition 1.85 +- 0.09 m/s.
    speeds = np.linspace(1.4, 2.4, 201)
    walk = energy.estimate_arrays(speeds, 0, "backward", "walk", edition=edition).met
    run = energy.estimate_arrays(speeds, 0, "backward", "run", edition=edition).met
    crossing = speeds[np.argmax(run < walk)]
    assert abs(crossing - 1.85) <= 2 * 0.09
