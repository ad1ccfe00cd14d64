"""Routes of the programs domain: ``/api/programs...`` (the catalogue) and
``/api/athletes/{athlete_id}/program...`` (enrolment, today, status, calendar)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, status
from fastapi.responses import Response
from typing_extensions import TypedDict

from retrostride.api.database import AppDatabase
from retrostride.api.domain_schemas import body_of
from retrostride.api.params import one_of
from retrostride.api.policy import ReadSubject, WriteSubject
from retrostride.api.principal import CurrentPrincipal
from retrostride.api.programs.schemas import (
    PROGRAM_IDS,
    EnrolIn,
    ProgramSummary,
    SafetyEventIn,
    SafetyEventOut,
    StoppedOut,
)
from retrostride.api.responses import errors
from retrostride.api.serialize import to_jsonable
from retrostride.services import programs as service
from retrostride.training.program import Program
from retrostride.training.safety import Question, ScreeningResult

router = APIRouter(tags=["programs"], responses=errors(400, 401, 403, 404, 422))

SKIP = frozenset({"source_text"})
ProgramId = Annotated[
    str | None,
    Query(
        max_length=100, description="Default: the latest.", json_schema_extra=one_of(PROGRAM_IDS)
    ),
]
ProgramPath = Annotated[
    str, Path(max_length=100, examples=["knee-oa"], json_schema_extra=one_of(PROGRAM_IDS))
]
Day = Annotated[date | None, Query(description="Default: today.")]


@router.get("/api/programs")
def list_programs(_principal: CurrentPrincipal) -> list[ProgramSummary]:
    """The programs shipped with retrostride."""
    return [
        ProgramSummary(
            id=p.id,
            version=str(p.version),
            title=p.title,
            summary=p.summary,
            population=str(p.population),
            weeks=p.weeks,
            sport=str(p.sport),
        )
        for p in service.list_programs()
    ]


class EnrolOut(TypedDict):
    """What an enrolment answers (documentation of ``POST .../enrolments``)."""

    enrolment: service.Enrolment
    screening: ScreeningResult
    forbidden_levels: list[str]


@router.get(
    "/api/programs/screening",
    response_model=None,
    responses=body_of(list[Question], "The screening questions."),
)
def screening(_principal: CurrentPrincipal) -> list[dict[str, Any]]:
    """The screening questions asked before a program starts (PAR-Q+ style)."""
    result: list[dict[str, Any]] = to_jsonable(service.screening_questions())
    return result


@router.get(
    "/api/programs/{program_id}",
    response_model=None,
    responses=body_of(Program, "The program."),
)
def get_program(program_id: ProgramPath, _principal: CurrentPrincipal) -> dict[str, Any]:
    """One program: its weeks, levels, rules, exercises, sources and what is evidence."""
    result: dict[str, Any] = to_jsonable(service.get_program(program_id), skip=SKIP)
    return result


@router.post(
    "/api/athletes/{athlete_id}/enrolments",
    status_code=status.HTTP_201_CREATED,
    response_model=None,
    responses={**errors(409), **{201: body_of(EnrolOut, "The enrolment and its screening.")[200]}},
)
def enrol(body: EnrolIn, subject: WriteSubject, database: AppDatabase) -> dict[str, Any]:
    """Screen, then enrol the athlete; a screening that says stop answers 409 with its reasons."""
    enrolment, screening_result, forbidden = service.enrol(
        database,
        body.program_id,
        body.start,
        body.answers,
        person=subject.person_name,
        cleared_by=body.cleared_by,
        replace=body.replace,
        age_years=body.age_years,
        tug_s=body.tug_s,
    )
    return {
        "enrolment": to_jsonable(enrolment, skip=SKIP | {"person"}),
        "screening": to_jsonable(screening_result),
        "forbidden_levels": forbidden,
    }


@router.post("/api/athletes/{athlete_id}/safety-events")
def safety_event(
    body: SafetyEventIn, subject: WriteSubject, database: AppDatabase
) -> SafetyEventOut:
    """Record a stumble, near-fall or fall with a session; a fall steps the program back and
    flags it for the clinician."""
    stored = service.record_safety_event(
        database,
        body.session_id,
        None if body.event == "none" else body.event,
        person=subject.person_name,
    )
    return SafetyEventOut(session_id=body.session_id, event=stored)


@router.post("/api/athletes/{athlete_id}/program/stop")
def stop(subject: WriteSubject, database: AppDatabase, program_id: ProgramId = None) -> StoppedOut:
    """Stop the athlete's active enrolment (or the one on ``program_id``)."""
    return StoppedOut(
        stopped=service.stop(database, person=subject.person_name, program_id=program_id)
    )


@router.get(
    "/api/athletes/{athlete_id}/program/today",
    response_model=None,
    responses=body_of(service.Today, "The day's prescription."),
)
def today(
    subject: ReadSubject, database: AppDatabase, program_id: ProgramId = None, day: Day = None
) -> dict[str, Any]:
    """The day's prescription with its fall-risk guidance."""
    result = service.today(database, person=subject.person_name, program_id=program_id, day=day)
    out: dict[str, Any] = to_jsonable(result, skip=SKIP)
    return out


@router.get(
    "/api/athletes/{athlete_id}/program/status",
    response_model=None,
    responses=body_of(service.Status, "The enrolment's weeks, adherence and next dose."),
)
def program_status(
    subject: ReadSubject, database: AppDatabase, program_id: ProgramId = None, day: Day = None
) -> dict[str, Any]:
    """Weeks so far, adherence, and the prescription the rules give next."""
    result = service.status(database, person=subject.person_name, program_id=program_id, today=day)
    out: dict[str, Any] = to_jsonable(result, skip=SKIP | {"person"})
    return out


@router.get(
    "/api/athletes/{athlete_id}/program/calendar.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
)
def calendar(subject: ReadSubject, database: AppDatabase, program_id: ProgramId = None) -> Response:
    """The plan as an iCalendar file (in the athlete's home time zone)."""
    body = service.export_ics(database, person=subject.person_name, program_id=program_id)
    return Response(
        body,
        media_type="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="retrostride-program.ics"'},
    )
