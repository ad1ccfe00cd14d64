"""The one unit parser of retrostride: text people type at the edges -> SI floats inside.

Every parser takes the text and a keyword ``field`` (the option, column or form field it came
from, used in the error) and returns a float in SI units (m/s, kg, s, m) or percent for grades.
Malformed, non-finite or negative input (negative only where the quantity cannot be negative)
raises :class:`retrostride.errors.InputError` naming the field and the accepted form.
Whether a well-formed value is physiologically plausible is decided by the models, not here.

The common units people type (m/s, km/h, mph; kg, lb, stone; m, km, mi, cm, ft, in; s, min, h)
are converted with exact factors from one table, so that a command parses its options without
loading pint; any other spelling falls back to pint (registry created on first use, imported only
then: pint costs about 0.3 s to import and build). The ``format_*`` helpers do the reverse for
display.
"""

from __future__ import annotations

import math
import re
from functools import cache
from typing import TYPE_CHECKING, Final

from retrostride.errors import InputError

if TYPE_CHECKING:
    import pint

SPEED_FORMS: Final = '"3.5 mph", "5.6 km/h", "1.5 m/s", "10:00 min/km" or "8:00 min/mi"'
MASS_FORMS: Final = '"70 kg" or "154 lb" (a bare number is kg)'
DURATION_FORMS: Final = '"30 min", "45 s", "1h15", "1:15:00" (h:mm:ss), "45:30" (mm:ss) or "90"'
DISTANCE_FORMS: Final = '"5 km", "3.1 mi" or "400 m" (a bare number is metres)'
LENGTH_FORMS: Final = '"175 cm", "1.75 m" or "5 ft 9 in" (a bare number is cm)'
GRADE_FORMS: Final = '"5", "5%" or "-3 %" (percent rise over run; negative is downhill)'

# Spellings pint does not know, mapped to ones it does (lower-cased keys).
_ALIASES: Final[dict[str, str]] = {
    "kmh": "km/h",
    "km/hr": "km/h",
    "kmph": "km/h",
    "kph": "km/h",
    "mi/h": "mph",
    "mi/hr": "mph",
    "m/sec": "m/s",
    "mps": "m/s",
    "kgs": "kg",
    "lbs": "lb",
    "pounds": "lb",
    "mins": "min",
    "minutes": "min",
    "hrs": "h",
    "hours": "h",
    "secs": "s",
    "seconds": "s",
    "miles": "mi",
    "metres": "m",
    "meters": "m",
}

_NUMBER: Final = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_PACE_RE: Final = re.compile(
    r"^(\d+):(\d{1,2}(?:\.\d*)?)\s*(?:min)?\s*(?:/|per)\s*(km|mi|mile)$", re.IGNORECASE
)
_CLOCK_RE: Final = re.compile(r"^(\d+):(\d{1,2})(?::(\d{1,2}(?:\.\d*)?))?$")
_HMS_RE: Final = re.compile(
    r"^(?:(\d+(?:\.\d*)?)\s*h)?\s*(?:(\d+(?:\.\d*)?)\s*(?:m|min)?)?\s*(?:(\d+(?:\.\d*)?)\s*s)?$",
    re.IGNORECASE,
)
_FEET_INCHES_RE: Final = re.compile(
    r"^(\d+(?:\.\d*)?)\s*(?:ft|foot|feet|')\s*(?:(\d+(?:\.\d*)?)\s*(?:in|inch|inches|\"|'')?)?$",
    re.IGNORECASE,
)
_GRADE_RE: Final = re.compile(rf"^({_NUMBER})\s*(%|percent)?$", re.IGNORECASE)


@cache
def _registry() -> pint.UnitRegistry:  # type: ignore[type-arg]
    import pint

    return pint.UnitRegistry()


def _pint_errors() -> tuple[type[Exception], ...]:
    import pint

    return (pint.errors.PintError, ValueError, TypeError, AttributeError, AssertionError)


# Exact factors to SI of the units people type most (the 1959 international yard and pound
# agreement for mile, foot, inch and pound; 1 stone = 14 lb). Keys are lower-cased spellings after
# ``_ALIASES``; values are (dimension, factor to the dimension's SI unit). Anything else: pint.
_INCH_M: Final = 0.0254
_POUND_KG: Final = 0.45359237
_MILE_M: Final = 1609.344
_COMMON_UNITS: Final[dict[str, tuple[str, float]]] = {
    "m/s": ("m/s", 1.0),
    "km/h": ("m/s", 1000.0 / 3600.0),
    "mph": ("m/s", _MILE_M / 3600.0),
    "kg": ("kg", 1.0),
    "g": ("kg", 1e-3),
    "lb": ("kg", _POUND_KG),
    "stone": ("kg", 14 * _POUND_KG),
    "st": ("kg", 14 * _POUND_KG),
    "m": ("m", 1.0),
    "km": ("m", 1000.0),
    "cm": ("m", 0.01),
    "mm": ("m", 0.001),
    "mi": ("m", _MILE_M),
    "mile": ("m", _MILE_M),
    "ft": ("m", 12 * _INCH_M),
    "in": ("m", _INCH_M),
    "yd": ("m", 36 * _INCH_M),
    "s": ("s", 1.0),
    "sec": ("s", 1.0),
    "min": ("s", 60.0),
    "h": ("s", 3600.0),
    "hr": ("s", 3600.0),
}


def _clean(text: object, field: str, expected: str) -> str:
    if not isinstance(text, str):
        if isinstance(text, int | float) and not isinstance(text, bool):
            text = repr(float(text))
        else:
            raise InputError(field, text, expected)
    cleaned = " ".join(text.strip().split())
    if not cleaned:
        raise InputError(field, text, expected)
    return cleaned


def _finite(value: float, field: str, text: str, expected: str, *, negative_ok: bool) -> float:
    if not math.isfinite(value) or (value < 0 and not negative_ok):
        raise InputError(field, text, expected)
    return float(value)


def _quantity(text: str, field: str, expected: str, dimension: str, default_unit: str) -> float:
    """Parse ``number [unit]`` with pint and return the magnitude in ``dimension``'s SI unit."""
    match = re.match(rf"^({_NUMBER})\s*(.*)$", text)
    if match is None:
        raise InputError(field, text, expected)
    number_text, unit_text = match.group(1), match.group(2).strip()
    unit_text = _ALIASES.get(unit_text.lower(), unit_text) or default_unit
    common = _COMMON_UNITS.get(unit_text.lower())
    if common is not None and common[0] == dimension:
        return float(number_text) * common[1]
    registry = _registry()
    try:
        quantity = registry.Quantity(float(number_text), registry.parse_units(unit_text))
        return float(quantity.to(dimension).magnitude)
    except _pint_errors() as exc:
        raise InputError(field, text, expected) from exc


def parse_speed_m_s(text: str, *, field: str = "speed") -> float:
    """Speed [m/s] from ``"3.5 mph"``, ``"5.6 km/h"``, ``"1.5 m/s"``, ``"10:00 min/km"``.

    A bare number is km/h. A pace (``"8:00 min/mi"``, ``"6 min/km"``) is inverted.
    Negative or non-finite speeds are refused; zero is returned as 0.0.
    """
    cleaned = _clean(text, field, SPEED_FORMS)
    pace = _PACE_RE.match(cleaned)
    if pace is not None:
        seconds = int(pace.group(1)) * 60 + float(pace.group(2))
        if float(pace.group(2)) >= 60 or seconds <= 0:
            raise InputError(field, text, SPEED_FORMS)
        metres = 1000.0 if pace.group(3).lower() == "km" else 1609.344
        return metres / seconds
    match = re.match(rf"^({_NUMBER})\s*(.*)$", cleaned)
    unit_key = _ALIASES.get(match.group(2).lower(), match.group(2)).lower() if match else ""
    if match is not None and match.group(2) and unit_key not in _COMMON_UNITS:
        unit_text = _ALIASES.get(match.group(2).lower(), match.group(2))
        registry = _registry()
        try:
            unit = registry.parse_units(unit_text.replace("per", "/"))
            dims = registry.Quantity(1.0, unit).dimensionality
        except _pint_errors():
            raise InputError(field, text, SPEED_FORMS) from None
        if dims == registry.Quantity(1.0, "s/m").dimensionality:
            seconds_per_metre = _quantity(cleaned, field, SPEED_FORMS, "s/m", "s/m")
            if seconds_per_metre <= 0 or not math.isfinite(seconds_per_metre):
                raise InputError(field, text, SPEED_FORMS)
            return 1.0 / seconds_per_metre
    value = _quantity(cleaned, field, SPEED_FORMS, "m/s", "km/h")
    return _finite(value, field, text, SPEED_FORMS, negative_ok=False)


def parse_mass_kg(text: str, *, field: str = "mass") -> float:
    """Mass [kg] from ``"70 kg"``, ``"154 lb"``, ``"11 stone"``; bare number: kg."""
    cleaned = _clean(text, field, MASS_FORMS)
    value = _quantity(cleaned, field, MASS_FORMS, "kg", "kg")
    return _finite(value, field, text, MASS_FORMS, negative_ok=False)


def parse_duration_s(text: str, *, field: str = "duration", bare_unit: str = "min") -> float:
    """Duration in seconds.

    Accepts ``"30 min"``, ``"45 s"``, ``"2 h"``, ``"1h15"`` (1 h 15 min), ``"1h15m30s"``,
    ``"1:15:00"`` (h:mm:ss), ``"45:30"`` (mm:ss, as a stopwatch shows it) and a bare number, read in
    ``bare_unit`` (minutes by default: ``"90"`` is 90 min; pass ``bare_unit="s"`` for data files).
    """
    cleaned = _clean(text, field, DURATION_FORMS)
    clock = _CLOCK_RE.match(cleaned)
    if clock is not None:
        first, second, third = clock.group(1), clock.group(2), clock.group(3)
        if third is None:  # mm:ss
            if int(second) >= 60:
                raise InputError(field, text, DURATION_FORMS)
            return int(first) * 60.0 + int(second)
        if int(second) >= 60 or float(third) >= 60:
            raise InputError(field, text, DURATION_FORMS)
        return int(first) * 3600.0 + int(second) * 60.0 + float(third)
    if re.fullmatch(_NUMBER, cleaned):
        value = _quantity(cleaned + " " + bare_unit, field, DURATION_FORMS, "s", bare_unit)
        return _finite(value, field, text, DURATION_FORMS, negative_ok=False)
    compact = cleaned.replace(" ", "")
    hms = _HMS_RE.match(compact)
    if hms is not None and any(hms.groups()) and re.search(r"[hH]", compact):
        hours, minutes, seconds = (float(g) if g else 0.0 for g in hms.groups())
        return hours * 3600.0 + minutes * 60.0 + seconds
    value = _quantity(cleaned, field, DURATION_FORMS, "s", bare_unit)
    return _finite(value, field, text, DURATION_FORMS, negative_ok=False)


def parse_distance_m(text: str, *, field: str = "distance") -> float:
    """Distance in metres from ``"5 km"``, ``"3.1 mi"``, ``"400 m"``; a bare number is metres."""
    cleaned = _clean(text, field, DISTANCE_FORMS)
    value = _quantity(cleaned, field, DISTANCE_FORMS, "m", "m")
    return _finite(value, field, text, DISTANCE_FORMS, negative_ok=False)


def parse_length_m(text: str, *, field: str = "height") -> float:
    """Body length (height) [m] from ``"175 cm"``, ``"1.75 m"``, ``"5 ft 9 in"``, ``"5'9\\""``.

    A bare number is centimetres (people give heights in cm, not m).
    """
    cleaned = _clean(text, field, LENGTH_FORMS)
    feet_inches = _FEET_INCHES_RE.match(cleaned)
    if feet_inches is not None:
        feet = float(feet_inches.group(1))
        inches = float(feet_inches.group(2) or 0.0)
        return feet * 0.3048 + inches * 0.0254
    value = _quantity(cleaned, field, LENGTH_FORMS, "m", "cm")
    return _finite(value, field, text, LENGTH_FORMS, negative_ok=False)


def parse_grade_percent(text: str, *, field: str = "grade") -> float:
    """Grade [%] (rise over run x 100) from ``"5"``, ``"5%"``, ``"-3 %"``; negative is downhill."""
    cleaned = _clean(text, field, GRADE_FORMS)
    match = _GRADE_RE.match(cleaned)
    if match is None:
        raise InputError(field, text, GRADE_FORMS)
    return _finite(float(match.group(1)), field, text, GRADE_FORMS, negative_ok=True)


# --- exact conversion factors (the 1959 international yard and pound agreement) -----------

M_PER_MILE: Final = 1609.344
"""One international mile [m], exact."""
M_PER_FOOT: Final = 0.3048
"""One international foot [m], exact."""
M_S_PER_MPH: Final = M_PER_MILE / 3600.0
"""One mile per hour [m/s] (0.44704), exact."""
KG_PER_LB: Final = 0.45359237
"""One international avoirdupois pound [kg], exact."""

# --- display -------------------------------------------------------------------------------

_SPEED_FACTORS_M_S: Final[dict[str, float]] = {"m/s": 1.0, "km/h": 1 / 3.6, "mph": M_S_PER_MPH}
_MASS_FACTORS_KG: Final[dict[str, float]] = {"kg": 1.0, "lb": KG_PER_LB}


def speed_in(speed_m_s: float, unit: str) -> float:
    """Convert a speed in m/s to ``"m/s"``, ``"km/h"`` or ``"mph"``."""
    try:
        return speed_m_s / _SPEED_FACTORS_M_S[unit]
    except KeyError:
        raise InputError("unit", unit, "m/s, km/h or mph") from None


def format_speed(speed_m_s: float, unit: str = "km/h", *, digits: int = 1) -> str:
    """``1.5646`` -> ``"5.6 km/h"`` (or ``"3.5 mph"``, ``"1.56 m/s"``)."""
    return f"{speed_in(speed_m_s, unit):.{digits}f} {unit}"


def format_pace(speed_m_s: float, per: str = "km") -> str:
    """Pace as ``"mm:ss min/km"`` (or ``min/mi``); ``"-"`` for a zero speed."""
    if speed_m_s <= 0 or not math.isfinite(speed_m_s):
        return "-"
    metres = {"km": 1000.0, "mi": M_PER_MILE}[per]
    total = round(metres / speed_m_s)
    return f"{total // 60}:{total % 60:02d} min/{per}"


def format_duration(seconds: float) -> str:
    """``4500`` -> ``"1:15:00"``; under an hour ``"45:30"``."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def mass_in(mass_kg: float, unit: str) -> float:
    """Convert a mass in kg to ``"kg"`` or ``"lb"``."""
    try:
        return mass_kg / _MASS_FACTORS_KG[unit]
    except KeyError:
        raise InputError("unit", unit, "kg or lb") from None


def format_mass(mass_kg: float, unit: str = "kg", *, digits: int = 1) -> str:
    """``70`` -> ``"70.0 kg"`` or, with ``unit="lb"``, ``"154.3 lb"``."""
    return f"{mass_in(mass_kg, unit):.{digits}f} {unit}"


def format_distance(distance_m: float, unit: str = "km", *, digits: int = 2) -> str:
    """``5000`` -> ``"5.00 km"``; ``unit`` is ``"km"``, ``"mi"`` or ``"m"``."""
    factor = {"km": 1e-3, "mi": 1 / M_PER_MILE, "m": 1.0}[unit]
    return f"{distance_m * factor:.{digits}f} {unit}"
