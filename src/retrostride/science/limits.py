"""One table of valid ranges for every quantity retrostride accepts, each bound with its source.

Every layer reads its bounds here: the energy engine, the outcome equations, the services, the
API's request schemas and the importers' plausibility checks. A bound is of one of two kinds:

- ``refuse``: outside it the value is not a human measurement (or not one any model answers);
  a single value is refused with :class:`~retrostride.errors.InputError` naming the field and
  the bound (the CLI exits 2, the API answers 422); in arrays the element becomes NaN with a
  warning (:func:`Limit.mask`).
- ``warn`` (``Limit.fitted_low``/``fitted_high``): the range the model was fitted or measured
  on; outside it the answer is given, flagged as extrapolated, with a warning naming the source.

=================== ============ ===================================================================
field               range        source of each bound
=================== ============ ===================================================================
body_mass_kg        20-400 kg    20 kg: about the 5th percentile at 8 years (Kuczmarski et al.
                                 2002, CDC growth charts), the youngest age of Leger et al. 1988's
                                 equation; 400 kg: retrostride's plausibility bound, above any
                                 sample behind the Compendium (Herrmann et al. 2024) or the RMR
                                 equations (Mifflin et al. 1990, normal-weight and obese adults)
height_m            1.0-2.5 m    Enright & Sherrill 1998 and the RMR equations are for adults;
                                 2.5 m: above the tallest living adults (Guinness World Records)
age_years           8-110 y      8 y: Leger et al. 1988 (shuttle run, 8-19 y); 110 y: the
                                 supercentenarian bound (Guinness World Records); RMR: adults 18+
                                 (Harris & Benedict 1919; Mifflin et al. 1990: 19-78 y, warned)
speed_m_s           0-12.5 m/s   12.5 m/s: above Bolt's measured peak 12.3 m/s in the 2009 100 m
                                 (Graubner & Nixdorf 2011, New Stud Athl 26:19)
walk_speed_m_s      0-4.5 m/s    above the 20 km race walk world record pace, 4.35 m/s (World
                                 Athletics, Suzuki 2015, 1:16:36); Compendium 2024 15528
grade_percent       -100-100 %   45 degrees: climbing, not walking; fitted -45 to +45 % (Minetti
                                 et al. 2002, J Appl Physiol 93:1039): warned outside
load_kg             0-2 x mass   Pandolf et al. 1977 (J Appl Physiol 43:577) measured 0-70 kg:
                                 warned above; twice body mass refused (no human carries more
                                 while walking; retrostride's bound)
sled_kg             0-1000 kg    retrostride's bound; the pull it needs is checked separately
sled_pull_bw        <= 1.0 BW    a walker's sustained horizontal pull cannot exceed the shoe-ground
                                 friction x body weight; 1.0 x body weight is retrostride's
                                 ceiling [open: a measured shoe-turf traction coefficient]
met                 <= 25 MET    sustained intensity: 25 MET (87.5 mL/kg/min) lies above nearly
                                 every VO2max measured; among the highest reported is
                                 90.6 mL/kg/min (Burtscher, Nachbauer & Wilber 2011, Eur J Appl
                                 Physiol, case report), and VO2max lasts minutes
duration_s          0-7 days     retrostride's bound for one session
rpe                 6-20         Borg 1970 (Scand J Rehabil Med 2:92), RPE scale
pain_nrs            0-10         11-point numeric rating scale (Salaffi et al. 2004, Eur J Pain)
tug_s               0-600 s      retrostride's bound; 12 s and more: high fall risk (CDC STEADI)
heart_rate_bpm      25-250 bpm   above Tanaka et al. 2001's predicted maximum (208 - 0.7 x age)
cadence_spm         0-300 /min   5 steps/s, above sprinters' step rates (Graubner & Nixdorf 2011)
pedal_cadence_rpm   0-250 rpm    retrostride's bound
cycling_speed_m_s   0-40 m/s     retrostride's bound
=================== ============ ===================================================================
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from retrostride.errors import InputError


@dataclass(frozen=True)
class Limit:
    """The valid range of one field: ``low``-``high`` in ``unit``; the sources of each bound.

    ``fitted_low``/``fitted_high`` (optional) are the range a model was fitted on: inside the
    valid range but outside the fitted one, answers carry a warning.
    """

    field: str
    low: float
    high: float
    unit: str
    what: str
    source: str
    fitted_low: float | None = None
    fitted_high: float | None = None
    fitted_source: str = ""

    @property
    def expected(self) -> str:
        """The accepted range, worded for a refusal."""
        return f"{self.what} from {self.low:g} to {self.high:g} {self.unit}".rstrip()

    def check(self, value: float, *, field: str | None = None) -> float:
        """``value`` as a float, or :class:`InputError` naming the field and the bound."""
        number = float(value)
        if not (math.isfinite(number) and self.low <= number <= self.high):
            raise InputError(field or self.field, value, self.expected)
        return number

    def mask(self, values: ArrayLike) -> NDArray[np.bool_]:
        """True where ``values`` are inside the valid range (NaN is outside)."""
        array = np.asarray(values, dtype=np.float64)
        with np.errstate(invalid="ignore"):
            return np.asarray((array >= self.low) & (array <= self.high), dtype=np.bool_)

    def fitted(self, value: float) -> bool:
        """True when ``value`` lies inside the range the model was fitted on."""
        low = self.low if self.fitted_low is None else self.fitted_low
        high = self.high if self.fitted_high is None else self.fitted_high
        return low <= value <= high


BODY_MASS_KG: Final = Limit(
    "body_mass_kg",
    20.0,
    400.0,
    "kg",
    "a body mass",
    "20 kg: about the 5th percentile at 8 years (Kuczmarski et al. 2002, CDC growth charts), "
    "the youngest age of Leger et al. 1988; 400 kg: retrostride's plausibility bound",
)
HEIGHT_M: Final = Limit(
    "height_m",
    1.0,
    2.5,
    "m",
    "a height",
    "adults (Harris & Benedict 1919; Mifflin et al. 1990; Enright & Sherrill 1998); "
    "2.5 m above the tallest living adults (Guinness World Records)",
)
AGE_YEARS: Final = Limit(
    "age_years",
    8.0,
    110.0,
    "years",
    "an age",
    "8 y: Leger et al. 1988 (J Sports Sci 6:93, ages 8-19); 110 y: supercentenarian bound",
)
ADULT_AGE_YEARS: Final = Limit(
    "age_years",
    18.0,
    110.0,
    "years",
    "an adult age",
    "resting metabolic rate equations are for adults (Harris & Benedict 1919: adults)",
    fitted_low=19.0,
    fitted_high=78.0,
    fitted_source="Mifflin et al. 1990, Am J Clin Nutr 51:241 (498 adults aged 19-78 y)",
)
SPEED_M_S: Final = Limit(
    "speed_m_s",
    0.0,
    12.5,
    "m/s",
    "a speed",
    "12.5 m/s: above Bolt's peak 12.3 m/s (Graubner & Nixdorf 2011, New Stud Athl 26:19)",
)
WALK_SPEED_M_S: Final = Limit(
    "speed_m_s",
    0.0,
    4.5,
    "m/s",
    "a walking speed",
    "above the 20 km race walk world record pace, 4.35 m/s (World Athletics: Suzuki 2015, "
    "1:16:36); Compendium 2024 (Herrmann et al. 2024) 15528",
)
GRADE_PERCENT: Final = Limit(
    "grade_percent",
    -100.0,
    100.0,
    "%",
    "a grade",
    "+-100% (45 degrees) is climbing, not walking",
    fitted_low=-45.0,
    fitted_high=45.0,
    fitted_source="Minetti et al. 2002, J Appl Physiol 93:1039 (grades -45% to +45%)",
)
LOAD_KG: Final = Limit(
    "load_kg",
    0.0,
    800.0,
    "kg",
    "a carried load",
    "at most twice body mass (retrostride's bound)",
    fitted_low=0.0,
    fitted_high=70.0,
    fitted_source="Pandolf et al. 1977, J Appl Physiol 43:577 (loads 0-70 kg)",
)
LOAD_TO_BODY_MASS_MAX: Final = 2.0  # retrostride's bound: see LOAD_KG
SLED_KG: Final = Limit(
    "sled_kg", 0.0, 1000.0, "kg", "a sled mass", "retrostride's bound; the pull is checked too"
)
SLED_PULL_BODY_WEIGHTS_MAX: Final = 1.0
"""Ceiling of a sled's pulling force in body weights: friction at the shoes x body weight,
taken as 1.0 (retrostride's bound; a measured shoe-turf traction coefficient is open)."""
MET_SUSTAINED_MAX: Final = 25.0
"""Ceiling of a sustained intensity [MET]: 87.5 mL/kg/min, above nearly every VO2max measured
(Burtscher, Nachbauer & Wilber 2011, Eur J Appl Physiol, case report: 90.6 mL/kg/min, among the
highest reported, a maximal value held for minutes)."""
DURATION_S: Final = Limit(
    "duration_s", 0.0, 7 * 24 * 3600.0, "s", "a duration", "one week (retrostride's bound)"
)
RPE: Final = Limit("rpe", 6.0, 20.0, "", "a rating of perceived exertion", "Borg 1970, RPE 6-20")
PAIN_NRS: Final = Limit(
    "pain_nrs", 0.0, 10.0, "", "a pain score", "0-10 numeric rating scale (Salaffi et al. 2004)"
)
TUG_S: Final = Limit(
    "tug_s", 0.0, 600.0, "s", "a Timed Up and Go time", "retrostride's bound (ten minutes)"
)

HEART_RATE_BPM: Final = Limit(
    "heart_rate_bpm",
    25.0,
    250.0,
    "bpm",
    "a heart rate",
    "25 bpm: below the resting rates of endurance athletes (retrostride's bound); 250 bpm: above "
    "any maximum predicted by Tanaka, Monahan & Seals 2001 (J Am Coll Cardiol 37:153: "
    "208 - 0.7 x age, 202 bpm at 8 years), with room for measurement spread",
)
STEP_CADENCE_SPM: Final = Limit(
    "cadence_spm",
    0.0,
    300.0,
    "steps/min",
    "a step cadence",
    "300 steps/min = 5 steps/s: above sprinters' step rates of about 4.5 steps/s (Graubner & "
    "Nixdorf 2011, New Stud Athl 26:19) [value to verify in the paper]",
)
PEDAL_CADENCE_RPM: Final = Limit(
    "pedal_cadence_rpm", 0.0, 250.0, "rpm", "a pedalling cadence", "retrostride's bound"
)
CYCLING_SPEED_M_S: Final = Limit(
    "cycling_speed_m_s",
    0.0,
    40.0,
    "m/s",
    "a cycling speed",
    "retrostride's bound (144 km/h, about twice unpaced track sprint speeds)",
)

LIMITS: Final[dict[str, Limit]] = {
    limit.field: limit
    for limit in (
        BODY_MASS_KG,
        HEIGHT_M,
        AGE_YEARS,
        SPEED_M_S,
        GRADE_PERCENT,
        LOAD_KG,
        SLED_KG,
        DURATION_S,
        RPE,
        PAIN_NRS,
        TUG_S,
        HEART_RATE_BPM,
        STEP_CADENCE_SPM,
        PEDAL_CADENCE_RPM,
        CYCLING_SPEED_M_S,
    )
}
"""Every field's limit by its domain name (``body_mass_kg``, ``speed_m_s`` ...)."""
