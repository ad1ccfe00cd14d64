"""Request and response bodies of the assessments domain."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from retrostride.api.body import Body
from retrostride.api.params import one_of
from retrostride.science.outcomes import MEASURES, POPULATIONS

MEASURE_IDS = list(MEASURES)
POPULATION_IDS = list(POPULATIONS)


class MeasureOut(BaseModel):
    id: str
    label: str
    unit: str
    better: str
    needs_method: bool


class AssessmentIn(Body):
    """One measurement in the measure's unit (see GET /api/assessments/measures)."""

    measure: str = Field(
        min_length=1,
        max_length=64,
        examples=["six_minute_walk"],
        json_schema_extra=one_of(MEASURE_IDS),
    )
    on: date
    value: float = Field(allow_inf_nan=False)
    unit: str | None = Field(default=None, max_length=32)
    method: str | None = Field(default=None, max_length=64)
    detail: str | None = Field(default=None, max_length=200)
    notes: str = Field(default="", max_length=2000)


class AssessmentOut(BaseModel):
    id: int
    measure: str
    on: date
    value: float
    unit: str
    method: str | None
    detail: str | None
    raw: dict[str, float | str]
    notes: str
