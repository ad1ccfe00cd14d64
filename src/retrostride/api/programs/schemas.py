"""Request and response bodies of the programs domain (plans are returned as JSON objects)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from retrostride.api.body import Body
from retrostride.api.params import MAX_ID, one_of
from retrostride.science import limits
from retrostride.services import programs as service

PROGRAM_IDS = [p.id for p in service.list_programs()]
QUESTION_IDS = [q.id for q in service.screening_questions()]
"""The ids of the shipped programs: the only ``program_id`` values the API accepts."""


class ProgramSummary(BaseModel):
    id: str
    version: str
    title: str
    summary: str
    population: str
    weeks: int
    sport: str


class EnrolIn(Body):
    """Start a program: the screening answers (question id -> yes/no) come first."""

    program_id: str = Field(
        min_length=1, max_length=100, examples=["knee-oa"], json_schema_extra=one_of(PROGRAM_IDS)
    )
    start: date
    answers: dict[str, bool] = Field(
        description="A yes/no answer to every screening question; see GET /api/programs/screening.",
        json_schema_extra={
            "properties": {q: {"type": "boolean"} for q in QUESTION_IDS},
            "required": one_of(QUESTION_IDS)["enum"],
            "additionalProperties": False,
        },
    )
    cleared_by: str | None = Field(
        default=None,
        max_length=200,
        description="Who cleared the person when the screening says to see a professional first.",
    )
    replace: bool = Field(default=False, description="Restart an active enrolment.")
    age_years: float | None = Field(
        default=None,
        ge=limits.AGE_YEARS.low,
        le=limits.AGE_YEARS.high,
        description="Age; 65 and over without a TUG: handrails or a spotter (CDC STEADI).",
    )
    tug_s: float | None = Field(
        default=None,
        ge=limits.TUG_S.low,
        le=limits.TUG_S.high,
        description="Timed Up and Go [s]; 12 s or more requires supervision (CDC STEADI).",
    )


class SafetyEventIn(Body):
    """A stumble, near-fall or fall during a logged session (``none`` clears it)."""

    session_id: int = Field(ge=1, le=MAX_ID)
    event: Literal["stumble", "near-fall", "fall", "none"]


class SafetyEventOut(BaseModel):
    session_id: int
    event: str | None


class StoppedOut(BaseModel):
    stopped: int
