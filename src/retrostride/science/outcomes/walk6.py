"""Six-minute walk distance against Enright & Sherrill 1998.

Enright PL, Sherrill DL. Reference equations for the six-minute walk in healthy adults.
*Am J Respir Crit Care Med* 1998;158:1384-1387: 117 men and 173 women aged 40-80, standardised
protocol, first walk. Distance [m] with height H [cm], weight W [kg], age A [years]:

- men:   6MWD = 7.57 H - 5.02 A - 1.76 W - 309
- women: 6MWD = 2.11 H - 2.29 W - 5.78 A + 667

Lower limit of normal: predicted minus 153 m (men) or 139 m (women), as given in the paper's
text [V-copy for men (a third-party calculator); women's value to be re-checked against the paper].
Outside 40-80 years the equations are extrapolated: the result carries a warning.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from retrostride.errors import InputError
from retrostride.science import limits

VALID_AGE_YEARS = (40.0, 80.0)
"""The age range of Enright & Sherrill's sample [years]."""
LLN_OFFSET_M = {"male": 153.0, "female": 139.0}
"""Predicted minus this is the lower limit of normal [m] (Enright & Sherrill 1998)."""


@dataclass(frozen=True, slots=True)
class SixMinuteWalkResult:
    """Predicted distance [m], lower limit of normal [m] and percent of predicted."""

    distance_m: float
    predicted_m: float
    lower_limit_m: float
    percent_predicted: float
    below_lower_limit: bool
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        head = (
            f"{self.distance_m:.0f} m = {self.percent_predicted:.0f}% of predicted "
            f"{self.predicted_m:.0f} m (Enright & Sherrill 1998); lower limit of normal "
            f"{self.lower_limit_m:.0f} m"
        )
        if self.below_lower_limit:
            head += ": below the lower limit of normal"
        return "; ".join([head, *self.warnings])


def predicted_6mwd_m(sex: str, height_cm: float, mass_kg: float, age_years: float) -> float:
    """Enright & Sherrill 1998 predicted six-minute walk distance [m]."""
    if sex == "male":
        return 7.57 * height_cm - 5.02 * age_years - 1.76 * mass_kg - 309.0
    if sex == "female":
        return 2.11 * height_cm - 2.29 * mass_kg - 5.78 * age_years + 667.0
    raise InputError("sex", sex, "male or female (the equations are sex-specific)")


def interpret_6mwd(
    distance_m: float, *, sex: str, height_m: float, mass_kg: float, age_years: float
) -> SixMinuteWalkResult:
    """A walked distance [m] as percent of Enright & Sherrill's prediction, with its LLN."""
    if not math.isfinite(distance_m) or not 0.0 <= distance_m <= 1500.0:
        raise InputError("six_minute_walk", distance_m, "a distance in metres (0-1500)")
    limits.HEIGHT_M.check(height_m)
    limits.BODY_MASS_KG.check(mass_kg)
    warnings: list[str] = []
    low, high = VALID_AGE_YEARS
    if not low <= age_years <= high:
        warnings.append(
            f"age {age_years:.0f} is outside the 40-80 years of Enright & Sherrill's sample: "
            "the prediction is extrapolated"
        )
    predicted = predicted_6mwd_m(sex, height_m * 100.0, mass_kg, age_years)
    if predicted <= 0:
        raise InputError("six_minute_walk", distance_m, "a person inside the equation's range")
    lln = predicted - LLN_OFFSET_M[sex]
    return SixMinuteWalkResult(
        distance_m,
        predicted,
        lln,
        100.0 * distance_m / predicted,
        distance_m < lln,
        warnings,
    )
