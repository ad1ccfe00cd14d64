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
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from retrostride.api.accounts.dependencies import AppSettings
from retrostride.api.database import AppDatabase, ReadDb
from retrostride.api.params import MAX_ID
from retrostride.api.policy import ReadSubject, Subject, resolve_subject
from retrostride.api.principal import CurrentPrincipal
from retrostride.api.responses import JsonResponse
from retrostride.api.serialize import to_jsonable
from retrostride.api.uploads.receive import receive_files
from retrostride.services.gait_analysis import analyse_file, attach_analysis
from retrostride.store.db import Database

router = APIRouter(tags=["gait"])

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


def _analyse(
    database: Database,
    subject: Subject,
    path: Path,
    placement: str | None,
    mounting: str | None,
    strides: bool,
    session_id: int | None,
    offset_s: float | None,
    trial: int | None,
    recording_start_utc: datetime | None,
) -> dict[str, Any]:
    analysis = analyse_file(path, placement=placement, mounting=mounting, trial=trial)
    attached = None
    if session_id is not None:
        outcome = attach_analysis(
            database,
            session_id,
            analysis,
            trial=trial,
            offset_s=offset_s,
            recording_start_utc=recording_start_utc,
            person_name=subject.person_name,
        )
        attached = {
            "session_id": session_id,
            "offset_s": outcome.offset_s,
            "offset_assumed": outcome.offset_assumed,
            "segments": to_jsonable(outcome.segments),
        }
    return {
        "results": [r.to_dict(strides=strides) for r in analysis.results],
        "trials": analysis.numbers,
        "attached": attached,
    }


@router.post(
    "/api/athletes/{athlete_id}/gait-analyses",
    openapi_extra=_BODY,
    responses={413: {"description": "Over the size limit."}, 422: {"description": "Bad file."}},
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
        out = await run_in_threadpool(
            _analyse, database, subject, files[0].path, placement, mounting, strides,
            session_id, offset_s, trial, recording_start_utc,
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    out["file"] = files[0].label
    return JsonResponse(out)
