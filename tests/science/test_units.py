"""The unit parser: the forms people type, refusals, and round trips (hypothesis)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrostride.errors import InputError
from retrostride.science import units

MPH = 0.44704  # exact by definition (1 mile = 1609.344 m)


@pytest.mark.parametrize(
    ("text", "expected_m_s"),
    [
        ("3.5 mph", 3.5 * MPH),
        ("5.6 km/h", 5.6 / 3.6),
        ("1.5 m/s", 1.5),
        ("10:00 min/km", 1000 / 600),
        ("8:00 min/mi", 1609.344 / 480),
        ("6 min/km", 1000 / 360),
        ("5 kph", 5 / 3.6),
        ("12", 12 / 3.6),
        ("0 mph", 0.0),
    ],
)
def test_speed_forms(text: str, expected_m_s: float) -> None:
    assert units.parse_speed_m_s(text) == pytest.approx(expected_m_s, rel=1e-12)


@pytest.mark.parametrize(
    ("text", "expected_kg"), [("70 kg", 70.0), ("154 lb", 154 * 0.45359237), ("70", 70.0)]
)
def test_mass_forms(text: str, expected_kg: float) -> None:
    assert units.parse_mass_kg(text) == pytest.approx(expected_kg, rel=1e-12)


@pytest.mark.parametrize(
    ("text", "expected_s"),
    [
        ("30 min", 1800),
        ("1h15", 4500),
        ("1:15:00", 4500),
        ("45 s", 45),
        ("90", 5400),
        ("45:30", 2730),
        ("1h15m30s", 4530),
        ("2 h", 7200),
    ],
)
def test_duration_forms(text: str, expected_s: float) -> None:
    assert units.parse_duration_s(text) == pytest.approx(expected_s, rel=1e-12)


def test_duration_bare_unit_can_be_seconds() -> None:
    assert units.parse_duration_s("90", bare_unit="s") == pytest.approx(90, rel=1e-12)


@pytest.mark.parametrize(
    ("text", "expected_m"), [("5 km", 5000), ("3.1 mi", 3.1 * 1609.344), ("400 m", 400)]
)
def test_distance_forms(text: str, expected_m: float) -> None:
    assert units.parse_distance_m(text) == pytest.approx(expected_m, rel=1e-12)


@pytest.mark.parametrize(
    ("text", "expected_m"),
    [("175 cm", 1.75), ("5 ft 9 in", 69 * 0.0254), ("1.75 m", 1.75), ("5'9\"", 69 * 0.0254)],
)
def test_length_forms(text: str, expected_m: float) -> None:
    assert units.parse_length_m(text) == pytest.approx(expected_m, rel=1e-12)


@pytest.mark.parametrize(("text", "expected"), [("5", 5.0), ("5%", 5.0), ("-3 %", -3.0)])
def test_grade_forms(text: str, expected: float) -> None:
    assert units.parse_grade_percent(text) == expected  # the typed number itself: exact


@pytest.mark.parametrize(
    ("parser", "text"),
    [
        (units.parse_speed_m_s, "-1 mph"),
        (units.parse_speed_m_s, "3 kg"),
        (units.parse_speed_m_s, "fast"),
        (units.parse_speed_m_s, "nan mph"),
        (units.parse_speed_m_s, "3 furlongz"),
        (units.parse_mass_kg, "-70 kg"),
        (units.parse_mass_kg, "70 m"),
        (units.parse_duration_s, "-5 min"),
        (units.parse_duration_s, "1:75"),
        (units.parse_distance_m, "5 kg"),
        (units.parse_length_m, "tall"),
        (units.parse_grade_percent, "steep"),
        (units.parse_grade_percent, "inf"),
    ],
)
def test_refusals_name_the_field_and_form(parser: object, text: str) -> None:
    with pytest.raises(InputError) as info:
        parser(text, field="--thing")  # type: ignore[operator]
    assert info.value.field == "--thing"
    assert info.value.expected


@given(st.floats(min_value=0.01, max_value=12.0), st.sampled_from(["m/s", "km/h", "mph"]))
def test_speed_round_trip(speed_m_s: float, unit: str) -> None:
    text = units.format_speed(speed_m_s, unit, digits=9)
    assert units.parse_speed_m_s(text) == pytest.approx(speed_m_s, rel=1e-6)


@given(st.floats(min_value=0.5, max_value=8.0))
def test_pace_round_trip(speed_m_s: float) -> None:
    back = units.parse_speed_m_s(units.format_pace(speed_m_s))
    assert back == pytest.approx(speed_m_s, rel=0.01)  # the pace is rounded to the second


@given(st.floats(min_value=1.0, max_value=400.0))
def test_mass_round_trip_in_pounds(mass_kg: float) -> None:
    assert units.parse_mass_kg(units.format_mass(mass_kg, "lb", digits=9)) == pytest.approx(
        mass_kg, rel=1e-8
    )


@given(st.integers(min_value=0, max_value=100 * 3600))
def test_duration_round_trip(seconds: int) -> None:
    back = units.parse_duration_s(units.format_duration(seconds))
    assert back == pytest.approx(seconds, rel=1e-12, abs=1e-9)


@given(st.floats(min_value=0.0, max_value=50_000.0), st.sampled_from(["km", "mi", "m"]))
def test_distance_round_trip(distance_m: float, unit: str) -> None:
    text = units.format_distance(distance_m, unit, digits=9)
    assert math.isclose(units.parse_distance_m(text), distance_m, rel_tol=1e-6, abs_tol=1e-6)


def test_mass_in_pounds_uses_the_exact_international_pound() -> None:
    # 1 lb = 0.45359237 kg exactly (international yard and pound agreement, 1959)
    assert units.mass_in(154 * 0.45359237, "lb") == pytest.approx(154.0, rel=1e-12)
    assert units.mass_in(70.0, "kg") == pytest.approx(70.0, rel=1e-12)
    assert abs(units.M_S_PER_MPH - MPH) < 1e-15
    with pytest.raises(InputError):
        units.mass_in(70.0, "stone")


@pytest.mark.parametrize("unit", sorted(units._COMMON_UNITS))
def test_common_units_agree_with_pint(unit: str) -> None:
    """The pint-free table of common units gives pint's factor for every entry (rel 1e-12)."""
    import pint

    dimension, factor = units._COMMON_UNITS[unit]
    pint_unit = {"st": "stone", "hr": "hour", "sec": "second"}.get(unit, unit)
    registry = pint.UnitRegistry()
    expected = registry.Quantity(1.0, pint_unit).to(dimension).magnitude
    assert factor == pytest.approx(expected, rel=1e-12)


def test_common_units_parse_without_importing_pint() -> None:
    """A CLI option in a common unit is parsed without loading pint (CLI start-up time)."""
    import subprocess
    import sys

    code = (
        "import sys; from retrostride.science import units as u; "
        "u.parse_speed_m_s('3.5 mph'); u.parse_mass_kg('154 lb'); u.parse_duration_s('30 min'); "
        "u.parse_distance_m('5 km'); u.parse_length_m('175 cm'); "
        "sys.exit(1 if 'pint' in sys.modules else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
