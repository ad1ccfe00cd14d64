"""Routes of the gait domain: ``POST /api/athletes/{athlete_id}/gait-analyses``.

The recording (any format the IMU loaders recognise by content: retrostride CSV, GENEActiv,
Sensor Logger, phyphox, the Oxford phone layout, Mobilise-D ``data.mat``, gaitmap two-foot CSV)
is streamed to a server-named temporary file, analysed by the pipeline of its placement, and
deleted. The result is returned; with ``session_id`` it is also attached to that logged session
(its segments get direction and cadence), which needs the right to change the athlete's data.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from retrostride.api.accounts.dependencies import AppSettings
from retrostride.api.database import AppDatabase, ReadDb
from retrostride.api.gait.schemas import GaitAnswerOut
from retrostride.api.params import MAX_ID
from retrostride.api.policy import ReadSubject, resolve_subject
from retrostride.api.principal import CurrentPrincipal
from retrostride.api.receive import receive_files
from retrostride.api.responses import JsonResponse, errors
from retrostride.errors import FileRefused, InputError
from retrostride.services import jobs
from retrostride.services.log import SessionNotFound

router = APIRouter(tags=["gait"], responses=errors(400, 401, 403, 404, 422))

_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            }
        },
    }
}


@router.post(
    "/api/athletes/{athlete_id}/gait-analyses",
    openapi_extra=_BODY,
    response_model=GaitAnswerOut,
    responses=errors(413),
)
async def analyse_recording(
    request: Request,
    subject: ReadSubject,
    principal: CurrentPrincipal,
    db: ReadDb,
    database: AppDatabase,
    settings: AppSettings,
    placement: Literal["lower-back", "foot", "phone"] | None = None,
    mounting: Annotated[str | None, Query(max_length=64)] = None,
    strides: bool = False,
    session_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    offset_s: Annotated[float | None, Query(ge=-86400, le=86400)] = None,
    trial: Annotated[int | None, Query(ge=1, le=1000)] = None,
    recording_start_utc: datetime | None = None,
) -> JsonResponse:
    """Analyse one wearable recording: walking bouts, strides, cadence, direction per bout.

    ``session_id`` also writes the direction and cadence into that session's segments; the
    recording's place in it is ``offset_s``, else ``recording_start_utc`` (or the file's own
    start) against the session's start, else 0. ``trial`` (1-based) picks one trial of a
    multi-trial file; attaching such a file needs it.
    """
    if session_id is not None:  # attaching changes the athlete's log
        subject = await run_in_threadpool(
            resolve_subject, db, principal, request.path_params["athlete_id"], need_write=True
        )
    folder = Path(tempfile.mkdtemp(prefix="retrostride-gait-", dir=settings.upload_dir))
    try:
        files = await receive_files(
            request, folder, max_file_bytes=settings.max_upload_bytes, max_files=1, sniff=False
        )
        options = {
            "placement": placement,
            "mounting": mounting,
            "strides": strides,
            "session_id": session_id,
            "offset_s": offset_s,
            "trial": trial,
            "recording_start_utc": None
            if recording_start_utc is None
            else recording_start_utc.isoformat(),
        }
        received = [jobs.JobFile(files[0].label, str(files[0].path), files[0].size_bytes)]
        job_id = await run_in_threadpool(
            partial(
                jobs.submit,
                files=received,
                folder=folder,
                options=options,
                extra={"person_name": subject.person_name},
            ),
            database,
            subject.person_id,
            "gait",
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    workers: jobs.Workers = request.app.state.job_workers
    job = await run_in_threadpool(jobs.run_now, database, job_id, workers.limits)
    return JsonResponse(_answer(job, files[0].label))


def _answer(job: jobs.JobState | None, label: str) -> dict[str, Any]:
    """The analysis of a finished gait job, or its refusal raised as the error it was."""
    first = job.results[0] if job is not None and job.results else {}
    if job is not None and job.status == jobs.DONE and "answer" in first:
        return {**first["answer"], "file": label}
    error = first.get("error") or {}
    if error.get("kind") == "file":
        raise FileRefused(label, error["reason"], salvageable=bool(error.get("salvageable")))
    if error.get("kind") == "input":
        raise InputError(error["field"], error["value"], error["expected"])
    if error.get("kind") == "session_not_found":
        raise SessionNotFound(int(error["session_id"]))
    message = first.get("message") if job is not None and job.results else None
    if job is not None and job.results:
        message = job.results[-1].get("message")
    raise FileRefused(label, message or "the analysis failed on the server")
