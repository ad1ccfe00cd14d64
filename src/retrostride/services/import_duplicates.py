"""Probable duplicates: reporting a file skipped as one."""

from __future__ import annotations

from sqlalchemy.orm import Session as OrmSession

from retrostride.log.model import Session
from retrostride.services.import_results import FileResult, Outcome, Remedy
from retrostride.store import repository as repo
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
    message = f"probably the same activity ({session.sport}) as session {twin_ids} ({why}): skipped"
    repo.log_import(
        db, person_id, display_name, Outcome.PROBABLE_DUPLICATE, sha256=sha256, message=message
    )
    return FileResult(
        display_name, Outcome.PROBABLE_DUPLICATE, message, remedy=Remedy.ALLOW_DUPLICATE
    )
