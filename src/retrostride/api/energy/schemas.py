"""Request and response bodies of the energy calculator.

Quantities are given as numbers in SI units (``speed_m_s``) or as text with a unit
(``speed: "5 km/h"``), read by the one unit parser (:mod:`retrostride.science.units`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from retrostride.api.body import Body

Text = Field(default=None, max_length=64)


class EnergyIn(Body):
    speed: str | None = Field(default=None, max_length=64, examples=["5 km/h", "3 mph"])
    speed_m_s: float | None = Field(default=None, ge=0, le=15, allow_inf_nan=False)
    grade: str | None = Field(default=None, max_length=64, examples=["5%"])
    grade_percent: float | None = Field(default=None, ge=-50, le=50, allow_inf_nan=False)
    mass: str | None = Field(default=None, max_length=64, examples=["70 kg", "154 lb"])
    body_mass_kg: float | None = Field(default=None, gt=0, le=400, allow_inf_nan=False)
    load: str | None = Text
    load_kg: float | None = Field(default=None, ge=0, le=300, allow_inf_nan=False)
    sled: str | None = Text
    sled_kg: float | None = Field(default=None, ge=0, le=1000, allow_inf_nan=False)
    duration: str | None = Field(default=None, max_length=64, examples=["30 min"])
    duration_s: float | None = Field(default=None, ge=0, le=7 * 24 * 3600, allow_inf_nan=False)
    direction: Literal["forward", "backward"] = "backward"
    gait: Literal["walk", "run"] | None = None
    setting: Literal["overground", "treadmill", "deadmill", "curved-treadmill"] = "overground"
    surface: str | None = Field(default=None, max_length=32, examples=["firm"])
    edition: int = Field(default=2024, ge=2000, le=2100)


class EnergyOut(BaseModel):
    """Energy cost; ``kcal`` fields only when a duration was given."""

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
