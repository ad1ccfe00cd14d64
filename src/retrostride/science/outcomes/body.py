"""Body mass and body fat, always with the method the number came from.

Body-fat estimates from different methods (DXA, bioimpedance, skinfolds with a given equation,
hydrostatic weighing, air displacement) differ by several percentage points for the same person,
so retrostride records the method (and for skinfolds the equation and sites, for bioimpedance the
device) and compares a change only between measurements taken the same way. Terblanche et al.
2005 (Int J Sports Med 26:214) reported body fat from skinfolds.
"""

from __future__ import annotations

import math
from enum import StrEnum

from retrostride.errors import InputError
from retrostride.science import limits


class BodyFatMethod(StrEnum):
    """How a body-fat percentage was measured or estimated."""

    DXA = "dxa"
    BIA = "bia"
    SKINFOLDS = "skinfolds"
    HYDROSTATIC = "hydrostatic"
    AIR_DISPLACEMENT = "air-displacement"
    OTHER = "other"


METHOD_FORMS = ", ".join(m.value for m in BodyFatMethod)


def check_body_mass_kg(mass_kg: float) -> float:
    """A body mass [kg] inside :data:`retrostride.science.limits.BODY_MASS_KG`."""
    return limits.BODY_MASS_KG.check(mass_kg)


def check_body_fat(percent: float, method: str | None, detail: str | None) -> BodyFatMethod:
    """Validate a body-fat percentage (2-75 %) and its method; returns the method.

    ``detail`` is required for skinfolds (the equation and sites, for example
    "Jackson-Pollock 3-site + Siri") and recommended for bioimpedance (the device).
    """
    if not math.isfinite(percent) or not 2.0 <= percent <= 75.0:
        raise InputError("body_fat", percent, "a body-fat percentage of 2-75 %")
    if method is None:
        raise InputError("method", None, f"how it was measured: {METHOD_FORMS}")
    try:
        parsed = BodyFatMethod(method.strip().lower())
    except ValueError:
        raise InputError("method", method, METHOD_FORMS) from None
    if parsed is BodyFatMethod.SKINFOLDS and not (detail and detail.strip()):
        raise InputError(
            "detail",
            detail,
            'the skinfold equation and sites, e.g. "Jackson-Pollock 3-site + Siri"',
        )
    return parsed
