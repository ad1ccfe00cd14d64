"""Probable duplicates: reporting a skipped file, and the fast check from a FIT file's summary."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session as OrmSession

from retrostride.errors import FileRefused
from retrostride.importers.activity import read_summary
from retrostride.log.model import Session
from retrostride.services.import_results import FileResult, Outcome, Remedy
from retrostride.store import repository as repo
from retrostride.store.db import Database
from retrostride.store.models import SessionRow


def skip_probable_duplicate(
    db: OrmSession,
    person_id: int,
    session: Session,
    twins: list[SessionRow],
    display_name: str,
    sha256: str,
) -> FileResult:
    """Log and report a file skipped as a probable duplicate of ``twins``."""
    twin_ids = ", ".join(str(t.id) for t in twins)
    by_time = session.start_utc is not None and all(t.start_utc is not None for t in twins)
    why = (
        "start within a minute, overlapping"
        if by_time
        else "start time unknown; same start place and distance"
    )
    message = (
        f"probably the same activity ({session.sport}) as session {twin_ids} ({why}): skipped"
    )
    repo.log_import(
        db, person_id, display_name, Outcome.PROBABLE_DUPLICATE, sha256=sha256, message=message
    )
    return FileResult(
        display_name, Outcome.PROBABLE_DUPLICATE, message, remedy=Remedy.ALLOW_DUPLICATE
    )


def summary_twins(
    database: Database, path: Path, person_name: str, display_name: str, sha256: str
) -> FileResult | None:
    """For a FIT file, the probable-duplicate check from its summary, before any full decode.

    The importer reads a FIT file's summary (its session and lap messages only) far faster than
    it decodes the file, so a re-imported activity is skipped at that cost. XML files have no
    such shortcut (their summary is a full parse) and are checked after parsing. Any doubt (no
    summary, no sport, a refusal) leaves the decision to the full parse.
    """
    try:
        with path.open("rb") as handle:
            if handle.read(12)[8:12] != b".FIT":
                return None
        summary = read_summary(path)
    except (OSError, FileRefused):
        return None
    if summary.sport is None:
        return None
    probe = Session(
        sport=summary.sport,
        start_utc=summary.start_utc,
        elapsed_s=summary.elapsed_s,
        distance_m=summary.distance_m,
    )
    position = (summary.start_latitude_deg, summary.start_longitude_deg)
    with database.transaction() as db:
        person_row = repo.find_person(db, person_name)
        if person_row is None:
            return None
        repo.lock_person_log(db, person_row.id)
        if repo.find_source_by_sha(db, person_row.id, sha256) is not None:
            return None  # the same bytes arrived meanwhile: an exact duplicate, said after parsing
        twins = repo.find_probable_duplicates(db, person_row.id, probe, start_position=position)
        if not twins:
            return None
        return skip_probable_duplicate(db, person_row.id, probe, twins, display_name, sha256)
