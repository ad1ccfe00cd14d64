"""The prescription fields as people write them in program files, and their SI parsers.

``duration = "10 min"``, ``speed = "2.5 km/h"``, ``grade = "5%"``, ``load = "10 kg"``,
``sled = "20 kg"``, ``body_weight_support = 40`` (percent of body weight unloaded). Amounts in rules
may be negative (``"-0.2 km/h"``).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from retrostride.errors import InputError
from retrostride.science.units import (
    parse_duration_s,
    parse_grade_percent,
    parse_mass_kg,
    parse_speed_m_s,
)


def _percent(text: str, *, field: str) -> float:
    try:
        value = float(str(text).strip().rstrip("%"))
    except ValueError:
        raise InputError(field, text, "a percentage such as 40 or 40%") from None
    if not math.isfinite(value):
        raise InputError(field, text, "a finite percentage")
    return value


FIELD_PARSERS: dict[str, tuple[str, Callable[..., float]]] = {
    "duration": ("duration_s", parse_duration_s),
    "speed": ("speed_m_s", parse_speed_m_s),
    "grade": ("grade_percent", parse_grade_percent),
    "load": ("load_kg", parse_mass_kg),
    "sled": ("sled_kg", parse_mass_kg),
    "body_weight_support": ("body_weight_support_percent", _percent),
}
"""File key -> (prescription attribute, parser of the text into SI)."""


def parse_field(key: str, value: object, *, where: str, signed: bool = False) -> float:
    """Parse a field value (text or number) into SI; ``where`` names the file and table."""
    if key not in FIELD_PARSERS:
        raise InputError(f"{where}: field", key, ", ".join(FIELD_PARSERS))
    _, parser = FIELD_PARSERS[key]
    text = str(value).strip()
    sign = 1.0
    if signed and text.startswith("-"):
        sign, text = -1.0, text[1:].strip()
    elif signed and text.startswith("+"):
        text = text[1:].strip()
    return sign * float(parser(text, field=f"{where}.{key}"))


def attribute(key: str) -> str:
    """The prescription attribute of a file key (``duration`` -> ``duration_s``)."""
    return FIELD_PARSERS[key][0]
