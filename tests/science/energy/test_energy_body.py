"""kcal for a person against the published arithmetic.

- Compendium (Ainsworth et al. 2011; Herrmann et al. 2024): 1 MET = 1 kcal/kg/h = 3.5 mL/kg/min,
  so gross kcal = MET x kg x h; from VO2 at 5 kcal per litre O2 the same MET gives 5% more.
- Kozey et al. 2010 (J Phys Act Health 7:508): corrected MET = measured VO2 / the person's
  predicted RMR (Harris-Benedict), an intensity: corrected MET x RMR gives back the VO2.
- Harris & Benedict 1919 and Mifflin et al. 1990 (Am J Clin Nutr 51:241) resting equations.
"""

from __future__ import annotations

import pytest

from retrostride.errors import InputError
from retrostride.science import energy
from retrostride.science.energy import Profile

MAN = Profile(age_years=30, sex="male", height_m=1.75, body_mass_kg=70)
# The case found in review: a 65-year-old, 90 kg, 160 cm woman walking backward at 3.5 mph for an
# hour (Compendium 17320: 6.0 MET, VO2 = 6.0 x 3.5 = 21 mL/kg/min).
WOMAN_65 = Profile(age_years=65, sex="female", height_m=1.60, body_mass_kg=90)


def test_harris_benedict_man_worked_by_hand() -> None:
    # 66.473 + 13.7516 x 70 + 5.0033 x 175 - 6.7550 x 30 = 1702.0 kcal/day; / 1440 / 5 x 1000 / 70
    # = 3.377 mL/kg/min; Kozey's factor 3.5 / 3.377 = 1.036.
    assert energy.rmr_kcal_day(MAN) == pytest.approx(1702.0, abs=0.1)
    assert energy.rmr_ml_kg_min(MAN) == pytest.approx(3.377, abs=0.001)
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


def test_gross_kcal_by_the_compendium_and_from_vo2() -> None:
    # 6 MET, 70 kg, 30 min: 6 x 70 x 0.5 = 210 kcal; VO2 21 mL/kg/min x 70 kg x 30 min = 44.1 L
    # x 5 kcal/L = 220.5 kcal. Net without a profile: (6 - 1) x 70 x 0.5 = 175.
    kcal = energy.kcal_for_duration(6.0, 70.0, 1800.0)
    assert kcal.gross_kcal == pytest.approx(210.0, rel=1e-12)
    assert kcal.gross_kcal_o2 == pytest.approx(220.5, rel=1e-12)
    assert kcal.net_kcal == pytest.approx(175.0, rel=1e-12)
    assert kcal.corrected_met is None
    assert "MET x kg x h" in kcal.conventions["met-kg-h"]
    assert "(MET - 1)" in kcal.net_convention


def test_the_older_woman_of_the_review() -> None:
    kcal = energy.kcal_for_duration(6.0, 90.0, 3600.0, profile=WOMAN_65)
    # standard convention: 6.0 x 90 x 1 = 540; from the VO2: 21 x 90 x 60 / 1000 x 5 = 567.
    assert kcal.gross_kcal == pytest.approx(540.0, rel=1e-12)
    assert kcal.gross_kcal_o2 == pytest.approx(567.0, rel=1e-12)
    # Harris-Benedict: 655.0955 + 9.5634 x 90 + 1.8496 x 160 - 4.6756 x 65 = 1507.8 kcal/day,
    # 62.83 kcal in the hour; net = gross - the person's own resting energy.
    rest = (655.0955 + 9.5634 * 90 + 1.8496 * 160 - 4.6756 * 65) / 24
    assert kcal.resting_kcal == pytest.approx(rest, rel=1e-12)
    assert kcal.net_kcal == pytest.approx(540.0 - rest, rel=1e-12)
    assert kcal.net_kcal == pytest.approx(477.2, abs=0.1)
    # Kozey's corrected MET is an intensity: 21 / 2.327 = 9.02; never multiplied into kcal
    # (9.02 x 90 x 1 = 812 was the error found in review).
    assert kcal.corrected_met == pytest.approx(9.02, abs=0.01)
    assert kcal.corrected_met * 90 == pytest.approx(812, abs=1)
    assert all(
        abs(value - 812) > 100 for value in (kcal.gross_kcal, kcal.gross_kcal_o2, kcal.net_kcal)
    )
    # corrected MET x the person's RMR gives back the VO2 of the activity (Kozey 2010).
    assert kcal.corrected_met * energy.rmr_ml_kg_min(WOMAN_65) == pytest.approx(21.0, rel=1e-12)
    # 60 and over: the Older Adult Compendium is named, not applied.
    assert any("Older Adult Compendium" in note and "2.7" in note for note in kcal.notes)


def test_no_older_adult_note_below_60() -> None:
    assert energy.kcal_for_duration(6.0, 70.0, 3600.0, profile=MAN).notes == ()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"age_years": 5, "sex": "male", "height_m": 1.7, "body_mass_kg": 70}, "age_years"),
        ({"age_years": 30, "sex": "other", "height_m": 1.7, "body_mass_kg": 70}, "sex"),
        ({"age_years": 30, "sex": "male", "height_m": 17, "body_mass_kg": 70}, "height_m"),
        ({"age_years": 30, "sex": "male", "height_m": 1.7, "body_mass_kg": 0}, "body_mass_kg"),
        ({"age_years": 30, "sex": "male", "height_m": 1.7, "body_mass_kg": 650}, "body_mass_kg"),
    ],
)
def test_meaningless_profiles_are_refused(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as info:
        Profile(**kwargs)  # type: ignore[arg-type]
    assert info.value.field == field


def test_vo2_and_kcal_per_minute_follow_the_met() -> None:
    result = energy.estimate(energy.Conditions(1.3, body_mass_kg=80))
    # the same arithmetic, perhaps in another order: equal to float rounding
    assert result.vo2_ml_kg_min == pytest.approx(result.met * 3.5, rel=1e-12)
    assert result.vo2_l_min == pytest.approx(result.met * 3.5 * 80 / 1000, rel=1e-12)
    assert result.kcal_per_min == pytest.approx(result.met * 80 / 60, rel=1e-12)
    assert result.kcal_per_min_o2 == pytest.approx(result.vo2_l_min * 5, rel=1e-12)
