"""Routes of the uploads domain: ``/api/athletes/{athlete_id}/uploads...``.

``POST`` streams one or many files (multipart field ``files``; FIT, GPX, TCX, CSV or zip,
recognised by content) to disk, then imports them as a job: by default it answers ``202`` at
once with the job, whose progress ``GET .../uploads/{job_id}`` reports file by file; with
``wait=true`` it answers when the import is done. The log's rules apply: a damaged file is
refused unless ``salvage=true``; a probable duplicate is skipped unless ``allow_duplicate=true``;
device quirks are imported with warnings; one bad file does not stop the others.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, status
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import sessionmaker
from starlette.concurrency import run_in_threadpool

from retrostride.api.accounts.dependencies import AppSettings
from retrostride.api.database import AppDatabase, ReadDb
from retrostride.api.errors import NotFound
from retrostride.api.params import ObjectId
from retrostride.api.policy import ReadSubject, WriteSubject
from retrostride.api.responses import JsonResponse
from retrostride.api.uploads import jobs
from retrostride.api.uploads.receive import receive_files
from retrostride.api.uploads.schemas import UploadJob

router = APIRouter(prefix="/api/athletes/{athlete_id}/uploads", tags=["uploads"])

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
        413: {"description": "A file over the size limit, or too many files."},
        422: {"description": "Not a multipart upload, or no file in it."},
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
        files = await receive_files(
            request,
            folder,
            max_file_bytes=settings.max_upload_bytes,
            max_files=settings.max_upload_files,
        )
        options = jobs.UploadOptions(salvage, allow_duplicate, direction)
        job_id = await run_in_threadpool(
            jobs.create_job, database, subject.person_id, files, options
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    args = (
        database, job_id, subject.person_name, files, options, settings.max_upload_bytes, folder
    )
    if wait:
        await run_in_threadpool(jobs.run_job, *args)
    else:
        request.app.state.import_executor.submit(jobs.run_job, *args)
    readers = request.app.state.read_sessions
    job = await run_in_threadpool(_load_job, readers, subject.person_id, job_id)
    return JsonResponse(
        job,
        status_code=status.HTTP_200_OK if wait else status.HTTP_202_ACCEPTED,
        headers={"Location": f"{request.url.path}/{job_id}"},
    )


def _load_job(
    readers: sessionmaker[OrmSession], person_id: int, job_id: int
) -> dict[str, object]:
    with readers() as db:
        row = jobs.get_job(db, person_id, job_id)
        assert row is not None
        return jobs.job_out(row)


@router.get("/{job_id}", response_model=UploadJob)
def get_upload(job_id: ObjectId, subject: ReadSubject, db: ReadDb) -> JsonResponse:
    """An upload job's progress (``files_done`` of ``files_total``) and each file's outcome."""
    row = jobs.get_job(db, subject.person_id, job_id)
    if row is None:
        raise NotFound(f"no upload {job_id}")
    return JsonResponse(jobs.job_out(row))


@router.get("", response_model=list[UploadJob])
def list_uploads(
    subject: ReadSubject, db: ReadDb, limit: Annotated[int, Query(ge=1, le=100)] = 20
) -> JsonResponse:
    """The athlete's latest upload jobs, newest first."""
    return JsonResponse([jobs.job_out(r) for r in jobs.list_jobs(db, subject.person_id, limit)])
