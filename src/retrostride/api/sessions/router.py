"""Routes of the sessions domain: ``/api/athletes/{athlete_id}/sessions...``."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import orjson
from fastapi import APIRouter, Query, Request, Response, status
from starlette.concurrency import run_in_threadpool

from retrostride.api.database import AppDatabase, read_engine
from retrostride.api.params import ObjectId
from retrostride.api.policy import (
    AthleteId,
    Credentials,
    LoginCookie,
    ReadSubject,
    WriteSubject,
    read_subject_now,
)
from retrostride.api.responses import JsonResponse, errors
from retrostride.api.sessions.schemas import (
    SessionDetail,
    SessionIn,
    SessionPage,
    SessionPatch,
)
from retrostride.errors import InputError
from retrostride.log.listing import SessionFilter, SortKey
from retrostride.science.locomotion import Direction, Setting
from retrostride.services import export_track, session_entry, track_privacy
from retrostride.services import log as log_service
from retrostride.services import sessions as sessions_service
from retrostride.services.export import session_to_json

router = APIRouter(
    prefix="/api/athletes/{athlete_id}/sessions",
    tags=["sessions"],
    responses=errors(400, 401, 403, 404, 422),
)

DEFAULT_PAGE = 50
CURSOR_PATTERN = r"^(d-?[0-9]{1,16}_[0-9]{1,18}|u[0-9]{1,18})$"
"""A page's ``next_after`` (``store.session_reads.cursor``)."""
MAX_PAGE = 500


@router.get("", response_model=SessionPage, response_class=JsonResponse)
async def list_sessions(
    request: Request,
    athlete_id: AthleteId,
    bearer: Credentials,
    cookie: LoginCookie,
    database: AppDatabase,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
    offset: Annotated[
        int,
        Query(
            ge=0, le=10**9,
            description="Rows to skip. Deprecated for the plain list (no filter, by date): "
            "use `after`, whose cost does not grow with the depth of the page. Still the "
            "paging of a filtered or re-sorted list.",
        ),
    ] = 0,
    order: Literal["newest", "oldest"] = "newest",
    after: Annotated[str | None, Query(pattern=CURSOR_PATTERN)] = None,
    sport: Annotated[str | None, Query(max_length=200)] = None,
    setting: Setting | None = None,
    direction: Direction | None = None,
    date_from: Annotated[date | None, Query(alias="from")] = None,
    date_to: Annotated[date | None, Query(alias="to")] = None,
    sort: SortKey = SortKey.DATE,
) -> Response:
    """One page of the athlete's sessions (default 50, newest first; unknown starts last).

    The next page: ``after`` = this page's ``next_after`` (null after the last page). It costs
    the same however deep the page; an ``offset`` costs in proportion to its size and is
    deprecated for this plain list (kept for existing scripts).
    Filters: ``sport``, ``setting``, ``direction`` (the session's), ``from`` and ``to`` (local
    days, inclusive); ``sort`` by ``date``, ``duration`` or ``distance`` (``order=newest``:
    largest first), sessions lacking the value last; a filtered list pages by ``offset``.
    """
    wanted = SessionFilter(
        sport=sport, setting=setting, direction=direction, date_from=date_from, date_to=date_to,
        sort=sort,
    )

    def work() -> bytes:
        with read_engine(request).connect() as conn:
            subject = read_subject_now(request, conn, athlete_id, bearer, cookie)
        page = sessions_service.session_page(
            database, subject.person_id, limit=limit, offset=offset,
            newest_first=order == "newest", after=after if wanted.is_plain else None,
            wanted=None if wanted.is_plain else wanted,
        )
        return orjson.dumps(page)

    return Response(await run_in_threadpool(work), media_type="application/json")


@router.get("/{session_id}", response_model=SessionDetail, response_class=JsonResponse)
async def get_session(
    request: Request,
    athlete_id: AthleteId,
    session_id: ObjectId,
    bearer: Credentials,
    cookie: LoginCookie,
    database: AppDatabase,
    samples: bool = True,
) -> Response:
    """One session with its segments and (unless ``samples=false``) its samples."""

    def work() -> bytes:
        with read_engine(request).connect() as conn:
            subject = read_subject_now(request, conn, athlete_id, bearer, cookie)
        hide_m = 0 if subject.is_self else track_privacy.hide_radius(database, subject.account_id)
        return sessions_service.session_detail_json(
            database, subject.person_id, session_id, with_samples=samples,
            hide_track_ends_m=hide_m,
        )

    body = await run_in_threadpool(work)  # SessionNotFound: 404 (api.errors)
    return Response(body, media_type="application/json")


@router.get(
    "/{session_id}/export",
    response_class=Response,
    responses={200: {"content": {"application/gpx+xml": {}, "application/vnd.garmin.tcx+xml": {}}}},
)
def export_session(
    session_id: ObjectId,
    subject: ReadSubject,
    database: AppDatabase,
    format: Literal["gpx", "tcx"] = "gpx",
) -> Response:
    """The session as a GPX (needs positions) or TCX (needs recorded points) file; 422 when it
    cannot be written in that format. Anyone but the athlete gets the track without its ends
    (the athlete's privacy zone)."""
    hide_m = 0 if subject.is_self else track_privacy.hide_radius(database, subject.account_id)
    written = export_track.export_session(
        database, session_id, export_track.TrackFormat(format), subject.person_name,
        hide_track_ends_m=hide_m,
    )
    return Response(
        written.data,
        media_type=written.media_type,
        headers={"Content-Disposition": f'attachment; filename="{written.name}"'},
    )


@router.post("", response_model=SessionDetail, status_code=status.HTTP_201_CREATED)
def add_session(body: SessionIn, subject: WriteSubject, database: AppDatabase) -> JsonResponse:
    """Enter a session by hand (one segment); its energy is estimated where the engine can.

    The checks are the CLI's ``log`` and the web form's (``services.session_entry``): a value
    out of range answers 422 with ``code`` ``invalid_input`` and the ``field`` it names."""
    entry = session_entry.SessionEntry(
        sport=body.sport,
        start_utc=body.start_utc,
        utc_offset_s=body.utc_offset_s,
        setting=Setting(body.setting),
        surface=body.surface,
        title=body.title,
        notes=body.notes,
        rpe=body.rpe,
        pain_before=body.pain_before,
        pain_after=body.pain_after,
        segments=(
            session_entry.SegmentEntry(
                duration_s=body.elapsed_s,
                moving_s=body.moving_s,
                direction=Direction(body.direction),
                distance_m=body.distance_m,
                speed_m_s=body.speed_m_s,
                grade_percent=body.grade_percent,
                load_kg=body.load_kg,
                sled_kg=body.sled_kg,
            ),
        ),
    )
    try:
        stored = session_entry.log_entry(database, entry, subject.person_name)
    except InputError as exc:  # named as this body names it (one segment: no index)
        field = _BODY_FIELD.get(exc.field, exc.field)
        raise InputError(field, exc.value, exc.expected) from None
    return JsonResponse(session_to_json(stored), status_code=status.HTTP_201_CREATED)


_BODY_FIELD = {"duration_s": "elapsed_s"}
"""The entry's field -> the body's name for it, where they differ."""


@router.patch("/{session_id}", response_model=SessionDetail)
def edit_session(
    session_id: ObjectId, body: SessionPatch, subject: WriteSubject, database: AppDatabase
) -> JsonResponse:
    """Change a session or one of its segments; its energy is re-estimated."""
    changes = log_service.SessionChanges(
        direction=Direction(body.direction) if body.direction else None,
        segment=body.segment,
        sport=body.sport,
        setting=Setting(body.setting) if body.setting else None,
        surface=body.surface,
        title=body.title,
        notes=body.notes,
        rpe=body.rpe,
        pain_before=body.pain_before,
        pain_after=body.pain_after,
        grade_percent=body.grade_percent,
        load_kg=body.load_kg,
        speed_m_s=body.speed_m_s,
    )
    session = log_service.edit_session(database, session_id, changes, subject.person_name)
    return JsonResponse(session_to_json(session))


@router.delete("/{session_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_session(session_id: ObjectId, subject: WriteSubject, database: AppDatabase) -> None:
    """Delete a session with its segments and samples."""
    log_service.delete_session(database, session_id, subject.person_name)
