"""Migrations keep child rows on SQLite: a batch migration that recreates a table must not let
``DROP TABLE`` cascade into the rows that reference it (segments of a session)."""

from __future__ import annotations

from pathlib import Path

from old_rows import add_person, add_segment, add_session
from sqlalchemy import text

from retrostride.store.db import create_database_engine, downgrade, migrate

BEFORE_RECREATING = "0015_track_privacy"
"""A revision below 0016_session_direction, whose downgrade recreates the session table."""


def _counts(engine) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        sessions = conn.execute(text("SELECT count(*) FROM session")).scalar_one()
        segments = conn.execute(text("SELECT count(*) FROM segment")).scalar_one()
    return int(sessions), int(segments)


def test_upgrade_and_downgrade_keep_a_sessions_segments(tmp_path: Path) -> None:
    engine = create_database_engine(f"sqlite:///{tmp_path / 'log.sqlite'}")
    try:
        migrate(engine, BEFORE_RECREATING)
        with engine.begin() as conn:
            add_person(conn)
            add_session(conn, 1, terrain="'road'", local_date="'2024-06-07'")
            add_segment(conn, 1, segment_id=1)
        migrate(engine)
        assert _counts(engine) == (1, 1)
        downgrade(engine, BEFORE_RECREATING)
        assert _counts(engine) == (1, 1)
        migrate(engine)
        assert _counts(engine) == (1, 1)
        # Foreign keys are on again for the connections the pool hands out afterwards.
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
    finally:
        engine.dispose()
