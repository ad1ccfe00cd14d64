"""Gait in the browser: upload an IMU recording, follow its analysis, attach it to a session.

The recording goes to the job queue as the API's gait route sends it (:mod:`retrostride.
services.gait_jobs` on :mod:`retrostride.services.jobs`: a child process with memory and CPU
limits, the same analysis as ``retrostride gait analyze``); the page of the job shows its
status until it is done (a small script refreshes it; without the script a link does), then the
bouts with direction and confidence, steps, cadence, stride length and speed, the signal chart
and a form that attaches one trial to a logged session.

The upload is a plain multipart form, so it works without JavaScript. A multipart body cannot
be read for the login's CSRF token before the file, so the route checks the login first, then
receives the file into a private folder, then checks the form's ``csrf_token`` (and the origin)
with the API's own :func:`~retrostride.api.principal.authenticate`; a refused request keeps
nothing.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from retrostride.api.database import AppDatabase, ReadDb
from retrostride.api.errors import ApiError, Forbidden, Unauthorized
from retrostride.api.policy import AthleteId
from retrostride.api.principal import SESSION_COOKIE, authenticate
from retrostride.api.receive import receive_files
from retrostride.errors import InputError
from retrostride.services import access, gait_jobs, jobs
from retrostride.services import sessions as sessions_service
from retrostride.services.accounts import AccountGone
from retrostride.services.log import SessionNotFound
from retrostride.web import fields as web_fields
from retrostride.web.auth import (
    LoginRequired,
    PageError,
    PagePrincipal,
    page_subject,
    prefs_of,
    redirect,
    render,
)
from retrostride.web.charts import BOUT_COLOURS, Shade, Spread, Ticks, XAxis, line_chart
from retrostride.web.session_form import parse_local

router = APIRouter(include_in_schema=False)

SERIES_COLOURS = ("#1a1a1a", "#8a4b08")
"""The first and second signal (each at least 4.5:1 against white)."""
CONTACT_COLOURS = {"initial": "#0b3d91", "final": "#7a1f1f"}


def signal_chart(signal: dict[str, Any], bouts: list[dict[str, Any]], label: str) -> Markup:
    """The trial's signal (per-bin minimum to maximum, from ``gait_jobs.signal_view``) against
    time, its bouts shaded by direction, initial contacts as ticks along the bottom and final
    contacts along the top: the web app's one chart engine (``web.charts``)."""
    series = signal.get("series") or []
    duration = float(signal.get("duration_s") or 0.0)
    if not series or duration <= 0 or not series[0]["min"]:
        return Markup("")
    bin_s = float(signal.get("bin_s") or duration / len(series[0]["min"]))
    x = [(i + 0.5) * bin_s for i in range(len(series[0]["min"]))]
    unit = str(signal.get("unit") or "")
    spreads = [
        Spread(str(s["label"]), s["min"], s["max"], unit, SERIES_COLOURS[k])
        for k, s in enumerate(series[:2])
    ]
    shades = [
        Shade(float(b["start_s"]), float(b["end_s"]), f"{b['direction']} bout",
              BOUT_COLOURS.get(str(b["direction"]), BOUT_COLOURS["unknown"]), 0.18)
        for b in bouts
    ]
    ticks = [
        Ticks(f"{kind} contacts", [float(t) for b in bouts for t in (b.get(key) or [])
                                   if t is not None], CONTACT_COLOURS[kind], top=kind == "final")
        for kind, key in (("initial", "initial_contacts_s"), ("final", "final_contacts_s"))
    ]
    n_steps = sum(int(b.get("n_steps") or 0) for b in bouts)
    directions = sorted({str(b["direction"]) for b in bouts})
    summary = (
        f"{len(bouts)} walking bout{'s' if len(bouts) != 1 else ''} "
        f"({', '.join(directions) or 'none'}), {n_steps} steps in bouts; the bouts are listed "
        "in the table below."
    )
    return line_chart(
        x, [], spreads=spreads, shades=shades, ticks=ticks,
        title=f"Signal of trial {label} ({unit})", axis=XAxis("min" if duration > 600 else "s"),
        summary=summary, css_class="gait-chart",
    )

FORMATS = (
    "retrostride CSV, GENEActiv CSV, Sensor Logger and phyphox exports (CSV or zip), the Oxford "
    "phone layout, Mobilise-D data.mat and gaitmap two-foot CSV"
)
SESSION_CHOICES = 100
"""Latest sessions offered to attach an analysis to."""
JobId = Annotated[int, Query(ge=1, le=2**31)]


def _max_mb(request: Request) -> int:
    return int(request.app.state.settings.max_upload_bytes // (1024 * 1024))


def _upload_page(
    request: Request, principal: Any, subject: Any, database: Any, *,
    errors: dict[str, str] | None = None, values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    recent = gait_jobs.recent(database, subject.person_id)
    return render(
        request, "gait.html", principal, subject=subject, title="Gait analysis",
        status_code=status_code, errors=errors or {}, values=values or {}, recent=recent,
        placements=gait_jobs.PLACEMENTS, formats=FORMATS, max_mb=_max_mb(request),
    )


@router.get("/athletes/{athlete_id}/gait")
def gait_page(
    request: Request, athlete_id: AthleteId, principal: PagePrincipal, db: ReadDb,
    database: AppDatabase,
) -> Response:
    subject = page_subject(db, principal, athlete_id, need_write=True)
    return _upload_page(request, principal, subject, database)


def _login(request: Request, db: Any) -> tuple[Any, str]:
    """The caller's browser login (its CSRF token is checked after the body is read)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise LoginRequired()
    try:
        principal, _csrf = access.login_principal(db, cookie)
    except access.NotAuthenticated:
        raise LoginRequired() from None
    request.state.principal = principal
    request.state.account_prefs = principal.preferences
    return principal, cookie


@router.post("/athletes/{athlete_id}/gait")
async def gait_upload(
    request: Request, athlete_id: AthleteId, db: ReadDb, database: AppDatabase
) -> Response:
    """Receive one recording (multipart: ``csrf_token``, ``file``, ``placement``,
    ``mounting``), queue its analysis and go to its page."""
    principal, cookie = await run_in_threadpool(_login, request, db)
    subject = page_subject(db, principal, athlete_id, need_write=True)
    settings = request.app.state.settings
    folder = Path(tempfile.mkdtemp(prefix="retrostride-gait-", dir=settings.upload_dir))
    form: dict[str, str] = {}
    try:
        try:
            received = await receive_files(
                request, folder, max_file_bytes=settings.max_upload_bytes, max_files=1,
                sniff=False, fields=form,
            )
        except ApiError as exc:
            shutil.rmtree(folder, ignore_errors=True)
            if exc.status_code in (401, 403):
                raise
            return _upload_page(
                request, principal, subject, database, status_code=exc.status_code,
                errors={"file": _upload_refusal(exc, _max_mb(request))},
            )
        try:
            await run_in_threadpool(
                authenticate, request, db, None, cookie, form.get("csrf_token")
            )
        except (Forbidden, Unauthorized) as exc:
            raise PageError(403, exc.detail) from None
        placement = form.get("placement") or None
        mounting = (form.get("mounting") or "").strip() or None
        height_text = (form.get("sensor_height") or "").strip()[:32]
        values = {"placement": placement or "", "mounting": mounting or "",
                  "sensor_height": height_text}
        item = jobs.JobFile(received[0].label, str(received[0].path), received[0].size_bytes)
        try:
            height = _metres(height_text)
            job_id = await run_in_threadpool(
                lambda: gait_jobs.submit(
                    database, subject.person_id, str(subject.person_name), item, folder,
                    placement=placement, mounting=mounting, sensor_height_m=height,
                )
            )
        except InputError as exc:
            shutil.rmtree(folder, ignore_errors=True)
            field = {"sensor_height_m": "sensor_height"}.get(exc.field, exc.field)
            return _upload_page(
                request, principal, subject, database, status_code=422,
                errors={field: web_fields.message(exc)}, values=values,
            )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    workers: jobs.Workers = request.app.state.job_workers
    workers.wake()
    return redirect(f"/athletes/{athlete_id}/gait/{job_id}")


def _metres(text: str) -> float | None:
    """The sensor height field [m] (empty: unknown)."""
    if not text:
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise InputError("sensor_height_m", text, "a height in metres such as 0.95") from None
    if not math.isfinite(value):
        raise InputError("sensor_height_m", text, "a height in metres such as 0.95")
    return value


def _upload_refusal(exc: ApiError, max_mb: int) -> str:
    if exc.status_code == 413:
        return f"The recording is larger than the limit of {max_mb} MB."
    if "no file" in exc.detail:
        return "Choose a recording to upload."
    return f"The upload was not accepted: {exc.detail}."


def _job(database: Any, job_id: int, subject: Any) -> gait_jobs.GaitJob:
    if not 1 <= job_id <= 2**31:
        raise PageError(404, f"There is no gait analysis {job_id} here.")
    view = gait_jobs.job_view(database, job_id, subject.person_id)
    if view is None:
        raise PageError(404, f"There is no gait analysis {job_id} here.")
    return view


@router.get("/athletes/{athlete_id}/gait/{job_id}/status")
def gait_status(
    athlete_id: AthleteId, job_id: int, principal: PagePrincipal, db: ReadDb,
    database: AppDatabase,
) -> Response:
    """The job's status for the page's script (``queued``, ``importing``, ``done``, ``failed``)."""
    subject = page_subject(db, principal, athlete_id)
    view = _job(database, job_id, subject)
    return JSONResponse({"status": view.status, "finished": view.finished},
                        headers={"Cache-Control": "no-store"})


def _figures(trial: gait_jobs.TrialView) -> dict[str, Any]:
    """Recording-level figures of a trial for the page (from its bouts; NaN-free)."""
    bouts = trial.bouts
    total = trial.totals
    steps = sum(int(b.get("n_steps") or 0) for b in bouts)

    def weighted(key: str) -> float | None:
        pairs = [(b[key], b["duration_s"]) for b in bouts
                 if b.get(key) is not None and b.get("duration_s")]
        weight = sum(d for _, d in pairs)
        return sum(v * d for v, d in pairs) / weight if weight else None

    return {
        "steps": total.get("step_count"), "steps_in_bouts": steps, "bouts": len(bouts),
        "walking_s": total.get("walking_time_s"), "duration_s": total.get("duration_s"),
        "cadence": total.get("mean_cadence_spm"), "stride_m": weighted("stride_length_m"),
        "speed": weighted("speed_m_s"), "direction": total.get("direction"),
        "backward_s": total.get("backward_time_s"), "forward_s": total.get("forward_time_s"),
    }


def _job_page(
    request: Request, principal: Any, subject: Any, database: Any, view: gait_jobs.GaitJob,
    trial_number: int | None, *, errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None, status_code: int = 200,
) -> Response:
    trial = None
    if view.trials:
        chosen = [t for t in view.trials if t.number == trial_number]
        trial = chosen[0] if chosen else max(view.trials, key=lambda t: len(t.bouts))
    chart = signal_chart(trial.signal, trial.bouts, trial.label) if trial is not None else ""
    sessions = []
    if trial is not None and subject.can_write:
        sessions = sessions_service.session_page(
            database, subject.person_id, limit=SESSION_CHOICES).items
    defaults = {"trial": str(trial.number) if trial else ""}
    return render(
        request, "gait_job.html", principal, subject=subject,
        field_words=web_fields.words,
        title=f"Gait analysis of {view.file}", status_code=status_code, job=view, trial=trial,
        figures=_figures(trial) if trial else {}, chart=chart, sessions=sessions,
        colours=BOUT_COLOURS, errors=errors or {}, values={**defaults, **(values or {})},
        finite=lambda v: v is not None and math.isfinite(float(v)),
    )


@router.get("/athletes/{athlete_id}/gait/{job_id}")
def gait_job_page(
    request: Request, athlete_id: AthleteId, job_id: int, principal: PagePrincipal,
    db: ReadDb, database: AppDatabase,
    trial: Annotated[int | None, Query(ge=1, le=1000)] = None,
) -> Response:
    subject = page_subject(db, principal, athlete_id)
    view = _job(database, job_id, subject)
    return _job_page(request, principal, subject, database, view, trial)


ATTACH_FIELDS = {"session_id": "session", "offset_s": "offset", "recording_start_utc": "start",
                 "trial": "trial", "job": "session"}


@router.post("/athletes/{athlete_id}/gait/{job_id}/attach")
async def gait_attach(
    request: Request, athlete_id: AthleteId, job_id: int, principal: PagePrincipal,
    db: ReadDb, database: AppDatabase,
) -> Response:
    """Attach one trial of a finished analysis to a session (the form's fields: ``trial``,
    ``session``, ``offset`` [s] or ``start`` in the person's zone)."""
    subject = page_subject(db, principal, athlete_id, need_write=True)
    view = _job(database, job_id, subject)
    form = await request.form()
    values = {k: str(form.get(k, "")).strip()[:64] for k in ("trial", "session", "offset",
                                                              "start")}
    errors: dict[str, str] = {}
    trial = session_id = None
    offset_s = None
    start = None
    if values["trial"]:
        try:
            trial = int(values["trial"])
        except ValueError:
            errors["trial"] = f"Trial: {values['trial']!r} is not one of the file's trials."
    try:
        session_id = int(values["session"])
    except ValueError:
        errors["session"] = "Session: choose the session this recording belongs to."
    if values["offset"]:
        try:
            offset_s = float(values["offset"])
            if not math.isfinite(offset_s) or abs(offset_s) > 86_400:
                raise ValueError
        except ValueError:
            errors["offset"] = (f"Offset: {values['offset']!r} is not accepted; expected a "
                                "number of seconds from -86400 to 86400.")
    elif values["start"]:
        try:
            start = parse_local(values["start"], prefs_of(request).time_zone)[0]
        except InputError as exc:
            errors["start"] = (f"Recording start: {exc.value_text} is not accepted; expected "
                               f"{exc.expected}.")
    if not errors and session_id is not None:
        try:
            await run_in_threadpool(
                lambda: gait_jobs.attach(
                    database, job_id, subject.person_id, str(subject.person_name),
                    int(session_id), trial=trial, offset_s=offset_s, recording_start_utc=start,
                )
            )
        except SessionNotFound:
            errors["session"] = f"Session: there is no session {session_id} here."
        except AccountGone:
            raise PageError(410, "This account was deleted; nothing was attached.") from None
        except InputError as exc:
            name = ATTACH_FIELDS.get(exc.field, "session")
            errors[name] = web_fields.message(exc)
        else:
            chosen = f"?trial={trial}" if trial is not None else ""
            return redirect(f"/athletes/{athlete_id}/gait/{job_id}{chosen}#attached")
    return _job_page(request, principal, subject, database, view, trial, errors=errors,
                     values=values, status_code=422)
