"""retrostride's energy engine: METs, VO2 and kcal of walking and running, forward and backward.

Public API::

    from retrostride.science.energy import Conditions, estimate, estimate_arrays
    result = estimate(Conditions(speed_m_s=1.5646, grade_percent=5, direction="backward"))
    result.met, result.forward_met, result.ratio_to_forward, result.certainty

``estimate_arrays`` takes numpy arrays (direction as 0 forward / 1 backward or strings; gait 0
auto / 1 walk / 2 run; setting 0 overground / 1 treadmill / 2 deadmill / 3 curved-treadmill) and
is the single code path. ``MODEL_VERSION`` is stored with every modelled figure. The model, its
sources and its limits are described in ``docs/energy.md``.
"""

from __future__ import annotations

from retrostride.science.energy.body import (
    KCAL_CONVENTIONS,
    KcalForDuration,
    Profile,
    corrected_met,
    kcal_for_duration,
    rmr_kcal_day,
    rmr_ml_kg_min,
)
from retrostride.science.energy.certainty import LEVELS as CERTAINTY_LEVELS
from retrostride.science.energy.compendium import (
    DEFAULT_EDITION,
    EDITIONS,
    CompendiumRow,
    lookup,
    search,
)
from retrostride.science.energy.core import (
    DIRECTION_CODES,
    GAIT_CODES,
    MODEL_VERSION,
    SETTING_CODES,
    Conditions,
    EnergyArrays,
    estimate_arrays,
)
from retrostride.science.energy.single import EnergyEstimate, estimate, from_row, stairs
from retrostride.science.energy.surfaces import SURFACE_NAMES

__all__ = [
    "CERTAINTY_LEVELS",
    "DEFAULT_EDITION",
    "DIRECTION_CODES",
    "EDITIONS",
    "GAIT_CODES",
    "KCAL_CONVENTIONS",
    "MODEL_VERSION",
    "SETTING_CODES",
    "SURFACE_NAMES",
    "CompendiumRow",
    "Conditions",
    "EnergyArrays",
    "EnergyEstimate",
    "KcalForDuration",
    "Profile",
    "corrected_met",
    "estimate",
    "estimate_arrays",
    "from_row",
    "kcal_for_duration",
    "lookup",
    "rmr_kcal_day",
    "rmr_ml_kg_min",
    "search",
    "stairs",
]
