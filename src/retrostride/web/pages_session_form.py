"""Log a session by hand and correct every field of a session, per segment.

Both forms call the services the CLI calls (:mod:`retrostride.services.session_entry` for
``log``, :func:`retrostride.services.log.edit_session` for ``edit``). They work without
JavaScript: "Estimate energy" and "Add a segment" are submit buttons; with JavaScript the
estimate follows the fields as they are typed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from retrostride.api.database import AppDatabase, ReadDb
from retrostride.api.policy import AthleteId
from retrostride.errors import InputError
from retrostride.log.model import Session
from retrostride.science import units
from retrostride.science.locomotion import Direction, Setting
from retrostride.services import log as log_service
from retrostride.services import session_entry
from retrostride.web import session_form as sf
from retrostride.web.auth import PageError, PagePrincipal, page_subject, prefs_of, redirect, render
from retrostride.web.prefs import Formatter, Prefs

router = APIRouter(include_in_schema=False)


def _surfaces() -> list[str]:
    from retrostride.science.energy import SURFACE_NAMES

    return list(SURFACE_NAMES)


def _estimate_text(estimate: session_entry.EntryEstimate | None, fmt: Formatter) -> str:
    if estimate is None:
        return ""
    if estimate.kcal is None:
        return f"No energy estimate: {estimate.reason}."
    return f"About {estimate.kcal:.0f} kcal over {fmt.duration(estimate.duration_s)}."


def _form_page(
    request: Request, principal: Any, subject: Any, parsed: sf.ParsedForm, *,
    estimate: str = "", status_code: int = 200,
) -> Response:
    return render(
        request, "session_form.html", principal, subject=subject, title="Log a session",
        values=parsed.values, errors=parsed.errors, segments=range(parsed.segment_count),
        sports=sf.SPORTS, settings_=sf.SETTINGS, surfaces=_surfaces(),
        directions=sf.DIRECTIONS, estimate=estimate, status_code=status_code,
        action=f"/athletes/{request.path_params['athlete_id']}/sessions/new",
    )


@router.get("/athletes/{athlete_id}/sessions/new")
def new_session(
    request: Request, athlete_id: AthleteId, principal: PagePrincipal, db: ReadDb
) -> Response:
    subject = page_subject(db, principal, athlete_id, need_write=True)
    fmt = Formatter(prefs_of(request))
    local = fmt.local(datetime.now(UTC))
    values = {"sport": "walking", "setting": "overground", "seg-0-direction": "backward",
              "seg-0-duration": "", "start": local.strftime("%Y-%m-%dT%H:%M") if local else ""}
    return _form_page(request, principal, subject, sf.ParsedForm(values, 1))


def _estimate(
    database: Any, parsed: sf.ParsedForm, person_name: str
) -> session_entry.EntryEstimate | None:
    if parsed.entry is None:
        return None
    try:
        return session_entry.estimate_entry(database, parsed.entry, person_name)
    except InputError as exc:
        name, text = sf.service_error(exc)
        parsed.errors[name] = text
        return None


@router.post("/athletes/{athlete_id}/sessions/estimate")
async def estimate_json(
    request: Request, athlete_id: AthleteId, principal: PagePrincipal, db: ReadDb,
    database: AppDatabase,
) -> Response:
    """The energy of the form as it stands (for the live read-out); nothing is stored."""
    subject = page_subject(db, principal, athlete_id, need_write=True)
    prefs = prefs_of(request)
    parsed = sf.parse_form({k: str(v) for k, v in (await request.form()).items()}, prefs)
    estimate = await run_in_threadpool(_estimate, database, parsed, subject.person_name)
    text = _estimate_text(estimate, Formatter(prefs)) if estimate else (
        "No estimate yet: " + " ".join(parsed.errors.values()) if parsed.errors else ""
    )
    return JSONResponse({"text": text, "kcal": estimate.kcal if estimate else None},
                        headers={"Cache-Control": "no-store"})


@router.post("/athletes/{athlete_id}/sessions/new")
async def new_session_post(
    request: Request, athlete_id: AthleteId, principal: PagePrincipal, db: ReadDb,
    database: AppDatabase,
) -> Response:
    subject = page_subject(db, principal, athlete_id, need_write=True)
    prefs = prefs_of(request)
    raw = {k: str(v) for k, v in (await request.form()).items()}
    action = raw.pop("action", "save")
    if action in ("add_segment", "remove_segment"):
        count = sf.segment_count(raw)
        if action == "add_segment" and count < session_entry.MAX_SEGMENTS:
            raw[f"seg-{count}-duration"] = ""
            raw[f"seg-{count}-direction"] = "forward"
        elif action == "remove_segment" and count > 1:
            for key in sf.SEGMENT_KEYS:
                raw.pop(f"seg-{count - 1}-{key}", None)
        values = {k: v.strip() for k, v in raw.items() if k != "csrf_token"}
        return _form_page(request, principal, subject,
                          sf.ParsedForm(values, sf.segment_count(values)))
    parsed = sf.parse_form(raw, prefs)
    estimate = await run_in_threadpool(_estimate, database, parsed, subject.person_name)
    if parsed.errors or parsed.entry is None:
        return _form_page(request, principal, subject, parsed, status_code=422)
    if action == "estimate":
        return _form_page(request, principal, subject, parsed,
                          estimate=_estimate_text(estimate, Formatter(prefs)))
    try:
        stored = await run_in_threadpool(
            session_entry.log_entry, database, parsed.entry, subject.person_name
        )
    except InputError as exc:
        name, text = sf.service_error(exc)
        parsed.errors[name] = text
        return _form_page(request, principal, subject, parsed, status_code=422)
    return redirect(f"/athletes/{athlete_id}/sessions/{stored.id}?saved=1")


# ------------------------------------------------------------------------------ edit


def _number(value: float | None, digits: int = 2) -> str:
    return "" if value is None else f"{value:.{digits}f}".rstrip("0").rstrip(".")


def edit_values(session: Session, prefs: Prefs) -> dict[str, str]:
    """The edit form's fields for a stored session, in the person's units."""
    fmt = Formatter(prefs)
    local = fmt.local(session.start_utc) if session.start_utc else None
    values = {
        "sport": session.sport, "setting": Setting(session.setting).value,
        "surface": session.surface or "", "title": session.title or "",
        "notes": session.notes or "", "rpe": _number(session.rpe, 1),
        "pain_before": _number(session.pain_before, 1),
        "pain_after": _number(session.pain_after, 1),
        "start": local.strftime("%Y-%m-%dT%H:%M") if local else "",
    }
    for i, seg in enumerate(session.segments):
        key = f"seg-{i}-"
        values[key + "direction"] = Direction(seg.direction).value
        values[key + "speed"] = _number(
            None if seg.speed_m_s is None else fmt.speed_value(seg.speed_m_s))
        values[key + "grade"] = _number(seg.grade_percent, 1)
        values[key + "load"] = _number(None if not seg.load_kg else fmt.mass_value(seg.load_kg), 1)
        values[key + "sled"] = _number(None if not seg.sled_kg else fmt.mass_value(seg.sled_kg), 1)
    return values


def _edit_page(
    request: Request, principal: Any, subject: Any, session: Session,
    values: dict[str, str], errors: dict[str, str], status_code: int = 200,
) -> Response:
    fmt = Formatter(prefs_of(request))
    return render(
        request, "session_edit.html", principal, subject=subject,
        title=f"Edit {session.title or session.sport.replace('_', ' ')}", s=session,
        values=values, errors=errors, sports=sorted({*sf.SPORTS, session.sport}),
        settings_=sf.SETTINGS, surfaces=_surfaces(), directions=[d.value for d in Direction],
        segment_times=[fmt.duration(g.moving_s or g.elapsed_s) for g in session.segments],
        segment_starts=[fmt.duration(g.start_offset_s) for g in session.segments],
        status_code=status_code,
    )


def _load(database: Any, session_id: int, person_name: str) -> Session:
    if not 1 <= session_id <= 2**31:
        raise PageError(404, f"There is no session {session_id} here.")
    try:
        return log_service.get_session(database, session_id, person_name, with_samples=False)
    except log_service.SessionNotFound:
        raise PageError(404, f"There is no session {session_id} here.") from None


@router.get("/athletes/{athlete_id}/sessions/{session_id}/edit")
def edit_session_page(
    request: Request, athlete_id: AthleteId, session_id: int, principal: PagePrincipal,
    db: ReadDb, database: AppDatabase,
) -> Response:
    subject = page_subject(db, principal, athlete_id, need_write=True)
    session = _load(database, session_id, subject.person_name)
    return _edit_page(request, principal, subject, session,
                      edit_values(session, prefs_of(request)), {})


def parse_edit(
    raw: dict[str, str], prefs: Prefs, segments: int
) -> tuple[log_service.SessionChanges, list[log_service.SessionChanges], dict[str, str]]:
    """The edit form -> changes of the session and of each segment; errors by form field."""
    values = {k: v.strip() for k, v in raw.items()}
    errors: dict[str, str] = {}
    whole = log_service.SessionChanges()
    sport = values.get("sport", "")
    if sport:
        whole.sport = sport[:64]
    setting = values.get("setting", "")
    if setting:
        if setting in sf.SETTINGS:
            whole.setting = Setting(setting)
        else:
            errors["setting"] = f"Setting: choose one of {', '.join(sf.SETTINGS)}."
    whole.surface = values.get("surface") or None
    whole.title = values.get("title", "")[:200]
    whole.notes = raw.get("notes", "")[:10_000]
    for name in ("rpe", "pain_before", "pain_after"):
        text = values.get(name, "")
        if text:
            try:
                number = float(text)
                if not 0 <= number <= 10:
                    raise ValueError
                setattr(whole, name, number)
            except ValueError:
                errors[name] = f"{sf.label_of(name)}: {text!r} is not accepted; expected a " \
                    "number from 0 to 10."
    if values.get("start"):
        try:
            whole.start_utc, whole.utc_offset_s = sf.parse_local(values["start"], prefs.time_zone)
        except InputError as exc:
            errors["start"] = sf.error_text("start", exc)
    per_segment = []
    for i in range(segments):
        key = f"seg-{i}-"
        change = log_service.SessionChanges(segment=i)
        direction = values.get(key + "direction", "")
        if direction:
            if direction in {d.value for d in Direction}:
                change.direction = Direction(direction)
            else:
                errors[key + "direction"] = f"{sf.label_of(key + 'direction')}: choose one of " \
                    "forward, backward, mixed or unknown."
        for name, attr, parser, unit in (
            ("speed", "speed_m_s", units.parse_speed_m_s, prefs.speed_unit),
            ("grade", "grade_percent", units.parse_grade_percent, "%"),
            ("load", "load_kg", units.parse_mass_kg, prefs.mass_unit),
            ("sled", "sled_kg", units.parse_mass_kg, prefs.mass_unit),
        ):
            text = values.get(key + name, "")
            if not text:
                continue
            try:
                setattr(change, attr, parser(sf._with_unit(text, unit), field=key + name))
            except InputError as exc:
                errors[key + name] = sf.error_text(key + name, exc)
        per_segment.append(change)
    return whole, per_segment, errors


@router.post("/athletes/{athlete_id}/sessions/{session_id}/edit")
async def edit_session_post(
    request: Request, athlete_id: AthleteId, session_id: int, principal: PagePrincipal,
    db: ReadDb, database: AppDatabase,
) -> Response:
    subject = page_subject(db, principal, athlete_id, need_write=True)
    session = await run_in_threadpool(_load, database, session_id, subject.person_name)
    raw = {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}
    whole, per_segment, errors = parse_edit(raw, prefs_of(request), len(session.segments))
    if not errors:
        try:
            for change in per_segment:
                await run_in_threadpool(
                    log_service.edit_session, database, session_id, change, subject.person_name)
            await run_in_threadpool(
                log_service.edit_session, database, session_id, whole, subject.person_name)
        except InputError as exc:
            name, text = sf.service_error(exc)
            errors[name] = text
    if errors:
        return _edit_page(request, principal, subject, session, raw, errors, 422)
    return redirect(f"/athletes/{athlete_id}/sessions/{session_id}?saved=1")
