"""The body: resting metabolic rate, corrected METs, kcal for a duration.

kcal conventions (BRIEF.md section 2):

- ``met-kg-h`` (default): gross kcal = MET x body mass [kg] x hours, from 1 MET = 1 kcal/kg/h
  (Compendium definition);
- ``o2-5kcal``: MET x 3.5 mL/kg/min x kg / 1000 x 5 kcal per litre O2 per minute (what many apps
  use; 5% higher);
- net kcal = (MET - 1) x kg x h (the resting MET subtracted).

Corrected MET (Kozey et al. 2010, J Phys Act Health 7:508): MET x 3.5 / RMR, with the person's
RMR in mL/kg/min predicted by Harris-Benedict 1919 (default, as in Kozey 2010) or Mifflin-St Jeor
1990; RMR [mL/kg/min] = kcal/day / 1440 / 5 x 1000 / kg (5 kcal per litre O2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from retrostride.errors import InputError

KCAL_PER_L_O2: Final = 5.0
Sex = Literal["male", "female"]
RmrEquation = Literal["harris-benedict", "mifflin-st-jeor"]
KCAL_CONVENTIONS: Final = {
    "met-kg-h": "gross kcal = MET x kg x h (1 MET = 1 kcal/kg/h)",
    "o2-5kcal": "gross kcal = VO2 [L/min] x 5 kcal/L x min (1 MET = 3.5 mL/kg/min)",
    "net": "net kcal = (MET - 1) x kg x h",
}


@dataclass(frozen=True)
class Profile:
    """A person for corrected METs: age [years, 18-100], sex, height [m], mass [kg]."""

    age_years: float
    sex: Sex
    height_m: float
    body_mass_kg: float
    equation: RmrEquation = "harris-benedict"

    def __post_init__(self) -> None:
        if not 18 <= self.age_years <= 110:
            raise InputError("age", self.age_years, "an age in years between 18 and 110")
        if self.sex not in ("male", "female"):
            raise InputError("sex", self.sex, "male or female")
        if not 0.9 <= self.height_m <= 2.5:
            raise InputError("height", self.height_m, "a height between 90 cm and 250 cm")
        if not 20 <= self.body_mass_kg <= 650:
            raise InputError("mass", self.body_mass_kg, "a body mass between 20 and 650 kg")
        if self.equation not in ("harris-benedict", "mifflin-st-jeor"):
            raise InputError("equation", self.equation, "harris-benedict or mifflin-st-jeor")


def rmr_kcal_day(profile: Profile) -> float:
    """Predicted resting metabolic rate [kcal/day].

    Harris & Benedict 1919: men 66.473 + 13.7516 W + 5.0033 H - 6.7550 A; women 655.0955 +
    9.5634 W + 1.8496 H - 4.6756 A. Mifflin et al. 1990: 10 W + 6.25 H - 5 A + 5 (men), - 161
    (women). W kg, H cm, A years.
    """
    mass, height_cm, age = profile.body_mass_kg, profile.height_m * 100.0, profile.age_years
    if profile.equation == "mifflin-st-jeor":
        return (
            10.0 * mass + 6.25 * height_cm - 5.0 * age + (5.0 if profile.sex == "male" else -161.0)
        )
    if profile.sex == "male":
        return 66.473 + 13.7516 * mass + 5.0033 * height_cm - 6.7550 * age
    return 655.0955 + 9.5634 * mass + 1.8496 * height_cm - 4.6756 * age


def rmr_ml_kg_min(profile: Profile) -> float:
    """Predicted RMR in mL O2/kg/min (5 kcal per litre O2)."""
    return rmr_kcal_day(profile) / 1440.0 / KCAL_PER_L_O2 * 1000.0 / profile.body_mass_kg


def corrected_met(met: float, profile: Profile) -> float:
    """Kozey 2010 corrected MET: ``met x 3.5 / RMR`` (RMR in mL/kg/min)."""
    return met * 3.5 / rmr_ml_kg_min(profile)


@dataclass(frozen=True)
class KcalForDuration:
    """kcal of one activity for a duration, every convention labelled."""

    met_used: float
    met_label: str  # "standard" or "corrected (Kozey 2010, <equation>)"
    gross_kcal: float  # MET x kg x h
    net_kcal: float  # (MET - 1) x kg x h
    gross_kcal_o2: float  # 5 kcal per litre O2
    convention: str


def kcal_for_duration(
    met: float, body_mass_kg: float, duration_s: float, *, profile: Profile | None = None
) -> KcalForDuration:
    """Gross and net kcal for ``duration_s`` seconds at ``met``.

    With a ``profile`` the corrected MET is used (and said so); without, the standard MET.
    """
    if not duration_s >= 0:
        raise InputError("duration", duration_s, "a duration of 0 s or more")
    if not body_mass_kg > 0:
        raise InputError("mass", body_mass_kg, "a body mass above 0 kg")
    label = "standard"
    used = met
    if profile is not None:
        used = corrected_met(met, profile)
        label = f"corrected (Kozey 2010, {profile.equation})"
    hours = duration_s / 3600.0
    return KcalForDuration(
        met_used=used,
        met_label=label,
        gross_kcal=used * body_mass_kg * hours,
        net_kcal=(used - 1.0) * body_mass_kg * hours,
        gross_kcal_o2=used * 3.5 * body_mass_kg / 1000.0 * KCAL_PER_L_O2 * hours * 60.0,
        convention=KCAL_CONVENTIONS["met-kg-h"],
    )
