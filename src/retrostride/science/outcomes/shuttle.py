"""20 m multistage shuttle run -> predicted VO2max (Leger et al. 1988).

Leger LA, Mercier D, Gadoury C, Lambert J. The multistage 20 metre shuttle run test for aerobic
fitness. *J Sports Sci* 1988;6:93-101 (abstract): start 8.5 km/h, +0.5 km/h each minute; the last
stage announced gives the speed S = 8 + 0.5 x stage [km/h]; with age A [years]:

    VO2max = 31.025 + 3.238 S - 3.248 A + 0.1536 A S   [mL/kg/min]  (r = 0.71, 188 aged 8-19)

"For adults ... the same equation could be used keeping age constant at 18 (r = 0.90, n = 77 men
and women 18-50 years old)". With A = 18 it reduces to -27.439 + 6.0028 S, which Leger & Gadoury
1989 (*Can J Sport Sci* 14:21) round to -27.4 + 6.0 S.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from retrostride.errors import InputError

ADULT_AGE_YEARS = 18.0
"""Leger et al. 1988: adults use the equation with age held at 18."""
CHILD_AGE_RANGE_YEARS = (8.0, 19.0)
ADULT_VALIDATED_MAX_AGE_YEARS = 50.0
"""The adults of Leger et al. 1988 were 18-50 years old."""
MAX_STAGE = 21


@dataclass(frozen=True, slots=True)
class ShuttleRunResult:
    """Stage reached, its speed [km/h] and the predicted VO2max [mL/kg/min]."""

    stage: float
    speed_km_h: float
    vo2max_ml_kg_min: float
    age_used_years: float
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        head = (
            f"stage {self.stage:g} ({self.speed_km_h:.1f} km/h): predicted VO2max "
            f"{self.vo2max_ml_kg_min:.1f} mL/kg/min "
            f"(Leger et al. 1988, age {self.age_used_years:g})"
        )
        return "; ".join([head, *self.warnings])


def stage_speed_km_h(stage: float) -> float:
    """Running speed [km/h] of a stage of the 1988 protocol: 8 + 0.5 x stage."""
    if not math.isfinite(stage) or not 1.0 <= stage <= MAX_STAGE:
        raise InputError("stage", stage, f"the last stage reached, 1 to {MAX_STAGE}")
    return 8.0 + 0.5 * stage


def leger_vo2max(speed_km_h: float, age_years: float) -> float:
    """Leger et al. 1988 equation [mL/kg/min] at speed [km/h] and age [years]."""
    s, a = speed_km_h, age_years
    return 31.025 + 3.238 * s - 3.248 * a + 0.1536 * a * s


def shuttle_run_vo2max(stage: float, age_years: float) -> ShuttleRunResult:
    """Predicted VO2max from the last stage reached and age (adults: age held at 18)."""
    if not math.isfinite(age_years) or age_years < CHILD_AGE_RANGE_YEARS[0]:
        raise InputError("age", age_years, "an age of 8 years or more (Leger et al. 1988)")
    speed = stage_speed_km_h(stage)
    warnings: list[str] = []
    age_used = min(age_years, ADULT_AGE_YEARS)
    if age_years > ADULT_VALIDATED_MAX_AGE_YEARS:
        warnings.append(
            f"age {age_years:.0f} is above the 18-50 years of Leger's adult sample: extrapolated"
        )
    return ShuttleRunResult(stage, speed, leger_vo2max(speed, age_used), age_used, warnings)
