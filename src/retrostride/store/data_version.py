"""A token of the data a read-only connection sees: equal tokens, equal data.

For results that are costly to compute from the database and read far more often than it is
written (a program's plan): a cache keeps the result with the token of the data it read and
reuses it while the token is unchanged, so a request that hits reads one small value instead
of recomputing. Any commit anywhere in the database changes the token (never a stale answer;
a write elsewhere only costs one recomputation).

- SQLite: ``PRAGMA data_version``, which changes when another connection commits. It is
  per connection, so a cache keyed by it lives in the connection's ``info``
  (:func:`connection_cache`). Only the read engine's connections (``store.db.READ_ONLY``)
  qualify: they never write, so nothing they see changes without the token changing.
- PostgreSQL: ``pg_current_snapshot()``: equal snapshots see equal committed data (any
  transaction that writes takes an id and changes it).

Read the token *before* the data: a commit in between makes the data newer than the token,
so the next request sees another token and recomputes (the safe side).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from retrostride.store.db import READ_ONLY

CACHE_SIZE = 16
"""Entries each cache of a connection keeps (then it starts afresh): a read engine has up to
40 connections per process, and a kept value (a plan, a report of years of readings) can weigh
tens to hundreds of kB, so the bound keeps the memory to tens of MB per process."""

_PG_SNAPSHOT = text("SELECT CAST(pg_current_snapshot() AS text)")


def token(conn: Connection) -> str | None:
    """The token of what ``conn`` reads now, or None when it has none (a connection that may
    write sees its own uncommitted changes; other backends)."""
    if not conn.info.get(READ_ONLY):
        return None
    dialect = conn.dialect.name
    if dialect == "postgresql":
        return str(conn.execute(_PG_SNAPSHOT).scalar_one())
    if dialect == "sqlite":
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute("PRAGMA data_version")
            row = cursor.fetchone()
        finally:
            cursor.close()
        return None if row is None else f"v{row[0]}"
    return None


def connection_cache(conn: Connection, name: str) -> dict[Any, tuple[str, Any]]:
    """The cache ``name`` of this pooled connection: key -> (token, value), bounded."""
    cache: dict[Any, tuple[str, Any]] = conn.info.setdefault(f"retrostride_cache_{name}", {})
    if len(cache) >= CACHE_SIZE:
        cache.clear()
    return cache


def cached(conn: Connection, name: str, key: Any) -> tuple[str | None, Any]:
    """(the token now, the value kept for ``key`` with that token or None)."""
    now = token(conn)
    if now is None:
        return None, None
    hit = connection_cache(conn, name).get(key)
    return now, (hit[1] if hit is not None and hit[0] == now else None)


def keep(conn: Connection, name: str, key: Any, data_token: str | None, value: Any) -> None:
    """Keep ``value`` for ``key`` with the token read before its data (None: not kept)."""
    if data_token is not None:
        connection_cache(conn, name)[key] = (data_token, value)
