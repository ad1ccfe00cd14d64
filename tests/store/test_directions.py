"""store.directions: each session's stored direction equals log.direction's rule over its
segments after every kind of write; the migration fills it for existing sessions."""

from __future__ import annotations

import itertools
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from old_rows import add_person, add_segment, add_session
from sqlalchemy import text

from retrostride.log.direction import session_direction
from retrostride.log.listing import SessionFilter
from retrostride.log.model import Segment, Session
from retrostride.science.locomotion import Direction, Setting
from retrostride.services import export, log, people, sessions, sessions_bulk
from retrostride.store import directions
from retrostride.store.db import Database, open_database

_names = itertools.count()
START = datetime(2026, 3, 2, 7, tzinfo=UTC)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = open_database(database_url)
    try:
        yield database
    finally:
        database.close()


def _session(day: int, segs: list[Direction]) -> Session:
    return Session(
        sport="walking",
        start_utc=START + timedelta(days=day),
        elapsed_s=60.0 * max(1, len(segs)),
        setting=Setting.OVERGROUND,
        segments=[
            Segment(start_offset_s=60.0 * i, elapsed_s=60.0, direction=d)
            for i, d in enumerate(segs)
        ],
    )


sessions_st = st.builds(
    _session, st.integers(0, 30), st.lists(st.sampled_from(list(Direction)), max_size=4)
)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("add"), sessions_st),
        st.tuples(st.just("bulk"), st.lists(sessions_st, max_size=3)),
        st.tuples(st.just("delete"), st.integers(0, 50)),
        st.tuples(st.just("whole"), st.integers(0, 50), st.sampled_from(list(Direction))),
        st.tuples(
            st.just("segment"),
            st.integers(0, 50),
            st.integers(0, 3),
            st.sampled_from(list(Direction)),
        ),
        st.tuples(st.just("notes"), st.integers(0, 50)),
    ),
    min_size=1,
    max_size=8,
)


def mismatches(database: Database) -> dict[int, tuple[str, str]]:
    """Sessions whose stored direction differs from the rule over their stored segments:
    id -> (stored, rule)."""
    with database.reading() as s:
        stored = dict(s.execute(text("SELECT id, direction FROM session")).all())
        segs: dict[int, list[str]] = defaultdict(list)
        for sid, d in s.execute(text("SELECT session_id, direction FROM segment")):
            segs[int(sid)].append(str(d))
    rule = {int(i): session_direction(segs.get(int(i), ())).value for i in stored}
    return {i: (str(stored[i]), rule[i]) for i in rule if str(stored[i]) != rule[i]}


def _apply(database: Database, name: str, pid: int, op: tuple[Any, ...]) -> None:
    ids = [s.id or 0 for s in log.list_sessions(database, name)]
    if op[0] == "add":
        log.add_session(database, op[1], name)
    elif op[0] == "bulk":
        sessions_bulk.add_sessions(database, pid, op[1])
    elif not ids:
        return
    elif op[0] == "delete":
        log.delete_session(database, ids[op[1] % len(ids)], name)
    elif op[0] == "whole":
        log.set_direction(database, ids[op[1] % len(ids)], op[2], person_name=name)
    elif op[0] == "segment":
        sid = ids[op[1] % len(ids)]
        n = len(log.get_session(database, sid, name).segments)
        if n:
            log.set_direction(database, sid, op[3], segment=op[2] % n, person_name=name)
    elif op[0] == "notes":
        log.edit_session(database, ids[op[1] % len(ids)], log.SessionChanges(notes="x"), name)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=operations)
def test_the_stored_direction_follows_the_rule_over_writes(db: Database, ops: list[Any]) -> None:
    name = f"p{next(_names)}"
    pid = people.person_id(db, name)
    for op in ops:
        _apply(db, name, pid, op)
        assert mismatches(db) == {}
    with tempfile.TemporaryDirectory() as folder:  # a restore (the import of a bundle)
        bundle = Path(folder) / "log.json"
        export.export_json(db, bundle, name)
        export.restore(db, bundle, f"{name}-restored", merge=True)
    assert mismatches(db) == {}


def test_the_check_fails_when_the_column_is_not_kept(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(directions, "KEEP", False)
    stored = log.add_session(db, _session(0, [Direction.UNKNOWN, Direction.BACKWARD]), "ana")
    assert mismatches(db) == {stored.id: ("unknown", "backward")}


def test_the_filter_reads_the_kept_column(db: Database) -> None:
    """Each direction's filter returns exactly the sessions whose rule gives it, including a
    mixed segment alone and unknown segments beside a known one."""
    combos = [
        [], [Direction.UNKNOWN], [Direction.BACKWARD], [Direction.UNKNOWN, Direction.BACKWARD],
        [Direction.FORWARD, Direction.BACKWARD], [Direction.MIXED], [Direction.FORWARD],
        [Direction.MIXED, Direction.MIXED], [Direction.UNKNOWN, Direction.FORWARD],
    ]
    pid = people.person_id(db, "bo")
    ids = [log.add_session(db, _session(i, c), "bo").id for i, c in enumerate(combos)]
    for wanted in Direction:
        page = sessions.session_page(
            db, pid, limit=50, wanted=SessionFilter(direction=wanted), newest_first=False
        )
        expected = [i for i, c in zip(ids, combos, strict=True) if session_direction(c) is wanted]
        assert [item.id for item in page.items] == expected, wanted
        assert page.total == len(expected)
        assert {item.direction for item in page.items} <= {wanted.value}


def test_upgrade_fills_the_direction_of_existing_sessions(database_url: str) -> None:
    """A database at 0015 with sessions and segments upgrades on open: each session gets the
    rule's direction from its segments (none: unknown)."""
    from alembic import command

    from retrostride.store.db import _alembic_config, create_database_engine

    cases = {
        1: ["backward", "unknown"],
        2: ["forward", "backward"],
        3: [],
        4: ["unknown"],
        5: ["mixed"],
        6: ["forward", "forward"],
    }
    engine = create_database_engine(database_url)
    try:
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "0015_track_privacy")
            add_person(conn)
            for sid, segs in cases.items():
                add_session(conn, sid, start_utc="'2024-05-01 10:00:00'")
                for position, d in enumerate(segs):
                    add_segment(conn, sid, d, position)
    finally:
        engine.dispose()
    db = open_database(database_url)
    try:
        with db.engine.connect() as conn:
            got = dict(conn.execute(text("SELECT id, direction FROM session")).all())
        assert got == {sid: session_direction(segs).value for sid, segs in cases.items()}
        assert got[1] == "backward" and got[2] == "mixed" and got[3] == "unknown"
        assert mismatches(db) == {}
    finally:
        db.close()
