"""Quadriceps (knee-extensor) strength, kept in the unit and with the method it was measured by.

Force [N] from a hand-held or fixed dynamometer, torque [N·m] from an isokinetic or isometric
dynamometer, or a load [kg] (a repetition maximum, or a dynamometer reading in kilogram-force).
Kilogram-force converts to newtons with standard gravity, 9.80665 m/s² (3rd CGPM, 1901); force
and torque are not interconverted (that needs the lever arm). Changes are compared only between
measurements of the same method and unit. No minimal important change for quadriceps strength in
knee osteoarthritis was found (see :mod:`retrostride.science.outcomes.mic`).
"""

from __future__ import annotations

import math
from enum import StrEnum

from retrostride.errors import InputError

STANDARD_GRAVITY_M_S2 = 9.80665
"""Standard acceleration of gravity [m/s²] (3rd CGPM, 1901)."""


class StrengthMethod(StrEnum):
    """How knee-extensor strength was measured."""

    HANDHELD_DYNAMOMETER = "handheld-dynamometer"
    FIXED_DYNAMOMETER = "fixed-dynamometer"
    ISOKINETIC = "isokinetic"
    ONE_REPETITION_MAXIMUM = "1rm"
    OTHER = "other"


class StrengthUnit(StrEnum):
    NEWTON = "N"
    NEWTON_METRE = "N·m"
    KILOGRAM = "kg"


_UNIT_SPELLINGS = {
    "n": StrengthUnit.NEWTON,
    "newton": StrengthUnit.NEWTON,
    "nm": StrengthUnit.NEWTON_METRE,
    "n·m": StrengthUnit.NEWTON_METRE,
    "n.m": StrengthUnit.NEWTON_METRE,
    "n m": StrengthUnit.NEWTON_METRE,
    "kg": StrengthUnit.KILOGRAM,
    "kgf": StrengthUnit.KILOGRAM,
}
METHOD_FORMS = ", ".join(m.value for m in StrengthMethod)


def parse_strength_unit(text: str) -> StrengthUnit:
    """``N``, ``N·m`` (or ``Nm``, ``N.m``) or ``kg`` (``kgf``)."""
    unit = _UNIT_SPELLINGS.get(text.strip().lower())
    if unit is None:
        raise InputError("unit", text, "N, N·m (Nm) or kg")
    return unit


def parse_strength_method(text: str | None) -> StrengthMethod:
    if text is None:
        raise InputError("method", None, f"how it was measured: {METHOD_FORMS}")
    try:
        return StrengthMethod(text.strip().lower())
    except ValueError:
        raise InputError("method", text, METHOD_FORMS) from None


def check_strength(value: float, unit: StrengthUnit) -> float:
    """A positive, plausible strength value in ``unit`` (N up to 5000, N·m up to 1000, kg 500)."""
    limit = {StrengthUnit.NEWTON: 5000.0, StrengthUnit.NEWTON_METRE: 1000.0}.get(unit, 500.0)
    if not math.isfinite(value) or not 0.0 < value <= limit:
        raise InputError("quadriceps_strength", value, f"a value in {unit.value} up to {limit:g}")
    return float(value)


def kilogram_force_to_newton(value_kg: float) -> float:
    """Kilogram-force to newtons [N] (standard gravity)."""
    return value_kg * STANDARD_GRAVITY_M_S2
