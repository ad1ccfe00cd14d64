"""The log's pages: dashboard, session list, a session with its charts, and the upload page."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from retrostride.api.database import AppDatabase, ReadDb
from retrostride.api.policy import AthleteId
from retrostride.errors import InputError
from retrostride.science.locomotion import Direction, Setting
from retrostride.services import dashboard as dashboard_service
from retrostride.services import log as log_service
from retrostride.services import programs as program_service
from retrostride.services import sessions as sessions_service
from retrostride.services import track_privacy
from retrostride.services.session_view import Axis, session_view
from retrostride.web import fields as web_fields
from retrostride.web.auth import (
    MaybePrincipal,
    PageError,
    PagePrincipal,
    page_subject,
    prefs_of,
    redirect,
    render,
)
from retrostride.web.charts import DIRECTION_COLOURS, weekly_bars_svg
from retrostride.web.pages_energy import SETTINGS as ENERGY_SETTINGS
from retrostride.web.pages_energy import compare as compare_energy
from retrostride.web.pages_energy import defaults as energy_defaults
from retrostride.web.pages_program import ProgramState, describe
from retrostride.web.prefs import Formatter
from retrostride.web.session_charts import session_charts

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25


@router.get("/")
def home(
    request: Request, principal: MaybePrincipal, db: ReadDb, database: AppDatabase
) -> Response:
    """An athlete's dashboard; a clinician goes to their athletes; a visitor sees the front
    door."""
    if principal is None:
        return front_door(request)
    if principal.role != "athlete":
        return redirect("/clinic")
    return _dashboard(request, principal, db, database, "me")


@router.get("/athletes/{athlete_id}")
def overview(
    request: Request, athlete_id: AthleteId, principal: PagePrincipal, db: ReadDb,
    database: AppDatabase,
) -> Response:
    return _dashboard(request, principal, db, database, athlete_id)


def front_door(request: Request) -> Response:
    """What retrostride is, the energy calculator (the same comparison as the logged-in page),
    the demo, and the ways in."""
    prefs = prefs_of(request)
    values = energy_defaults(prefs.speed_unit, prefs.mass_unit)
    result, _errors = compare_energy(values)
    return render(
        request, "landing.html", None, title="Backward walking, measured", values=values,
        result=result, settings=ENERGY_SETTINGS,
        registration=request.app.state.settings.registration,
    )


def _dashboard(
    request: Request, principal: Any, db: Any, database: Any, athlete_id: str
) -> Response:
    subject = page_subject(db, principal, athlete_id)
    fmt = Formatter(prefs_of(request))
    today = fmt.today()
    monday = today - timedelta(days=today.weekday())
    board = dashboard_service.dashboard(
        database, subject.person_id, since=monday - timedelta(weeks=8), latest=5,
        person=subject.person_name, today=today,
    )
    weeks = board.weeks
    this_week = next((w for w in weeks if w.first_day == monday), None)
    recent = [w for w in weeks if w.first_day > monday - timedelta(weeks=8)]
    by_monday = {w.first_day: w for w in recent}
    mondays = [monday - timedelta(weeks=k) for k in range(7, -1, -1)]
    bars = weekly_bars_svg(
        [f"{d.day} {d:%b}" for d in mondays],
        [by_monday[d].backward_s / 60 if d in by_monday else 0.0 for d in mondays],
        [(by_monday[d].time_s - by_monday[d].backward_s) / 60 if d in by_monday else 0.0
         for d in mondays],
    ) if recent else ""
    state = None if board.plan is None else ProgramState(*program_service.state_of(board.plan))
    return render(
        request, "dashboard.html", principal, subject=subject,
        title="Dashboard" if subject.is_self else "Athlete overview",
        week=this_week, monday=monday, recent_weeks=recent, program=state, bars=bars,
        sessions=board.latest.items, total=board.latest.total,
        welcome=request.query_params.get("welcome") == "1",
        has_mass=board.has_mass,
        describe=lambda p: describe(p, fmt),
    )


SORTS = {"date": "Date", "duration": "Duration", "distance": "Distance"}


def _list_filter(request: Request) -> tuple[sessions_service.SessionFilter, bool, dict[str, str]]:
    """The list's filter and order from the query string, and the query kept for the pager.

    Raises :class:`PageError` (422) naming the filter field when a value is not one of the
    form's choices.
    """
    query = {
        k: v.strip()
        for k, v in request.query_params.items()
        if k not in ("page", "after") and v.strip()
    }

    def choice(name: str, label: str, kind: Any) -> Any:
        if name not in query:
            return None
        try:
            return kind(query[name])
        except ValueError:
            raise PageError(422, f"{label}: {query[name]!r} is not one of the choices") from None

    def day(name: str, label: str) -> date | None:
        if name not in query:
            return None
        try:
            return date.fromisoformat(query[name])
        except ValueError:
            raise PageError(422, f"{label}: {query[name]!r} is not a date (YYYY-MM-DD)") from None

    sport = query.get("sport")
    if sport is not None and len(sport) > 200:
        raise PageError(422, "Sport: too long")
    wanted = sessions_service.SessionFilter(
        sport=sport,
        setting=choice("setting", "Setting", Setting),
        direction=choice("direction", "Direction", Direction),
        date_from=day("from", "From"),
        date_to=day("to", "To"),
        sort=choice("sort", "Sort by", sessions_service.SortKey) or sessions_service.SortKey.DATE,
    )
    order = query.get("order", "desc")
    if order not in ("desc", "asc"):
        raise PageError(422, f"Order: {order!r} is not one of the choices")
    return wanted, order == "desc", query


@router.get("/athletes/{athlete_id}/sessions")
def session_list(
    request: Request, athlete_id: AthleteId, principal: PagePrincipal, db: ReadDb,
    database: AppDatabase, page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    after: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """The session list with its filters (sport, setting, direction, dates) and sort order;
    the plain list's "Next page" follows the cursor of the page's last row (``after``), so a
    deep page costs what the first does (``page`` alone is the page shown)."""
    subject = page_subject(db, principal, athlete_id)
    wanted, descending, query = _list_filter(request)
    plain = wanted.is_plain and descending
    try:
        sports: list[str] = []
        result = sessions_service.session_page(
            database, subject.person_id, limit=PAGE_SIZE,
            offset=0 if (after and plain) else (page - 1) * PAGE_SIZE,
            newest_first=descending, after=after if plain else None,
            wanted=None if wanted.is_plain else wanted, sports=sports,
        )
    except InputError as exc:
        raise PageError(422, web_fields.message(exc)) from None
    pages = max(1, -(-result.total // PAGE_SIZE))
    return render(
        request, "sessions.html", principal, subject=subject, title="Sessions",
        sessions=result.items, total=result.total, page=page, pages=pages,
        colours=DIRECTION_COLOURS, query=query, filtered=not plain,
        sports=sports,
        settings=[s.value for s in Setting], directions=[d.value for d in Direction],
        sorts=SORTS, descending=descending, next_after=result.next_after if plain else None,
        page_query=lambda n, cursor=None: urlencode(
            {**query, "page": n, **({"after": cursor} if cursor else {})}
        ),
    )


@router.get("/athletes/{athlete_id}/sessions/{session_id}")
def session_page(
    request: Request, athlete_id: AthleteId, session_id: int, principal: PagePrincipal,
    db: ReadDb, database: AppDatabase,
    x: Annotated[Axis, Query(description="the charts' axis: time or distance")] = Axis.TIME,
) -> Response:
    subject = page_subject(db, principal, athlete_id)
    if not 1 <= session_id <= 2**31:
        raise PageError(404, f"no session {session_id}")
    hide_m = 0 if subject.is_self else track_privacy.hide_radius(database, subject.account_id)
    fmt = Formatter(prefs_of(request))
    try:
        session, view = session_view(
            database, subject.person_id, session_id, fmt.prefs.distance_unit, x,
            hide_track_ends_m=hide_m,
        )
    except sessions_service.SessionNotFound:
        raise PageError(404, f"There is no session {session_id} here.") from None
    directions = {seg.direction.value for seg in session.segments}
    return render(
        request, "session.html", principal, subject=subject,
        title=session.title or f"Session {session_id}",
        s=session, charts=session_charts(view, fmt), colours=DIRECTION_COLOURS,
        summary=view.summary, laps=view.laps, splits=view.splits,
        axis=view.series.axis.value if view.series else "time",
        distance_axis=view.distance_axis, has_samples=view.has_samples,
        directions=sorted(directions), saved=request.query_params.get("saved") == "1",
        direction_choices=[d.value for d in Direction if d.value != "mixed"],
    )


@router.post("/athletes/{athlete_id}/sessions/{session_id}")
async def session_edit(
    request: Request, athlete_id: AthleteId, session_id: int, principal: PagePrincipal,
    db: ReadDb, database: AppDatabase,
) -> Response:
    """Set the direction of the whole session, its effort and notes; or delete it."""
    subject = page_subject(db, principal, athlete_id, need_write=True)
    form = await request.form()
    if form.get("action") == "delete":
        try:
            log_service.delete_session(database, session_id, subject.person_name)
        except log_service.SessionNotFound:
            raise PageError(404, f"There is no session {session_id} here.") from None
        return redirect(request.url.path.rsplit("/", 1)[0])
    direction = str(form.get("direction", ""))
    if direction and direction not in {d.value for d in Direction}:
        raise PageError(422, f"direction {direction!r}: expected forward, backward or unknown")
    notes = str(form.get("notes", ""))[:10_000]
    rpe_text = str(form.get("rpe", "")).strip()
    try:
        rpe = float(rpe_text) if rpe_text else None
    except ValueError:
        raise PageError(422, f"effort {rpe_text!r}: expected a number from 0 to 10") from None
    try:
        log_service.edit_session(
            database, session_id,
            log_service.SessionChanges(
                direction=Direction(direction) if direction else None, notes=notes, rpe=rpe
            ),
            subject.person_name,
        )
    except log_service.SessionNotFound:
        raise PageError(404, f"There is no session {session_id} here.") from None
    except InputError as exc:
        raise PageError(422, web_fields.message(exc)) from None
    return redirect(f"{request.url.path}?saved=1")


@router.get("/athletes/{athlete_id}/upload")
def upload_page(
    request: Request, athlete_id: AthleteId, principal: PagePrincipal, db: ReadDb
) -> Response:
    subject = page_subject(db, principal, athlete_id, need_write=True)
    settings = request.app.state.settings
    return render(
        request, "upload.html", principal, subject=subject, title="Upload activities",
        api_url=f"/api/athletes/{athlete_id}/uploads", sessions_url=f"/athletes/{athlete_id}",
        max_mb=settings.max_upload_bytes // (1024 * 1024), max_files=settings.max_upload_files,
        remedy_words=web_fields.REMEDY_WORDS,
    )


