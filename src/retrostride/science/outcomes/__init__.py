"""Outcome measures and their interpretation (pure): pain, WOMAC totals, Timed Up and Go,
six-minute walk, 20 m shuttle run, body composition, quadriceps strength, and the minimal
important change of each where one is published.
"""

from retrostride.science.outcomes.body import BodyFatMethod, check_body_fat, check_body_mass_kg
from retrostride.science.outcomes.measures import (
    MEASURES,
    POPULATIONS,
    Measure,
    check_population,
    get_measure,
)
from retrostride.science.outcomes.mic import (
    MIC_TABLE,
    Better,
    ChangeInterpretation,
    MinimalImportantChange,
    find_mic,
    interpret_change,
)
from retrostride.science.outcomes.pain import WomacTotals, check_nrs, check_womac_subscale
from retrostride.science.outcomes.shuttle import ShuttleRunResult, shuttle_run_vo2max
from retrostride.science.outcomes.strength import StrengthMethod, StrengthUnit
from retrostride.science.outcomes.tug import TugResult, interpret_tug, tug_norm
from retrostride.science.outcomes.walk6 import SixMinuteWalkResult, interpret_6mwd, predicted_6mwd_m

__all__ = [
    "MEASURES",
    "MIC_TABLE",
    "POPULATIONS",
    "Better",
    "BodyFatMethod",
    "ChangeInterpretation",
    "Measure",
    "MinimalImportantChange",
    "ShuttleRunResult",
    "SixMinuteWalkResult",
    "StrengthMethod",
    "StrengthUnit",
    "TugResult",
    "WomacTotals",
    "check_body_fat",
    "check_body_mass_kg",
    "check_nrs",
    "check_population",
    "check_womac_subscale",
    "find_mic",
    "get_measure",
    "interpret_6mwd",
    "interpret_change",
    "interpret_tug",
    "predicted_6mwd_m",
    "shuttle_run_vo2max",
    "tug_norm",
]
