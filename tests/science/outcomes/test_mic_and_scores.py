"""Changes from baseline read against the published minimal important changes."""

from __future__ import annotations

import pytest

from retrostride.errors import InputError
from retrostride.science.outcomes import (
    Better,
    WomacTotals,
    check_body_fat,
    check_nrs,
    find_mic,
    interpret_change,
)
from retrostride.science.outcomes.strength import (
    StrengthUnit,
    kilogram_force_to_newton,
    parse_strength_unit,
)

# Salaffi et al. 2004: MCID a reduction of 1 point and of 15% (both cut-offs, baseline-dependent)


def test_nrs_one_point_is_the_salaffi_mcid() -> None:
    r = interpret_change("nrs_pain", 6, 5, Better.LOWER, "knee_oa")
    assert r.verdict == "important"
    assert "Salaffi" in r.text


def test_nrs_fifteen_percent_below_one_point_is_not_important() -> None:
    # 1.0 -> 0.8 is -20% but 0.2 of a point: once reported as clinically important
    assert interpret_change("nrs_pain", 1.0, 0.8, Better.LOWER, "knee_oa").verdict == "below"
    assert interpret_change("nrs_pain", 2.0, 1.7, Better.LOWER, "knee_oa").verdict == "below"
    # one point that is under 15% of a high baseline is not enough either (8 -> 7 is -12.5%)
    assert interpret_change("nrs_pain", 8.0, 7.0, Better.LOWER, "knee_oa").verdict == "below"
    r = interpret_change("nrs_pain", 2.0, 1.0, Better.LOWER, "knee_oa")  # -1 point, -50%
    assert r.verdict == "important" and "1.00 and 15%" in r.text


def test_nrs_half_a_point_of_six_is_below_the_mcid() -> None:
    assert interpret_change("nrs_pain", 6, 5.5, Better.LOWER, "knee_oa").verdict == "below"
    assert interpret_change("nrs_pain", 4, 5, Better.LOWER, "knee_oa").verdict == "worse"


def test_alghadir_retro_group_change_exceeds_but_between_group_difference_does_not() -> None:
    # Alghadir et al. 2019, BMC Musculoskelet Disord 20:159: the retro group's 1.8-point
    # reduction exceeds the 1-point MIC; the 0.8-point difference between groups does not.
    assert interpret_change("nrs_pain", 6.0, 4.2, Better.LOWER, "knee_oa").verdict == "important"
    assert interpret_change("nrs_pain", 8.0, 7.2, Better.LOWER, "knee_oa").verdict == "below"


def test_tubach_womac_function_knee_oa() -> None:
    mic = find_mic("womac_function", "knee_oa")
    assert mic is not None
    # -9.1 on the 0-100 normalised subscale = 6.188 of 68; relative -26.0%
    assert mic.absolute == pytest.approx(9.1 * 68 / 100, rel=1e-12)
    assert mic.relative_percent == 26.0  # the published figure, stored as printed: exact
    # both published cut-offs must be reached (Tubach: "the MCII is affected by the initial
    # degree of severity"): 40 -> 29.6 is -10.4 (-26%)
    assert interpret_change("womac_function", 40, 29.6, Better.LOWER, "knee_oa").verdict == (
        "important"
    )
    # 40 -> 33.8 is -6.2 points but only -15.5%
    assert interpret_change("womac_function", 40, 33.8, Better.LOWER, "knee_oa").verdict == (
        "below"
    )
    assert interpret_change("womac_function", 40, 35, Better.LOWER, "knee_oa").verdict == "below"
    # 20 -> 14.8 is -26% but -5.2 points (below 6.19)
    assert interpret_change("womac_function", 20, 14.8, Better.LOWER, "knee_oa").verdict == (
        "below"
    )


def test_angst_range_for_womac_pain() -> None:
    # 0.80-1.01 of 10 -> 1.6-2.02 of 20
    within = interpret_change("womac_pain", 10, 8.3, Better.LOWER, "knee_oa")
    assert within.verdict == "within-range"
    assert interpret_change("womac_pain", 10, 7.9, Better.LOWER, "knee_oa").verdict == "important"
    assert interpret_change("womac_pain", 10, 8.6, Better.LOWER, "knee_oa").verdict == "below"


def test_tug_in_knee_oa_has_only_a_minimal_detectable_change() -> None:
    beyond = interpret_change("tug", 10.0, 8.8, Better.LOWER, "knee_oa")
    assert beyond.verdict == "beyond-error"
    assert "no MCID" in beyond.text
    assert interpret_change("tug", 10.0, 9.5, Better.LOWER, "knee_oa").verdict == "within-error"
    slower = interpret_change("tug", 10.0, 11.5, Better.LOWER, "knee_oa")
    assert slower.verdict == "beyond-error" and "worse" in slower.text
    hip = interpret_change("tug", 10.0, 8.5, Better.LOWER, "hip_oa")
    assert hip.verdict == "important" and "Wright" in hip.text


@pytest.mark.parametrize(
    ("measure", "better"),
    [
        ("six_minute_walk", Better.HIGHER),
        ("quadriceps_strength", Better.HIGHER),
        ("womac_total", Better.LOWER),
        ("shuttle_run", Better.HIGHER),
        ("body_fat", Better.NEITHER),
    ],
)
def test_measures_without_a_published_mic_say_so(measure: str, better: Better) -> None:
    r = interpret_change(measure, 100, 110, better, "knee_oa")
    assert r.verdict == "no-mic"
    assert "no MIC" in r.text


def test_six_minute_walk_after_arthroplasty_uses_naylor() -> None:
    r = interpret_change("six_minute_walk", 300, 340, Better.HIGHER, "knee_arthroplasty")
    assert r.verdict == "within-range"
    assert (
        interpret_change("six_minute_walk", 300, 380, Better.HIGHER, "knee_arthroplasty").verdict
        == "important"
    )


def test_womac_totals_ranges_and_sum() -> None:
    w = WomacTotals(pain=8, stiffness=3, function=30)
    assert w.total == 41
    assert w.normalised("function") == pytest.approx(100 * 30 / 68, rel=1e-12)
    for kwargs in (
        {"pain": 21, "stiffness": 0, "function": 0},
        {"pain": 0, "stiffness": 9, "function": 0},
        {"pain": 0, "stiffness": 0, "function": 69},
    ):
        with pytest.raises(InputError):
            WomacTotals(**kwargs)


def test_nrs_range() -> None:
    assert check_nrs(0) == 0 and check_nrs(10) == 10
    with pytest.raises(InputError):
        check_nrs(11)


def test_body_fat_needs_its_method_and_for_skinfolds_the_equation() -> None:
    assert check_body_fat(24.0, "dxa", None).value == "dxa"
    with pytest.raises(InputError, match="method"):
        check_body_fat(24.0, None, None)
    with pytest.raises(InputError, match="detail"):
        check_body_fat(24.0, "skinfolds", None)
    assert check_body_fat(24.0, "skinfolds", "Jackson-Pollock 3-site + Siri").value == "skinfolds"
    with pytest.raises(InputError):
        check_body_fat(90.0, "bia", None)


def test_strength_units() -> None:
    assert parse_strength_unit("Nm") is StrengthUnit.NEWTON_METRE
    assert parse_strength_unit("N·m") is StrengthUnit.NEWTON_METRE
    assert parse_strength_unit("kgf") is StrengthUnit.KILOGRAM
    assert kilogram_force_to_newton(10) == pytest.approx(98.0665, rel=1e-12)  # standard g
    with pytest.raises(InputError):
        parse_strength_unit("lbs")
