"""Outcome formulas and norms against the numbers printed in their sources."""

from __future__ import annotations

import pytest

from retrostride.errors import InputError
from retrostride.science.outcomes import (
    interpret_6mwd,
    interpret_tug,
    predicted_6mwd_m,
    shuttle_run_vo2max,
    tug_norm,
)
from retrostride.science.outcomes.shuttle import leger_vo2max, stage_speed_km_h

# ------------------------------------------------------------------ Leger et al. 1988


def test_stage_one_is_8_5_km_h_and_each_stage_adds_half_a_km_h() -> None:
    # Abstract: "increased 0.5 km/h each minute from a starting speed of 8.5 km/h",
    # "speed = 8 + 0.5 stage no."
    assert stage_speed_km_h(1) == pytest.approx(8.5, rel=1e-12)
    assert stage_speed_km_h(2) == pytest.approx(9.0, rel=1e-12)
    assert stage_speed_km_h(10) == pytest.approx(13.0, rel=1e-12)


def test_child_equation_coefficients() -> None:
    # Y = 31.025 + 3.238 X - 3.248 A + 0.1536 A X, evaluated by hand for X = 10.5, A = 12:
    # 31.025 + 33.999 - 38.976 + 19.3536 = 45.4016
    assert leger_vo2max(10.5, 12) == pytest.approx(45.4016, abs=1e-4)
    result = shuttle_run_vo2max(5, 12)  # stage 5 = 10.5 km/h
    assert result.vo2max_ml_kg_min == pytest.approx(45.4016, abs=1e-4)
    assert result.age_used_years == 12


@pytest.mark.parametrize("stage", range(1, 21))
def test_adults_hold_age_at_18_which_is_leger_and_gadoury_minus_27_4_plus_6_s(stage: int) -> None:
    # Leger 1988: adults use the equation "keeping age constant at 18"; Leger & Gadoury 1989
    # give the result as -27.4 + 6.0 S.
    speed = 8.0 + 0.5 * stage
    adult = shuttle_run_vo2max(stage, 35)
    assert adult.age_used_years == 18
    assert adult.vo2max_ml_kg_min == pytest.approx(-27.4 + 6.0 * speed, abs=0.1)


def test_adult_stage_10_value() -> None:
    # 31.025 + 3.238*13 - 3.248*18 + 0.1536*18*13 = 50.5974
    assert shuttle_run_vo2max(10, 25).vo2max_ml_kg_min == pytest.approx(50.5974, abs=1e-4)


def test_shuttle_warns_above_leger_adult_sample_and_refuses_nonsense() -> None:
    assert shuttle_run_vo2max(6, 60).warnings
    assert not shuttle_run_vo2max(6, 30).warnings
    with pytest.raises(InputError):
        shuttle_run_vo2max(0, 30)
    with pytest.raises(InputError):
        shuttle_run_vo2max(25, 30)
    with pytest.raises(InputError):
        shuttle_run_vo2max(5, 5)


# ------------------------------------------------------------------ Enright & Sherrill 1998


def test_enright_men_equation() -> None:
    # 7.57 H - 5.02 A - 1.76 W - 309 with H 175, A 60, W 70:
    # 1324.75 - 301.2 - 123.2 - 309 = 591.35
    assert predicted_6mwd_m("male", 175, 70, 60) == pytest.approx(591.35, abs=1e-6)


def test_enright_women_equation() -> None:
    # 2.11 H - 2.29 W - 5.78 A + 667 with H 160, W 60, A 60:
    # 337.6 - 137.4 - 346.8 + 667 = 520.4
    assert predicted_6mwd_m("female", 160, 60, 60) == pytest.approx(520.4, abs=1e-6)


def test_percent_predicted_and_lower_limit_of_normal() -> None:
    r = interpret_6mwd(500, sex="male", height_m=1.75, mass_kg=70, age_years=60)
    # the worked values above, to float rounding of the equation (heights in m, not cm)
    assert r.predicted_m == pytest.approx(591.35, rel=1e-9)
    assert r.percent_predicted == pytest.approx(100 * 500 / 591.35, rel=1e-9)
    assert r.lower_limit_m == pytest.approx(591.35 - 153, rel=1e-9)
    assert not r.below_lower_limit
    low = interpret_6mwd(370, sex="female", height_m=1.60, mass_kg=60, age_years=60)
    assert low.lower_limit_m == pytest.approx(520.4 - 139, rel=1e-9)
    assert low.below_lower_limit
    assert "below the lower limit" in low.text


def test_enright_warns_outside_40_to_80_years() -> None:
    assert interpret_6mwd(600, sex="male", height_m=1.8, mass_kg=80, age_years=30).warnings
    assert interpret_6mwd(400, sex="male", height_m=1.8, mass_kg=80, age_years=85).warnings
    assert not interpret_6mwd(500, sex="male", height_m=1.8, mass_kg=80, age_years=40).warnings
    assert not interpret_6mwd(500, sex="male", height_m=1.8, mass_kg=80, age_years=80).warnings
    with pytest.raises(InputError):
        predicted_6mwd_m("other", 170, 70, 50)


# ------------------------------------------------------------------ Bohannon 2006


@pytest.mark.parametrize(
    ("age", "mean", "low", "high"),
    [
        (60, 8.1, 7.1, 9.0),
        (69, 8.1, 7.1, 9.0),
        (70, 9.2, 8.2, 10.2),
        (85, 11.3, 10.0, 12.7),
        (99, 11.3, 10.0, 12.7),
    ],
)
def test_bohannon_means_and_confidence_limits(
    age: int, mean: float, low: float, high: float
) -> None:
    norm = tug_norm(age)
    assert norm is not None
    # the published table's figures, stored as printed: exact on purpose
    assert (norm.mean_s, norm.ci_low_s, norm.ci_high_s) == (mean, low, high)


def test_tug_reading_against_the_norm() -> None:
    assert "within" in interpret_tug(8.5, 65).text
    assert "slower" in interpret_tug(9.5, 65).text
    assert "faster" in interpret_tug(6.5, 65).text


def test_tug_under_60_says_no_verified_norm_and_names_kear() -> None:
    r = interpret_tug(8.0, 35)
    assert r.norm is None
    assert "Kear" in r.text and "20-59" in r.text
    assert interpret_tug(8.0, None).norm is None
    with pytest.raises(InputError):
        interpret_tug(-1, 60)
