"""Routes of the log's profile and totals: ``/api/athletes/{athlete_id}/profile|stats``."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import orjson
from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from retrostride.api.database import AppDatabase, read_engine
from retrostride.api.log.schemas import BodyMassOut, PeriodTotalsOut, ProfileOut, ProfilePatch
from retrostride.api.policy import (
    AthleteId,
    Credentials,
    LoginCookie,
    ReadSubject,
    WriteSubject,
    read_subject_now,
)
from retrostride.api.responses import JsonResponse, errors
from retrostride.log.model import BodyMass, Person, Sex
from retrostride.services import log as log_service
from retrostride.services import stats

router = APIRouter(
    prefix="/api/athletes/{athlete_id}", tags=["log"], responses=errors(400, 401, 403, 404, 422)
)


def _profile_out(person: Person) -> ProfileOut:
    return ProfileOut(
        home_time_zone=person.home_time_zone,
        height_m=person.height_m,
        birth_year=person.birth_year,
        sex=person.sex.value if person.sex else None,
        body_mass=[BodyMassOut(on=m.on, mass_kg=m.mass_kg) for m in person.body_mass],
    )


@router.get("/profile")
def get_profile(subject: ReadSubject, database: AppDatabase) -> ProfileOut:
    """What the energy engine knows of the athlete: body-mass history, height, age, sex, zone."""
    return _profile_out(log_service.get_person(database, subject.person_name))


@router.patch("/profile")
def patch_profile(body: ProfilePatch, subject: WriteSubject, database: AppDatabase) -> ProfileOut:
    """Change the profile; adding or removing a body mass re-estimates the sessions' energy."""
    changes = log_service.ProfileChanges(
        home_time_zone=body.home_time_zone,
        height_m=body.height_m,
        birth_year=body.birth_year,
        sex=Sex(body.sex) if body.sex else None,
        add_mass=BodyMass(body.add_mass.on, body.add_mass.mass_kg) if body.add_mass else None,
        remove_mass_on=body.remove_mass_on,
    )
    return _profile_out(log_service.update_profile(database, changes, subject.person_name))


STATS_PAGE = 52
"""Periods per answer unless ``limit`` says otherwise."""


@router.get("/stats", response_model=list[PeriodTotalsOut], response_class=JsonResponse)
async def get_stats(
    request: Request,
    athlete_id: AthleteId,
    bearer: Credentials,
    cookie: LoginCookie,
    database: AppDatabase,
    period: Literal["week", "month", "year"] = "week",
    limit: Annotated[int, Query(ge=1, le=1000)] = STATS_PAGE,
    since: date | None = None,
) -> Response:
    """Totals per ISO week, month or year: time, distance, energy, and the share done backward.

    The latest ``limit`` periods with sessions (52 unless given, up to 1,000), oldest first;
    ``since`` (a date): only from the period holding that day on. Earlier pages: ``since``
    with a larger ``limit``."""

    def work() -> bytes:  # the caller, the policy and the totals: one thread-pool call
        with read_engine(request).connect() as conn:
            subject = read_subject_now(request, conn, athlete_id, bearer, cookie)
        rows = stats.period_totals(
            database, subject.person_id, stats.Period(period), since=since, limit=limit
        )
        return orjson.dumps(
            [
                {
                    "period": r.period,
                    "first_day": r.first_day,
                    "sessions": r.sessions,
                    "undated": r.undated,
                    "time_s": r.time_s,
                    "distance_m": r.distance_m,
                    "energy_kcal": r.energy_kcal,
                    "energy_unknown": r.energy_unknown,
                    "backward_s": r.backward_s,
                    "direction_known_s": r.direction_known_s,
                    "backward_share": r.backward_share,
                }
                for r in rows
            ]
        )

    return Response(await run_in_threadpool(work), media_type="application/json")
