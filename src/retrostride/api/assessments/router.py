"""Routes of the assessments domain: ``/api/assessments/measures`` and
``/api/athletes/{athlete_id}/assessments...``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from retrostride.api.assessments.schemas import (
    MEASURE_IDS,
    POPULATION_IDS,
    AssessmentIn,
    AssessmentOut,
    MeasureOut,
)
from retrostride.api.database import AppDatabase
from retrostride.api.domain_schemas import body_of
from retrostride.api.params import ObjectId, one_of
from retrostride.api.policy import ReadSubject, WriteSubject
from retrostride.api.principal import CurrentPrincipal
from retrostride.api.responses import errors
from retrostride.api.serialize import to_jsonable
from retrostride.science.outcomes import MEASURES
from retrostride.services import assessments as service

router = APIRouter(tags=["assessments"], responses=errors(400, 401, 403, 404, 422))


def _out(a: service.Assessment) -> AssessmentOut:
    return AssessmentOut(
        id=a.id,
        measure=a.measure,
        on=a.on,
        value=a.value,
        unit=a.unit,
        method=a.method,
        detail=a.detail,
        raw=dict(a.raw),
        notes=a.notes,
    )


@router.get("/api/assessments/measures")
def measures(_principal: CurrentPrincipal) -> list[MeasureOut]:
    """The outcome measures retrostride records, with their units."""
    return [
        MeasureOut(
            id=m.id, label=m.label, unit=m.unit, better=str(m.better.value),
            needs_method=m.needs_method,
        )
        for m in MEASURES.values()
    ]


@router.post("/api/athletes/{athlete_id}/assessments", status_code=status.HTTP_201_CREATED)
def add(body: AssessmentIn, subject: WriteSubject, database: AppDatabase) -> AssessmentOut:
    """Record one measurement (validated against the measure's range)."""
    return _out(
        service.add_assessment(
            database,
            body.measure,
            body.on,
            body.value,
            unit=body.unit,
            method=body.method,
            detail=body.detail,
            notes=body.notes,
            person=subject.person_name,
        )
    )


@router.get("/api/athletes/{athlete_id}/assessments")
def list_assessments(
    subject: ReadSubject,
    database: AppDatabase,
    measure: Annotated[
        str | None, Query(max_length=64, json_schema_extra=one_of(MEASURE_IDS))
    ] = None,
) -> list[AssessmentOut]:
    """The athlete's measurements in date order (one measure if given)."""
    return [
        _out(a)
        for a in service.list_assessments(database, person=subject.person_name, measure=measure)
    ]


@router.get(
    "/api/athletes/{athlete_id}/assessments/report",
    response_model=None,
    responses=body_of(list[service.MeasureReport], "Each measure's change."),
)
def report(
    subject: ReadSubject,
    database: AppDatabase,
    population: Annotated[
        str, Query(max_length=64, json_schema_extra=one_of(POPULATION_IDS))
    ] = "knee_oa",
) -> list[dict[str, Any]]:
    """Each measure's baseline against its latest value, read against the minimal important
    change for ``population`` where one is published (and saying so where none is)."""
    result: list[dict[str, Any]] = to_jsonable(
        service.report(database, person=subject.person_name, population=population)
    )
    return result


@router.delete(
    "/api/athletes/{athlete_id}/assessments/{assessment_id}",
    status_code=status.HTTP_204_NO_CONTENT,
)
def delete(assessment_id: ObjectId, subject: WriteSubject, database: AppDatabase) -> None:
    """Delete one measurement."""
    service.delete_assessment(database, assessment_id, person=subject.person_name)
