"""People of the log by id: the CLI's ``--person NAME`` becomes an id once per command."""

from __future__ import annotations

from sqlalchemy import select

from retrostride.store import repository as repo
from retrostride.store.db import Database
from retrostride.store.models import PersonRow


def find_person_id(database: Database, name: str) -> int | None:
    """The id of the person called ``name``, or None (read only)."""
    with database.reading() as db:
        found = db.scalar(select(PersonRow.id).where(PersonRow.name == name))
    return None if found is None else int(found)


def person_id(database: Database, name: str) -> int:
    """The id of the person called ``name``, created with default settings on first use.

    Reads first: only a new name opens a write transaction.
    """
    found = find_person_id(database, name)
    if found is not None:
        return found
    with database.transaction() as db:
        return repo.get_or_create_person(db, name).id
