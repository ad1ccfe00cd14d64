"""Timed Up and Go (Podsiadlo & Richardson 1991) against age norms.

Norms for 60 and over: Bohannon 2006, *J Geriatr Phys Ther* 29:64, a descriptive meta-analysis of
21 studies (4395 people): mean time (95% CI) 8.1 s (7.1-9.0) at 60-69 y, 9.2 s (8.2-10.2) at
70-79 y, 11.3 s (10.0-12.7) at 80-99 y. Bohannon suggests that times above the upper confidence
limit of the age band can be considered worse than average.

Ages 20-59: Kear, Guck & McGaha 2017, *J Prim Care Community Health* 8:9, published decade norms
(50 people per decade, primary care). Their values could not be verified from public material for
this release, so retrostride gives no norm for 20-59 and says so; adding them is one table row each.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from retrostride.errors import InputError


@dataclass(frozen=True, slots=True)
class TugNorm:
    """A normative mean TUG time [s] with its 95% CI for an age band [years]."""

    age_min: int
    age_max: int
    mean_s: float
    ci_low_s: float
    ci_high_s: float
    source: str


BOHANNON_2006: tuple[TugNorm, ...] = (
    TugNorm(60, 69, 8.1, 7.1, 9.0, "Bohannon 2006, J Geriatr Phys Ther 29:64"),
    TugNorm(70, 79, 9.2, 8.2, 10.2, "Bohannon 2006, J Geriatr Phys Ther 29:64"),
    TugNorm(80, 99, 11.3, 10.0, 12.7, "Bohannon 2006, J Geriatr Phys Ther 29:64"),
)

YOUNGER_ADULTS_NOTE = (
    "no verified norm for ages 20-59: Kear, Guck & McGaha 2017 (J Prim Care Community Health "
    "8:9) published decade norms, not verified for this release"
)


@dataclass(frozen=True, slots=True)
class TugResult:
    """A TUG time read against its age norm (``norm`` None where none is available)."""

    time_s: float
    age_years: float | None
    norm: TugNorm | None
    text: str


def tug_norm(age_years: float) -> TugNorm | None:
    """The Bohannon 2006 band containing ``age_years``, or None (no verified norm)."""
    for norm in BOHANNON_2006:
        if norm.age_min <= age_years < norm.age_max + 1:
            return norm
    return None


def interpret_tug(time_s: float, age_years: float | None) -> TugResult:
    """Compare a TUG time [s] with the norm for the person's age [years]."""
    if not math.isfinite(time_s) or not 0.0 < time_s <= 600.0:
        raise InputError("tug", time_s, "a Timed Up and Go time in seconds (0-600)")
    if age_years is None:
        return TugResult(time_s, None, None, "age unknown: no norm compared")
    if age_years < 18:
        return TugResult(time_s, age_years, None, "under 18: no adult norm applies")
    norm = tug_norm(age_years)
    if norm is None:
        if age_years >= 100:
            return TugResult(time_s, age_years, None, "no norm beyond 99 years (Bohannon 2006)")
        return TugResult(time_s, age_years, None, YOUNGER_ADULTS_NOTE)
    band = f"{norm.age_min}-{norm.age_max} y: mean {norm.mean_s} s (95% CI {norm.ci_low_s}-"
    band += f"{norm.ci_high_s})"
    if time_s > norm.ci_high_s:
        verdict = "slower than the norm's upper confidence limit (worse than average)"
    elif time_s < norm.ci_low_s:
        verdict = "faster than the norm's lower confidence limit (better than average)"
    else:
        verdict = "within the norm's confidence interval"
    return TugResult(time_s, age_years, norm, f"{verdict}; {band}, {norm.source}")
