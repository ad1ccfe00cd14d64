"""RMR, corrected METs and kcal conventions (Kozey 2010, Harris-Benedict, Mifflin-St Jeor)."""

from __future__ import annotations

import pytest

from retrostride.errors import InputError
from retrostride.science import energy
from retrostride.science.energy import Profile

MAN = Profile(age_years=30, sex="male", height_m=1.75, body_mass_kg=70)


def test_harris_benedict_worked_example_from_the_brief() -> None:
    # BRIEF.md: 70 kg, 175 cm, 30-year-old man: 1702 kcal/day = 3.38 mL/kg/min, factor 1.036.
    assert energy.rmr_kcal_day(MAN) == pytest.approx(1702, abs=1)
    assert energy.rmr_ml_kg_min(MAN) == pytest.approx(3.38, abs=0.005)
    assert energy.corrected_met(6.0, MAN) / 6.0 == pytest.approx(1.036, abs=0.001)


def test_harris_benedict_women_and_mifflin_st_jeor() -> None:
    woman = Profile(age_years=40, sex="female", height_m=1.65, body_mass_kg=60)
    # the equations worked by hand: equal to float rounding (1e-12 relative)
    assert energy.rmr_kcal_day(woman) == pytest.approx(
        655.0955 + 9.5634 * 60 + 1.8496 * 165 - 4.6756 * 40, rel=1e-12
    )
    msj = Profile(30, "male", 1.75, 70, equation="mifflin-st-jeor")
    assert energy.rmr_kcal_day(msj) == pytest.approx(10 * 70 + 6.25 * 175 - 5 * 30 + 5, rel=1e-12)
    msj_woman = Profile(30, "female", 1.75, 70, equation="mifflin-st-jeor")
    assert energy.rmr_kcal_day(msj_woman) == pytest.approx(
        10 * 70 + 6.25 * 175 - 5 * 30 - 161, rel=1e-12
    )


def test_kcal_conventions_labelled() -> None:
    # 6 MET, 70 kg, 30 min: MET x kg x h = 210 gross, 175 net; 5 kcal/L O2: 220.5.
    kcal = energy.kcal_for_duration(6.0, 70.0, 1800.0)
    assert kcal.gross_kcal == pytest.approx(210.0, rel=1e-12)
    assert kcal.net_kcal == pytest.approx(175.0, rel=1e-12)
    assert kcal.gross_kcal_o2 == pytest.approx(220.5, rel=1e-12)
    assert kcal.met_label == "standard"
    assert "MET x kg x h" in kcal.convention


def test_kcal_with_a_profile_says_it_uses_the_corrected_met() -> None:
    kcal = energy.kcal_for_duration(6.0, 70.0, 3600.0, profile=MAN)
    assert kcal.met_label.startswith("corrected (Kozey 2010")
    assert kcal.gross_kcal == pytest.approx(energy.corrected_met(6.0, MAN) * 70.0, rel=1e-12)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"age_years": 5, "sex": "male", "height_m": 1.7, "body_mass_kg": 70},
        {"age_years": 30, "sex": "other", "height_m": 1.7, "body_mass_kg": 70},
        {"age_years": 30, "sex": "male", "height_m": 17, "body_mass_kg": 70},
        {"age_years": 30, "sex": "male", "height_m": 1.7, "body_mass_kg": 0},
    ],
)
def test_meaningless_profiles_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(InputError):
        Profile(**kwargs)  # type: ignore[arg-type]


def test_vo2_and_kcal_per_minute_follow_the_met() -> None:
    result = energy.estimate(energy.Conditions(1.3, body_mass_kg=80))
    # the same arithmetic, perhaps in another order: equal to float rounding
    assert result.vo2_ml_kg_min == pytest.approx(result.met * 3.5, rel=1e-12)
    assert result.vo2_l_min == pytest.approx(result.met * 3.5 * 80 / 1000, rel=1e-12)
    assert result.kcal_per_min == pytest.approx(result.met * 80 / 60, rel=1e-12)
    assert result.kcal_per_min_o2 == pytest.approx(result.vo2_l_min * 5, rel=1e-12)
