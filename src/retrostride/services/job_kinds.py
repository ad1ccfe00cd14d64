"""What each kind of job does, run inside the job's child process (see :mod:`services.jobs`)."""

from __future__ import annotations

import logging
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from retrostride.errors import FileRefused, InputError
from retrostride.importers.activity import is_archive
from retrostride.science.locomotion import Direction
from retrostride.services import importing
from retrostride.services.jobs import DONE, FAILED, JobFile, JobState, finish, progress
from retrostride.store.db import Database

log = logging.getLogger("retrostride.jobs")


def file_result(r: importing.FileResult) -> dict[str, Any]:
    return {
        "name": r.name,
        "outcome": str(r.outcome),
        "message": r.message,
        "session_ids": list(r.session_ids),
        "warnings": list(r.warnings),
        "salvageable": r.salvageable,
        "remedy": None if r.remedy is None else str(r.remedy),
    }


def _import_file(
    database: Database, item: JobFile, person_name: str, options: importing.ImportOptions
) -> list[importing.FileResult]:
    if item.refused is not None:
        return [importing.FileResult(item.label, importing.Outcome.REFUSED, item.refused)]
    path = Path(item.path)
    if is_archive(path):
        return importing.import_archive(
            database, path, person_name, options, display_name=item.label
        )
    return [importing.import_one(database, path, person_name, options, item.label)]


def run_import(database: Database, job: JobState) -> None:
    """Import every file of the job (each in its own transaction), recording progress."""
    opts = job.options
    import_options = importing.ImportOptions(
        direction=Direction(opts["direction"]) if opts.get("direction") else None,
        salvage=bool(opts.get("salvage")),
        allow_duplicate=bool(opts.get("allow_duplicate")),
        max_bytes=int(job.payload.get("max_file_bytes", importing.ImportOptions().max_bytes)),
        create_person=False,  # an account's upload: deletion wins
    )
    person_name = str(job.payload["person_name"])
    results: list[dict[str, Any]] = []
    try:
        for done, item in enumerate(job.files, start=1):
            try:
                file_results = _import_file(database, item, person_name, import_options)
            except MemoryError:
                raise
            except Exception:  # a bug in an importer must not lose the rest of the batch
                log.exception("import of %s failed", item.label)
                file_results = [
                    importing.FileResult(
                        item.label, importing.Outcome.REFUSED, "internal error while importing"
                    )
                ]
            results.extend(file_result(r) for r in file_results)
            if not progress(database, job.id, done, results):
                return  # the account was deleted meanwhile
        finish(database, job.id, DONE, results=results)
    finally:
        if job.folder is not None:
            shutil.rmtree(job.folder, ignore_errors=True)


def run_gait(database: Database, job: JobState) -> None:
    """Analyse the job's one recording (and attach it to a session when asked); the answer (or
    the refusal, as :func:`error_of` data) is the job's one result."""
    import dataclasses
    import json

    from retrostride.services.accounts import AccountGone
    from retrostride.services.gait_analysis import analyse_file, attach_analysis
    from retrostride.services.log import SessionNotFound

    o = job.options
    item = job.files[0]
    try:
        analysis = analyse_file(
            Path(item.path),
            placement=o.get("placement"),
            mounting=o.get("mounting"),
            sensor_height_m=o.get("sensor_height_m"),
            trial=o.get("trial"),
        )
        attached = None
        if o.get("session_id") is not None:
            start = o.get("recording_start_utc")
            outcome = attach_analysis(
                database,
                int(o["session_id"]),
                analysis,
                trial=o.get("trial"),
                offset_s=o.get("offset_s"),
                recording_start_utc=None if start is None else datetime.fromisoformat(start),
                person_name=str(job.payload["person_name"]),
                create_person=False,  # an account's analysis: deletion wins
            )
            attached = {
                "session_id": o["session_id"],
                "offset_s": outcome.offset_s,
                "offset_assumed": outcome.offset_assumed,
                "segments": json.loads(
                    json.dumps([dataclasses.asdict(x) for x in outcome.segments], default=str)
                ),
            }
        answer: dict[str, Any] = {
            "results": [r.to_dict(strides=bool(o.get("strides"))) for r in analysis.results],
            "trials": analysis.numbers,
            "attached": attached,
        }
        answer = _named_as_received(answer, item.path, item.label)
        if o.get("view"):  # the web page's job: what it shows once the file is gone
            from retrostride.services.gait_jobs import views_of

            answer["views"] = views_of(analysis.recordings)
        finish(database, job.id, DONE, results=[{"outcome": "analysed", "answer": answer}])
    except AccountGone:
        pass  # the job's row went with the account: nothing to record, nothing kept
    except SessionNotFound as exc:
        error = {"kind": "session_not_found", "session_id": exc.session_id}
        finish(database, job.id, FAILED, results=[{"outcome": "refused", "error": error}])
    except (InputError, FileRefused) as exc:
        finish(database, job.id, FAILED, results=[{"outcome": "refused", "error": error_of(exc)}])
    finally:
        if job.folder is not None:
            shutil.rmtree(job.folder, ignore_errors=True)


def run_probe(database: Database, job: JobState) -> None:
    """Allocate ``allocate_mb`` and spin ``spin_cpu_s`` of CPU, as the payload says."""
    import time

    block = bytearray(int(job.payload.get("allocate_mb", 0)) * 1024 * 1024)
    block[::4096] = b"\x01" * len(block[::4096])
    end = time.process_time() + float(job.payload.get("spin_cpu_s", 0))
    while time.process_time() < end:
        pass
    finish(database, job.id, DONE, results=[{"allocated_mb": len(block) // (1024 * 1024)}])


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def error_of(exc: Exception) -> dict[str, Any]:
    """A refusal as plain data (kept in the job's results; the surface words it)."""
    if isinstance(exc, InputError):
        return {
            "kind": "input",
            "field": exc.field,
            "value": str(exc.value),
            "expected": exc.expected,
        }
    if isinstance(exc, FileRefused):
        return {"kind": "file", "reason": exc.reason, "salvageable": exc.salvageable}
    return {"kind": "other", "reason": str(exc)}


__all__ = ["FAILED", "error_of", "file_result", "run_gait", "run_import", "run_probe"]


def _named_as_received(value: Any, path: str, label: str) -> Any:
    """``value`` with the server's path of a received file replaced by the person's name for it
    (an analysis names its source; the server's folders are nobody's business)."""
    if isinstance(value, str):
        return value.replace(path, label)
    if isinstance(value, dict):
        return {k: _named_as_received(v, path, label) for k, v in value.items()}
    if isinstance(value, list):
        return [_named_as_received(v, path, label) for v in value]
    return value
