"""Request and response bodies of the programs domain (plans are returned as JSON objects)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from retrostride.api.body import Body


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

    program_id: str = Field(min_length=1, max_length=100, examples=["knee-oa-alghadir-2019"])
    start: date
    answers: dict[str, bool] = Field(
        default_factory=dict, description="Screening answers; see GET /api/programs/screening."
    )
    cleared_by: str | None = Field(
        default=None,
        max_length=200,
        description="Who cleared the person when the screening says to see a professional first.",
    )
    replace: bool = Field(default=False, description="Restart an active enrolment.")


class StoppedOut(BaseModel):
    stopped: int
