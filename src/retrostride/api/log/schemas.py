"""Request and response bodies of the profile and statistics routes."""

from __future__ import annotations

from datetime import date
from typing import Literal
from zoneinfo import available_timezones

from pydantic import BaseModel, Field

from retrostride.api.body import Body
from retrostride.api.params import one_of
from retrostride.science import limits


class BodyMassOut(BaseModel):
    on: date
    mass_kg: float


class ProfileOut(BaseModel):
    home_time_zone: str
    height_m: float | None
    birth_year: int | None
    sex: Literal["female", "male"] | None
    body_mass: list[BodyMassOut]


class BodyMassIn(Body):
    on: date
    mass_kg: float = Field(ge=limits.BODY_MASS_KG.low, le=limits.BODY_MASS_KG.high)


class ProfilePatch(Body):
    """Fields to change (absent or null: unchanged)."""

    home_time_zone: str | None = Field(
        default=None,
        max_length=64,
        examples=["Europe/Berlin"],
        json_schema_extra=one_of(sorted(available_timezones())),
    )
    height_m: float | None = Field(
        default=None, ge=limits.HEIGHT_M.low, le=limits.HEIGHT_M.high
    )
    birth_year: int | None = Field(default=None, ge=1900, le=date.today().year)
    sex: Literal["female", "male"] | None = None
    add_mass: BodyMassIn | None = None
    remove_mass_on: date | None = None


class PeriodTotalsOut(BaseModel):
    period: str
    first_day: date
    sessions: int
    undated: int = Field(description="Sessions of unknown start, counted by their import date.")
    time_s: float
    distance_m: float
    energy_kcal: float
    energy_unknown: int
    backward_s: float
    direction_known_s: float
    backward_share: float | None
