"""The body: resting metabolic rate, corrected METs (an intensity), kcal for a duration.

kcal, each labelled (MET is the adult Compendium's, 1 MET = 3.5 mL/kg/min):

- gross, standard convention: MET x body mass [kg] x hours, from 1 MET = 1 kcal/kg/h
  (Ainsworth et al. 2011, Med Sci Sports Exerc 43:1575; Herrmann et al. 2024, J Sport Health Sci
  13:6);
- gross from VO2: VO2 [L/min] x 5 kcal per litre O2 x minutes, VO2 = MET x 3.5 mL/kg/min (5%
  above the first: 3.5 x 60 x 5 / 1000 = 1.05);
- net, with a profile: gross minus the person's own resting energy over the duration, from
  Harris & Benedict 1919 or Mifflin et al. 1990 (kcal/day x hours / 24); without a profile the
  common convention (MET - 1) x kg x h (one standard MET of rest subtracted).

The corrected MET of Kozey et al. 2010 (J Phys Act Health 7:508), MET x 3.5 / RMR with the
person's predicted RMR in mL/kg/min, expresses the intensity relative to the person's own resting
rate. It is shown as an intensity only and never multiplied into kcal: corrected MET x RMR gives
back the measured VO2, whose energy is the "gross from VO2" figure above.

Adults of 60 and over have their own Compendium (Willis et al. 2024, Older Adult Compendium),
whose MET is 2.7 mL/kg/min; its values are not in hand, so the adult values are used and a note
says so (2.7 mL/kg/min is never applied to adult-Compendium METs).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from retrostride.errors import InputError
from retrostride.science import limits

KCAL_PER_L_O2: Final = 5.0
Sex = Literal["male", "female"]
RmrEquation = Literal["harris-benedict", "mifflin-st-jeor"]
VO2_ML_KG_MIN_PER_MET: Final = 3.5  # Compendium adults (Herrmann et al. 2024)
OLDER_ADULT_AGE_YEARS: Final = 60.0  # Willis et al. 2024, Older Adult Compendium
OLDER_ADULT_ML_KG_MIN_PER_MET: Final = 2.7  # Willis et al. 2024 (stated, not applied)
KCAL_CONVENTIONS: Final = {
    "met-kg-h": "gross kcal = MET x kg x h (1 MET = 1 kcal/kg/h; Compendium convention)",
    "o2-5kcal": "gross kcal = VO2 [L/min] x 5 kcal/L x min (VO2 = MET x 3.5 mL/kg/min)",
    "net-profile": "net kcal = gross kcal - the person's resting energy over the duration "
    "(RMR by Harris-Benedict 1919 or Mifflin-St Jeor 1990)",
    "net-standard": "net kcal = (MET - 1) x kg x h (one standard MET of rest subtracted)",
}
OLDER_ADULT_NOTE: Final = (
    "aged 60 or over: the Older Adult Compendium (Willis et al. 2024) defines 1 MET as "
    "2.7 mL/kg/min; its values are not in hand, so these figures use the adult Compendium "
    "(1 MET = 3.5 mL/kg/min)"
)


@dataclass(frozen=True)
class Profile:
    """A person: age [years, 18-110], sex, height [m, 1.0-2.5], body mass [kg, 20-400].

    Ranges from :mod:`retrostride.science.limits`; ``equation`` chooses the RMR equation.
    """

    age_years: float
    sex: Sex
    height_m: float
    body_mass_kg: float
    equation: RmrEquation = "harris-benedict"

    def __post_init__(self) -> None:
        limits.ADULT_AGE_YEARS.check(self.age_years)
        if self.sex not in ("male", "female"):
            raise InputError("sex", self.sex, "male or female")
        limits.HEIGHT_M.check(self.height_m)
        limits.BODY_MASS_KG.check(self.body_mass_kg)
        if self.equation not in ("harris-benedict", "mifflin-st-jeor"):
            raise InputError("rmr_equation", self.equation, "harris-benedict or mifflin-st-jeor")

    @property
    def notes(self) -> tuple[str, ...]:
        """What the figures for this person cannot do (age outside the equations' samples)."""
        out = []
        if self.age_years >= OLDER_ADULT_AGE_YEARS:
            out.append(OLDER_ADULT_NOTE)
        if not limits.ADULT_AGE_YEARS.fitted(self.age_years):
            sample = limits.ADULT_AGE_YEARS.fitted_source
            out.append(f"age outside the RMR equations' sample: {sample}")
        return tuple(out)


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
    """Kozey et al. 2010 corrected MET ``met x 3.5 / RMR`` (RMR in mL/kg/min): an intensity."""
    return met * VO2_ML_KG_MIN_PER_MET / rmr_ml_kg_min(profile)


def resting_kcal(profile: Profile, duration_s: float) -> float:
    """The person's own resting energy [kcal] over ``duration_s`` seconds (predicted RMR)."""
    return rmr_kcal_day(profile) * duration_s / 86400.0


@dataclass(frozen=True)
class KcalForDuration:
    """kcal of one activity for a duration, every figure labelled (see the module docstring).

    ``gross_kcal`` MET x kg x h; ``gross_kcal_o2`` from VO2 at 5 kcal/L; ``net_kcal`` and
    ``net_kcal_o2`` the gross figures minus ``resting_kcal`` (the person's own with a profile,
    one standard MET without); ``corrected_met`` (Kozey 2010) an intensity, None without a profile.
    """

    met: float
    duration_s: float
    body_mass_kg: float
    gross_kcal: float
    gross_kcal_o2: float
    net_kcal: float
    net_kcal_o2: float
    resting_kcal: float
    net_convention: str
    corrected_met: float | None
    rmr_equation: str | None
    notes: tuple[str, ...]
    conventions: dict[str, str]


def kcal_for_duration(
    met: float, body_mass_kg: float, duration_s: float, *, profile: Profile | None = None
) -> KcalForDuration:
    """Gross and net kcal for ``duration_s`` [s] at ``met`` [MET] for ``body_mass_kg`` [kg].

    With a ``profile`` (whose body mass is the one used) the net figure subtracts the person's own
    predicted resting energy and the corrected MET is given as an intensity.
    """
    limits.DURATION_S.check(duration_s)
    mass = limits.BODY_MASS_KG.check(profile.body_mass_kg if profile else body_mass_kg)
    hours = duration_s / 3600.0
    gross = met * mass * hours
    gross_o2 = met * VO2_ML_KG_MIN_PER_MET * mass / 1000.0 * KCAL_PER_L_O2 * hours * 60.0
    if profile is not None:
        rest = resting_kcal(profile, duration_s)
        convention = KCAL_CONVENTIONS["net-profile"]
        rest_o2 = rest
    else:
        rest = mass * hours
        rest_o2 = VO2_ML_KG_MIN_PER_MET * mass / 1000.0 * KCAL_PER_L_O2 * hours * 60.0
        convention = KCAL_CONVENTIONS["net-standard"]
    return KcalForDuration(
        met=met,
        duration_s=duration_s,
        body_mass_kg=mass,
        gross_kcal=gross,
        gross_kcal_o2=gross_o2,
        net_kcal=gross - rest,
        net_kcal_o2=gross_o2 - rest_o2,
        resting_kcal=rest,
        net_convention=convention,
        corrected_met=None if profile is None else corrected_met(met, profile),
        rmr_equation=None if profile is None else profile.equation,
        notes=() if profile is None else profile.notes,
        conventions=dict(KCAL_CONVENTIONS),
    )
