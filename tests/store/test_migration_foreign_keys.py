"""Migrations keep child rows on SQLite: a batch migration that recreates a table must not let
``DROP TABLE`` cascade into the rows that reference it (segments of a session)."""

from __future__ import annotations

from pathlib import Path

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
            conn.execute(
                text(
                    "INSERT INTO person (id, name, home_time_zone, created_at) "
                    "VALUES (1, 'ana', 'UTC', '2024-01-01 00:00:00')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO session (id, person_id, sport, offset_assumed, imported_at, "
                    "setting, terrain, notes, warnings_json, local_date) VALUES (1, 1, "
                    "'walking', false, '2024-06-07 10:00:00', 'overground', 'road', '', "
                    "'[]', '2024-06-07')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO segment (id, session_id, position, start_offset_s, direction) "
                    "VALUES (1, 1, 0, 0.0, 'backward')"
                )
            )
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
