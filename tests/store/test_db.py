"""Opening the database: URL, connection settings, automatic migrations, concurrency."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from old_rows import add_person, add_segment, add_session
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError, InternalError, OperationalError

from retrostride.store.db import (
    ENV_DATABASE_URL,
    database_url,
    normalise_url,
    open_database,
    schema_heads,
    schema_is_current,
)
from retrostride.store.models import PersonRow, SegmentRow

LOG_TABLES = {"person", "body_mass", "source_file", "session", "segment", "samples", "import_log"}


def test_open_creates_the_schema_and_reopening_changes_nothing(database_url: str) -> None:
    db = open_database(database_url)
    try:
        tables = set(inspect(db.engine).get_table_names())
        assert tables >= LOG_TABLES
        with db.engine.connect() as conn:
            versions = {r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))}
        assert versions  # at the head of the chain that starts at 0001_log
    finally:
        db.close()
    again = open_database(database_url)
    try:
        with again.engine.connect() as conn:
            assert {
                r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))
            } == versions
    finally:
        again.close()


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'log.sqlite'}")
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 10_000
    finally:
        db.close()


def test_foreign_keys_are_enforced(database_url: str) -> None:
    db = open_database(database_url)
    try:
        with pytest.raises(IntegrityError), db.transaction() as s:
            s.add(SegmentRow(session_id=12345, position=0, start_offset_s=0.0, direction="unknown"))
    finally:
        db.close()


def test_times_are_stored_as_utc_and_come_back_aware(database_url: str) -> None:
    db = open_database(database_url)
    moment = datetime(2024, 3, 31, 1, 30, tzinfo=UTC)
    try:
        with db.transaction() as s:
            s.add(PersonRow(name="t", home_time_zone="UTC", created_at=moment))
        with db.transaction() as s:
            row = s.query(PersonRow).one()
            assert row.created_at == moment and row.created_at.tzinfo is not None
        with pytest.raises(Exception, match="naive"), db.transaction() as s:
            s.add(PersonRow(name="u", home_time_zone="UTC", created_at=datetime(2024, 1, 1)))
    finally:
        db.close()


def test_database_url_comes_from_the_environment_else_the_user_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(ENV_DATABASE_URL, "postgresql://u@h:5432/x")
    assert database_url() == "postgresql://u@h:5432/x"
    monkeypatch.delenv(ENV_DATABASE_URL)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    url = database_url()
    assert url.startswith("sqlite:///") and "retrostride" in url
    if sys.platform.startswith("linux"):
        assert url == f"sqlite:///{tmp_path / 'retrostride' / 'retrostride.sqlite'}"


def test_postgresql_urls_use_psycopg_3() -> None:
    assert normalise_url("postgresql://a@b/c") == "postgresql+psycopg://a@b/c"
    assert normalise_url("postgres://a@b/c") == "postgresql+psycopg://a@b/c"
    assert normalise_url("postgresql+psycopg://a@b/c") == "postgresql+psycopg://a@b/c"
    assert normalise_url("sqlite:///x") == "sqlite:///x"


_OPEN = """
import sys
from retrostride.store.db import open_database
from retrostride.services.log import get_person
db = open_database(sys.argv[1])
get_person(db, "me")
"""


def test_processes_opening_a_new_database_at_once_all_succeed(database_url: str) -> None:
    """Migrations are serialised: several processes creating the schema at once all succeed."""
    procs = [
        subprocess.Popen([sys.executable, "-c", _OPEN, database_url], stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    errors = [p.communicate()[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    db = open_database(database_url)
    try:
        with db.transaction() as s:
            assert s.query(PersonRow).count() == 1
    finally:
        db.close()


def test_the_migration_creates_exactly_the_models_tables(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from retrostride.store.db import Base

    db = open_database(database_url)
    try:
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = [
                d
                for d in compare_metadata(context, Base.metadata)
                if any(f"'{t}'" in repr(d) for t in LOG_TABLES)
            ]
        assert diff == []
    finally:
        db.close()


def test_long_texts_from_files_fit(database_url: str) -> None:
    from retrostride.log.model import Session
    from retrostride.services import log

    db = open_database(database_url)
    try:
        long = "x" * 5000
        stored = log.add_session(
            db,
            Session(
                sport=long, start_utc=None, title=long, device=long, surface=long, sub_sport=long
            ),
        )
        back = log.get_session(db, stored.id or 0)
        assert (back.title, back.device, back.sport) == (long, long, long)
    finally:
        db.close()


def test_reading_never_waits_for_a_writer_and_refuses_writes(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'log.sqlite'}")
    try:
        with db.transaction() as writer:  # BEGIN IMMEDIATE: holds the write lock
            writer.add(PersonRow(name="ana", home_time_zone="UTC", created_at=datetime.now(UTC)))
            writer.flush()
            with db.reading() as reader:  # would wait 60 s if reads took the lock
                assert reader.scalar(text("SELECT count(*) FROM person")) == 0
        with db.reading() as reader:
            assert reader.scalar(text("SELECT count(*) FROM person")) == 1
            with pytest.raises(OperationalError):
                reader.execute(text("DELETE FROM person"))
    finally:
        db.close()


def test_reading_is_read_only_on_postgresql(postgres_url: str) -> None:
    db = open_database(postgres_url)
    try:
        with db.reading() as reader, pytest.raises(InternalError):
            reader.execute(text("DELETE FROM person"))
    finally:
        db.close()


def test_schema_check_is_one_query_at_the_migrations_heads(database_url: str) -> None:
    from alembic.script import ScriptDirectory

    from retrostride.store.db import MIGRATIONS_DIR, create_database_engine

    assert schema_heads() == frozenset(ScriptDirectory(str(MIGRATIONS_DIR)).get_heads())
    engine = create_database_engine(database_url)
    try:
        assert not schema_is_current(engine)  # a new, empty database
    finally:
        engine.dispose()
    db = open_database(database_url)
    try:
        assert schema_is_current(db.engine)
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '0002_programs'"))
        assert not schema_is_current(db.engine)
    finally:
        db.close()


def test_upgrade_from_the_first_migration_fills_local_date(database_url: str) -> None:
    """A database made at 0001_log, with sessions in it, upgrades on open: the cheap schema
    check sees the old version and runs Alembic; every session gets its local day, and the
    week, month and year totals are filled from them."""
    from alembic import command

    from retrostride.store.db import _alembic_config, create_database_engine

    engine = create_database_engine(database_url)
    try:
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "0001_log")
            add_person(conn)
            for sid, start, offset in (
                (1, "'2024-05-01 23:30:00'", "3600"),  # local 2 May 00:30
                (2, "'2024-05-01 02:00:00'", "-10800"),  # local 30 April 23:00
                (3, "NULL", "NULL"),  # unknown start: the import day
            ):
                add_session(conn, sid, start_utc=start, utc_offset_s=offset)
        assert not schema_is_current(engine)
    finally:
        engine.dispose()
    db = open_database(database_url)
    try:
        assert schema_is_current(db.engine)
        with db.engine.connect() as conn:
            days = dict(conn.execute(text("SELECT id, local_date FROM session")).all())
        as_dates = {k: date.fromisoformat(str(v)) for k, v in days.items()}
        assert as_dates == {1: date(2024, 5, 2), 2: date(2024, 4, 30), 3: date(2024, 6, 7)}
        with db.engine.connect() as conn:
            kept = conn.execute(
                text("SELECT kind, first_day, sessions FROM period_total ORDER BY kind, first_day")
            ).all()
        assert [(k, date.fromisoformat(str(d)), n) for k, d, n in kept] == [
            ("month", date(2024, 4, 1), 1),
            ("month", date(2024, 5, 1), 1),
            ("month", date(2024, 6, 1), 1),
            ("week", date(2024, 4, 29), 2),
            ("week", date(2024, 6, 3), 1),
            ("year", date(2024, 1, 1), 3),
        ]
    finally:
        db.close()


def test_migration_0019_renames_terrain_to_surface_keeping_values_and_children(
    database_url: str,
) -> None:
    """A database at 0018 with a session (its ground in the old ``terrain`` column) and a
    segment: upgrading keeps the value under ``surface`` and the segment (the table is renamed
    in place, never dropped); downgrading gives ``terrain`` back, value included."""
    from alembic import command

    from retrostride.store.db import _alembic_config, create_database_engine

    def columns(engine: Any) -> set[str]:
        return {c["name"] for c in inspect(engine).get_columns("session")}

    engine = create_database_engine(database_url)
    try:
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "0018_session_person_sport")
            add_person(conn)
            add_session(conn, 1, terrain="'loose-sand'", local_date="'2024-06-07'")
            add_segment(conn, 1, segment_id=1)
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "0019_session_surface")
        assert "surface" in columns(engine) and "terrain" not in columns(engine)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT surface FROM session")).scalar_one() == "loose-sand"
            assert conn.execute(text("SELECT count(*) FROM segment")).scalar_one() == 1
        with engine.begin() as conn:
            command.downgrade(_alembic_config(conn), "0018_session_person_sport")
        assert "terrain" in columns(engine) and "surface" not in columns(engine)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT terrain FROM session")).scalar_one() == "loose-sand"
            assert conn.execute(text("SELECT count(*) FROM segment")).scalar_one() == 1
    finally:
        engine.dispose()
