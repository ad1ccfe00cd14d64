"""services.records: the records kept on write equal the slow computation over the log."""

from __future__ import annotations

import itertools
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrostride.log.model import Segment, Session
from retrostride.science.locomotion import Direction, Setting
from retrostride.services import log, people, records, sessions_bulk
from retrostride.store.db import Database

_names = itertools.count()
START = datetime(2026, 3, 2, 7, tzinfo=UTC)

# Durations and distances are never subnormal floats (PostgreSQL refuses products that underflow).
segments = st.lists(
    st.tuples(
        st.sampled_from(list(Direction)),
        st.one_of(st.none(), st.floats(0, 4000, allow_subnormal=False)),  # elapsed
        st.one_of(st.none(), st.floats(0, 4000, allow_subnormal=False)),  # moving
        st.one_of(st.none(), st.floats(0, 5000, allow_subnormal=False)),  # distance
    ),
    min_size=0,
    max_size=3,
)
sessions = st.builds(
    lambda day, hour, offset, seg, elapsed, distance: Session(
        sport="walking",
        start_utc=None if day is None else START + timedelta(days=day, hours=hour),
        utc_offset_s=offset,
        elapsed_s=elapsed,
        distance_m=distance,
        setting=Setting.OVERGROUND,
        segments=[
            Segment(start_offset_s=0.0, direction=d, elapsed_s=e, moving_s=m, distance_m=x)
            for d, e, m, x in seg
        ],
    ),
    st.one_of(st.none(), st.integers(0, 40)),
    st.integers(0, 23),
    st.sampled_from([None, 0, 3600 * 10, -3600 * 9]),
    segments,
    st.one_of(st.none(), st.floats(1, 5000, allow_subnormal=False)),
    st.one_of(st.none(), st.floats(1, 9000, allow_subnormal=False)),
)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("add"), sessions),
        st.tuples(st.just("bulk"), st.lists(sessions, max_size=3)),
        st.tuples(st.just("delete"), st.integers(0, 50)),
        st.tuples(st.just("direction"), st.integers(0, 50), st.sampled_from(list(Direction))),
        st.tuples(st.just("start"), st.integers(0, 50), st.integers(0, 40)),
    ),
    min_size=1,
    max_size=8,
)


def _same(kept: Any, slow: Any) -> None:
    a, b = asdict(kept), asdict(slow)
    for name, value in b.items():
        if isinstance(value, float):
            assert a[name] == pytest.approx(value, rel=1e-9, abs=1e-6), name
        else:
            assert a[name] == value, name


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=operations)
def test_kept_records_equal_the_slow_computation(db: Database, ops: list[Any]) -> None:
    name = f"p{next(_names)}"
    pid = people.person_id(db, name)
    for op in ops:
        ids = [s.id or 0 for s in log.list_sessions(db, name)]
        if op[0] == "add":
            log.add_session(db, op[1], name)
        elif op[0] == "bulk":
            sessions_bulk.add_sessions(db, pid, op[1])
        elif ids and op[0] == "delete":
            log.delete_session(db, ids[op[1] % len(ids)], name)
        elif ids and op[0] == "direction":
            log.set_direction(db, ids[op[1] % len(ids)], op[2], person_name=name)
        elif ids and op[0] == "start":
            changes = log.SessionChanges(start_utc=START + timedelta(days=op[2]), utc_offset_s=0)
            log.edit_session(db, ids[op[1] % len(ids)], changes, name)
        _same(records.personal_records(db, pid), records.records_of(log.list_sessions(db, name)))


def test_records_of_a_small_log(db: Database) -> None:
    def walk(day: int, minutes: float, km: float, direction: Direction) -> Session:
        return Session(
            sport="walking",
            start_utc=START + timedelta(days=day),
            elapsed_s=minutes * 60,
            distance_m=km * 1000,
            segments=[
                Segment(
                    start_offset_s=0.0,
                    elapsed_s=minutes * 60,
                    distance_m=km * 1000,
                    direction=direction,
                )
            ],
        )

    for s in (
        walk(0, 20, 1.5, Direction.BACKWARD),  # 13:20 per km
        walk(1, 30, 2.0, Direction.BACKWARD),  # 15:00 per km, the longest backward
        walk(2, 10, 1.0, Direction.FORWARD),
        walk(7, 15, 0.8, Direction.BACKWARD),  # under 1 km: no fastest km
    ):
        log.add_session(db, s, "ana")
    pid = people.person_id(db, "ana")
    kept = records.personal_records(db, pid)
    assert kept.longest_backward_s == pytest.approx(1800.0, abs=1e-9)
    assert kept.fastest_backward_km_s == pytest.approx(800.0, abs=1e-9)
    assert kept.biggest_week_first_day == date(2026, 3, 2)
    assert kept.biggest_week_time_s == pytest.approx(3600.0, abs=1e-9)
    assert kept.streak_days == 3 and kept.streak_first_day == date(2026, 3, 2)
    first = log.list_sessions(db, "ana")[1]
    log.delete_session(db, first.id or 0, "ana")  # the record holder goes: the next one counts
    kept = records.personal_records(db, pid)
    assert kept.longest_backward_s == pytest.approx(1200.0, abs=1e-9)
    assert kept.streak_days == 1


def test_no_sessions_no_records(db: Database) -> None:
    pid = people.person_id(db, "ana")
    assert records.personal_records(db, pid) == records.PersonalRecords()
