"""Upload jobs: the received files imported one by one by the log, progress in the database.

The job row (``store.uploads``) is updated after every file, so any server process can answer
``GET .../uploads/{job_id}`` while another one imports. The received folder is deleted when the
job ends.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from retrostride.api.uploads.receive import ReceivedFile
from retrostride.importers.activity import is_archive
from retrostride.science.locomotion import Direction
from retrostride.services import importing
from retrostride.store.db import Database, utc_now
from retrostride.store.uploads import UploadJobRow

log = logging.getLogger("retrostride.api.uploads")


@dataclass(frozen=True, slots=True)
class UploadOptions:
    """The log's import rules for this upload."""

    salvage: bool = False
    allow_duplicate: bool = False
    direction: str | None = None


def create_job(
    database: Database, person_id: int, files: list[ReceivedFile], options: UploadOptions
) -> int:
    with database.transaction() as db:
        row = UploadJobRow(
            person_id=person_id,
            status="importing",
            files_total=len(files),
            files_done=0,
            bytes_received=sum(f.size_bytes for f in files),
            options_json=json.dumps(asdict(options)),
            results_json="[]",
            created_at=utc_now(),
            finished_at=None,
        )
        db.add(row)
        db.flush()
        return row.id


def _result(r: importing.FileResult) -> dict[str, Any]:
    return {
        "name": r.name,
        "outcome": str(r.outcome),
        "message": r.message,
        "session_ids": list(r.session_ids),
        "warnings": list(r.warnings),
        "salvageable": r.salvageable,
    }


def _import_file(
    database: Database, item: ReceivedFile, person_name: str, options: importing.ImportOptions
) -> list[importing.FileResult]:
    if item.refused is not None:
        return [importing.FileResult(item.label, importing.Outcome.REFUSED, item.refused)]
    if is_archive(item.path):
        results = importing.import_archive(database, item.path, person_name, options)
        for r in results:  # entries are named after the server's file: show the client's
            for prefix in (str(item.path), item.path.name):
                if r.name.startswith(prefix):
                    r.name = item.label + r.name[len(prefix) :]
                    break
        return results
    return [importing.import_one(database, item.path, person_name, options, item.label)]


def run_job(
    database: Database,
    job_id: int,
    person_name: str,
    files: list[ReceivedFile],
    options: UploadOptions,
    max_file_bytes: int,
    folder: Path,
) -> None:
    """Import every file of the job (each in its own transaction), recording progress."""
    import_options = importing.ImportOptions(
        direction=Direction(options.direction) if options.direction else None,
        salvage=options.salvage,
        allow_duplicate=options.allow_duplicate,
        max_bytes=max_file_bytes,
    )
    results: list[dict[str, Any]] = []
    status = "done"
    try:
        for done, item in enumerate(files, start=1):
            try:
                file_results = _import_file(database, item, person_name, import_options)
            except Exception:  # a bug in an importer must not lose the rest of the batch
                log.exception("import of %s failed", item.label)
                file_results = [
                    importing.FileResult(
                        item.label, importing.Outcome.REFUSED, "internal error while importing"
                    )
                ]
            results.extend(_result(r) for r in file_results)
            _progress(database, job_id, done, results, None)
    except Exception:
        log.exception("upload job %s stopped", job_id)
        status = "failed"
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        _progress(database, job_id, None, results, status)


def _progress(
    database: Database,
    job_id: int,
    done: int | None,
    results: list[dict[str, Any]],
    status: str | None,
) -> None:
    with database.transaction() as db:
        row = db.get(UploadJobRow, job_id)
        if row is None:  # the account was deleted meanwhile
            return
        if done is not None:
            row.files_done = done
        row.results_json = json.dumps(results)
        if status is not None:
            row.status = status
            row.finished_at = utc_now()


def job_out(row: UploadJobRow) -> dict[str, Any]:
    results = json.loads(row.results_json)
    return {
        "id": row.id,
        "status": row.status,
        "files_total": row.files_total,
        "files_done": row.files_done,
        "bytes_received": row.bytes_received,
        "options": json.loads(row.options_json),
        "results": results,
        "failed": sum(1 for r in results if r["outcome"] in ("duplicate", "refused")),
        "created_at": row.created_at,
        "finished_at": row.finished_at,
    }


def get_job(db: OrmSession, person_id: int, job_id: int) -> UploadJobRow | None:
    return db.scalar(
        select(UploadJobRow).where(UploadJobRow.id == job_id, UploadJobRow.person_id == person_id)
    )


def list_jobs(db: OrmSession, person_id: int, limit: int = 20) -> list[UploadJobRow]:
    return list(
        db.scalars(
            select(UploadJobRow)
            .where(UploadJobRow.person_id == person_id)
            .order_by(UploadJobRow.id.desc())
            .limit(limit)
        )
    )
