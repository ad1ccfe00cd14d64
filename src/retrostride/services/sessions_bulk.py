"""Add many sessions to one person's log in one transaction (seeding, restores, big imports).

Values are stored as given: no energy estimate, no duplicate check (a caller that needs them
uses ``services.log`` or ``services.importing`` per session).
"""

from __future__ import annotations

from collections.abc import Sequence

from retrostride.log.model import Session
from retrostride.store import bulk, repository
from retrostride.store.db import Database, utc_now

BATCH = 5_000
"""Sessions per statement."""


def add_sessions(database: Database, person_id: int, sessions: Sequence[Session]) -> list[int]:
    """Insert ``sessions`` into the log of ``person_id``; their new ids, in order."""
    ids: list[int] = []
    now = utc_now()
    with database.transaction() as db:
        repository.lock_person_log(db, person_id)
        for first in range(0, len(sessions), BATCH):
            ids += bulk.insert_sessions(db, person_id, sessions[first : first + BATCH], now)
    return ids
