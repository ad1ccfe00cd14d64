"""The athlete's access log: which clinician reached their data, what and when.

:func:`record` is called by the privacy policy (:func:`retrostride.services.access.resolve_subject`)
each time a clinician reaches an athlete's data through a sharing grant: one short insert. The
athlete reads the latest entries, newest first, a page at a time (:func:`page`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from retrostride.store.accounts import AccessLogRow, AccountRow
from retrostride.store.db import Database, utc_now

WHAT_MAX_CHARS = 300


@dataclass(frozen=True, slots=True)
class Entry:
    """One access: the clinician's address (as it was), the method and path, the time (UTC)."""

    clinician_email: str
    method: str
    what: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Page:
    """Entries ``offset`` to ``offset + limit`` of ``total``, newest first."""

    entries: list[Entry]
    total: int
    limit: int
    offset: int


def record(
    database: Database, *, athlete_id: int, clinician_id: int, method: str, what: str
) -> None:
    """Note that clinician ``clinician_id`` reached athlete ``athlete_id``'s ``what`` now."""
    with database.transaction() as db:
        email = db.scalar(select(AccountRow.email).where(AccountRow.id == clinician_id)) or "?"
        db.add(
            AccessLogRow(
                athlete_id=athlete_id,
                clinician_id=clinician_id,
                clinician_email=email,
                method=method[:8],
                what=what[:WHAT_MAX_CHARS],
                at=utc_now(),
            )
        )


def page(database: Database, athlete_id: int, *, limit: int = 50, offset: int = 0) -> Page:
    """The athlete's log, newest first: ``limit`` (1-500) entries from ``offset``."""
    limit, offset = max(1, min(limit, 500)), max(0, offset)
    with database.sessions() as db:
        total = int(
            db.scalar(
                select(func.count())
                .select_from(AccessLogRow)
                .where(AccessLogRow.athlete_id == athlete_id)
            )
            or 0
        )
        rows = db.scalars(
            select(AccessLogRow)
            .where(AccessLogRow.athlete_id == athlete_id)
            .order_by(AccessLogRow.id.desc())
            .limit(limit)
            .offset(offset)
        ).all()
        entries = [Entry(r.clinician_email, r.method, r.what, r.at) for r in rows]
    return Page(entries, total, limit, offset)
