"""The database as the surfaces see it: open it from a URL, then hand it to services.

Surfaces (``cli``, ``web``, ``api``) import :class:`Database` and :func:`open_database` from here,
never from ``store``. A service writes in ``with database.transaction() as db:`` (on SQLite
``BEGIN IMMEDIATE`` with a busy timeout) and reads in ``with database.reading() as db:`` (never
the write lock: a deferred ``BEGIN`` on SQLite, a read-only connection on PostgreSQL).
"""

from __future__ import annotations

from retrostride.store.db import (
    ENV_DATABASE_URL,
    Database,
    database_url,
    default_sqlite_path,
    normalise_url,
    open_database,
    schema_is_current,
    utc_now,
)

__all__ = [
    "ENV_DATABASE_URL",
    "Database",
    "database_url",
    "default_sqlite_path",
    "normalise_url",
    "open_database",
    "schema_is_current",
    "utc_now",
]
