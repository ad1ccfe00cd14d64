"""A consistent copy of a live database, for a self-hoster's backups.

SQLite: :func:`backup` uses SQLite's online backup API (``sqlite3.Connection.backup``), which
copies the database page by page while the server keeps running and restarts the copy when a
writer changes a page meanwhile, so the copy is one consistent snapshot (WAL content
included). The copy is written beside the target and renamed into place only when complete.

PostgreSQL: use the server's own tool, which takes a consistent snapshot too::

    pg_dump --format=custom --file=retrostride.dump "$DATABASE_URL"
    pg_restore --clean --if-exists --dbname="$DATABASE_URL" retrostride.dump
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from retrostride.errors import InputError, RetrostrideError
from retrostride.store.db import Database

PG_DUMP_HINT = (
    "PostgreSQL databases are backed up with pg_dump "
    "(pg_dump --format=custom --file=FILE DATABASE_URL; restore with pg_restore)"
)


class BackupRefused(RetrostrideError):
    """The database cannot be copied by this service (PostgreSQL: use pg_dump)."""


@dataclass(frozen=True, slots=True)
class BackupResult:
    path: Path
    size_bytes: int
    pages: int


def backup(database: Database, target: Path) -> BackupResult:
    """Copy the live SQLite ``database`` to ``target`` (a new file) as one consistent snapshot."""
    if not database.is_sqlite:
        raise BackupRefused(PG_DUMP_HINT)
    target = Path(target)
    if target.exists():
        raise InputError("path", str(target), "a file that does not exist yet (never overwritten)")
    if not target.parent.is_dir():
        raise InputError("path", str(target), "a file in an existing folder")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    with database.engine.connect() as conn:
        source = conn.connection.dbapi_connection
        assert isinstance(source, sqlite3.Connection)
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy, pages=1024)
            pages = int(copy.execute("PRAGMA page_count").fetchone()[0])
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            copy.close()
    os.replace(partial, target)
    return BackupResult(target, target.stat().st_size, pages)
