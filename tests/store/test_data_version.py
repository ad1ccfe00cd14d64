"""store.data_version: a reading connection's token changes with every commit, and only then."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from retrostride.log.model import Session
from retrostride.services import log as log_service
from retrostride.store import data_version
from retrostride.store.db import Database, open_database


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = open_database(database_url)
    try:
        yield database
    finally:
        database.close()


def test_a_commit_changes_the_token_and_writers_have_none(db: Database) -> None:
    engine = db.readers.kw["bind"]
    with engine.connect() as conn:  # one reading connection (SQLite's token is per connection)
        before = data_version.token(conn)
        conn.rollback()
        assert before is not None
        if engine.dialect.name == "sqlite":  # PostgreSQL's moves with any commit on the server
            assert data_version.token(conn) == before
            conn.rollback()
        log_service.add_session(db, Session(
            sport="walking", start_utc=datetime(2026, 3, 2, 8, tzinfo=UTC), utc_offset_s=0,
            elapsed_s=600.0,
        ))
        assert data_version.token(conn) != before
    with db.transaction() as writing:  # it may see its own changes: no token
        assert data_version.token(writing.connection()) is None


def test_a_kept_value_is_found_with_its_token_only(db: Database) -> None:
    with db.reading() as reading:
        conn = reading.connection()
        now, hit = data_version.cached(conn, "test", "key")
        assert hit is None and now is not None
        data_version.keep(conn, "test", "key", now, "value")
        data_version.keep(conn, "test", "other", None, "never kept")
        assert data_version.connection_cache(conn, "test") == {"key": (now, "value")}
        data_version.keep(conn, "test", "key", "an older token", "stale")
        assert data_version.cached(conn, "test", "key")[1] is None
