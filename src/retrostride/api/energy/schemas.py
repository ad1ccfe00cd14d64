"""Request and response bodies of the energy calculator.

Quantities are given as numbers in SI units (``speed_m_s``) or as text with a unit
(``speed: "5 km/h"``), read by the one unit parser (:mod:`retrostride.science.units`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from retrostride.api.body import Body
from retrostride.science import limits
from retrostride.science.locomotion import Setting

Text = Field(default=None, max_length=64)


class EnergyIn(Body):
    speed: str | None = Field(default=None, max_length=64, examples=["5 km/h", "3 mph"])
    speed_m_s: float | None = Field(
        default=None, ge=limits.SPEED_M_S.low, le=limits.SPEED_M_S.high, allow_inf_nan=False
    )
    grade: str | None = Field(default=None, max_length=64, examples=["5%"])
    grade_percent: float | None = Field(
        default=None, ge=limits.GRADE_PERCENT.low, le=limits.GRADE_PERCENT.high, allow_inf_nan=False
    )
    mass: str | None = Field(default=None, max_length=64, examples=["70 kg", "154 lb"])
    body_mass_kg: float | None = Field(
        default=None, ge=limits.BODY_MASS_KG.low, le=limits.BODY_MASS_KG.high, allow_inf_nan=False
    )
    load: str | None = Text
    load_kg: float | None = Field(
        default=None, ge=limits.LOAD_KG.low, le=limits.LOAD_KG.high, allow_inf_nan=False
    )
    sled: str | None = Text
    sled_kg: float | None = Field(
        default=None, ge=limits.SLED_KG.low, le=limits.SLED_KG.high, allow_inf_nan=False
    )
    duration: str | None = Field(default=None, max_length=64, examples=["30 min"])
    duration_s: float | None = Field(
        default=None, ge=limits.DURATION_S.low, le=limits.DURATION_S.high, allow_inf_nan=False
    )
    age_years: float | None = Field(
        default=None,
        ge=limits.ADULT_AGE_YEARS.low,
        le=limits.ADULT_AGE_YEARS.high,
        allow_inf_nan=False,
    )
    sex: Literal["male", "female"] | None = None
    height_m: float | None = Field(
        default=None, ge=limits.HEIGHT_M.low, le=limits.HEIGHT_M.high, allow_inf_nan=False
    )
    rmr_equation: Literal["harris-benedict", "mifflin-st-jeor"] = "harris-benedict"
    direction: Literal["forward", "backward"] = "backward"
    gait: Literal["walk", "run"] | None = None
    setting: Setting = Setting.OVERGROUND
    surface: str | None = Field(default=None, max_length=32, examples=["firm"])
    edition: int = Field(default=2024, ge=2000, le=2100)


class EnergyOut(BaseModel):
    """Energy cost; ``kcal`` fields only when a duration was given.

    ``forward_*``: the engine's forward baseline at the same gait. ``gross_kcal`` MET x kg x h,
    ``gross_kcal_o2`` from VO2 at 5 kcal/L; ``net_kcal`` gross minus the person's own resting
    energy when age, sex and height are given, else (MET - 1) x kg x h (``net_convention`` says
    which); ``met_corrected`` (Kozey 2010) is an intensity, never multiplied into kcal.
    """

    met: float
    vo2_ml_kg_min: float
    vo2_l_min: float
    kcal_per_min: float
    kcal_per_min_o2: float
    gait: str
    direction: str
    forward_met: float
    ratio_to_forward: float
    baseline: str
    extrapolated: bool
    certainty: str
    sources: list[str]
    model: str
    warnings: list[str]
    edition: int
    speed_m_s: float
    grade_percent: float
    body_mass_kg: float
    duration_s: float | None
    gross_kcal: float | None
    net_kcal: float | None
    gross_kcal_o2: float | None = None
    net_convention: str | None = None
    met_corrected: float | None = None
    forward_gait: str | None = None
    forward_certainty: str | None = None
    notes: list[str] = []
    met_low: float | None = None
    met_high: float | None = None
