"""Routes of the uploads domain: ``/api/athletes/{athlete_id}/uploads...``.

``POST`` streams one or many files (multipart field ``files``; FIT, GPX, TCX, CSV or zip,
recognised by content) to disk, then imports them as a job: by default it answers ``202`` at
once with the job (queued on ``services.jobs``, run in a child process with memory and CPU
limits), whose progress ``GET .../uploads/{job_id}`` reports file by file; with ``wait=true`` it
answers when the import is done. The log's rules apply: a damaged file is
refused unless ``salvage=true``; a probable duplicate is skipped unless ``allow_duplicate=true``;
device quirks are imported with warnings; one bad file does not stop the others.
"""

from __future__ import annotations

import shutil
import tempfile
from functools import partial
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, status
from starlette.concurrency import run_in_threadpool

from retrostride.api.accounts.dependencies import AppSettings
from retrostride.api.database import AppDatabase
from retrostride.api.errors import NotFound
from retrostride.api.params import ObjectId
from retrostride.api.policy import ReadSubject, WriteSubject
from retrostride.api.receive import receive_files
from retrostride.api.responses import JsonResponse, errors
from retrostride.api.uploads.schemas import UploadJob
from retrostride.services import jobs

router = APIRouter(
    prefix="/api/athletes/{athlete_id}/uploads",
    tags=["uploads"],
    responses=errors(400, 401, 403, 404, 422),
)

_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["files"],
                    "properties": {
                        "files": {
                            "type": "array",
                            "minItems": 1,
                            "items": {"type": "string", "format": "binary"},
                            "description": "FIT, GPX, TCX, CSV files or zip archives of them.",
                        }
                    },
                }
            }
        },
    }
}


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=UploadJob,
    openapi_extra=_UPLOAD_BODY,
    responses={
        200: {"model": UploadJob, "description": "With wait=true: the finished job."},
        **errors(413),
    },
)
async def upload(
    request: Request,
    subject: WriteSubject,
    database: AppDatabase,
    settings: AppSettings,
    salvage: bool = False,
    allow_duplicate: bool = False,
    direction: Literal["forward", "backward", "mixed", "unknown"] | None = None,
    wait: bool = False,
) -> JsonResponse:
    """Upload one or many activity files into the athlete's log."""
    folder = Path(tempfile.mkdtemp(prefix="retrostride-upload-", dir=settings.upload_dir))
    try:
        received = await receive_files(
            request,
            folder,
            max_file_bytes=settings.max_upload_bytes,
            max_files=settings.max_upload_files,
        )
        files = [jobs.JobFile(f.label, str(f.path), f.size_bytes, f.refused) for f in received]
        options = {"salvage": salvage, "allow_duplicate": allow_duplicate, "direction": direction}
        extra = {"person_name": subject.person_name, "max_file_bytes": settings.max_upload_bytes}
        job_id = await run_in_threadpool(
            partial(jobs.submit, files=files, folder=folder, options=options, extra=extra),
            database,
            subject.person_id,
            "import",
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    workers: jobs.Workers = request.app.state.job_workers
    if wait:
        job = await run_in_threadpool(jobs.run_now, database, job_id, workers.limits)
    else:
        workers.wake()
        job = await run_in_threadpool(jobs.state, database, job_id)
    assert job is not None
    return JsonResponse(
        job_out(job),
        status_code=status.HTTP_200_OK if wait else status.HTTP_202_ACCEPTED,
        headers={"Location": f"{request.url.path}/{job_id}"},
    )


def job_out(job: jobs.JobState) -> dict[str, object]:
    return {
        "id": job.id,
        "status": job.status,
        "files_total": job.files_total,
        "files_done": job.files_done,
        "bytes_received": job.bytes_received,
        "options": job.options,
        "results": [_worded(result) for result in job.results],
        "failed": job.failed,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


REMEDY_HINTS: dict[str, str] = {
    "salvage": "send the file again with salvage=true to import the valid part",
    "allow_duplicate": "send the file again with allow_duplicate=true to import it",
    "raise_size_limit": "over the server's upload size limit (max_upload_bytes)",
}
"""What a client can do about a file not imported, in the API's words (its parameters)."""


def _worded(result: dict[str, Any]) -> dict[str, Any]:
    """One file's outcome with its ``remedy`` (older jobs: from ``salvageable``) and ``hint``."""
    remedy = result.get("remedy") or ("salvage" if result.get("salvageable") else None)
    return {**result, "remedy": remedy, "hint": REMEDY_HINTS.get(remedy or "")}


@router.get("/{job_id}", response_model=UploadJob)
def get_upload(job_id: ObjectId, subject: ReadSubject, database: AppDatabase) -> JsonResponse:
    """An upload job's progress (``files_done`` of ``files_total``) and each file's outcome."""
    job = jobs.state(database, job_id, subject.person_id)
    if job is None or job.kind != "import":
        raise NotFound(f"no upload {job_id}")
    return JsonResponse(job_out(job))


@router.get("", response_model=list[UploadJob])
def list_uploads(
    subject: ReadSubject, database: AppDatabase, limit: Annotated[int, Query(ge=1, le=100)] = 20
) -> JsonResponse:
    """The athlete's latest upload jobs, newest first."""
    return JsonResponse([job_out(j) for j in jobs.list_states(database, subject.person_id, limit)])
