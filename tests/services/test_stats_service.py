"""services.stats: SQL totals over session.local_date equal the computation over loaded sessions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from retrostride.log.model import Segment, Session
from retrostride.science.locomotion import Direction, Setting
from retrostride.services import log, people, stats
from retrostride.store.db import Database


def _log_some(db: Database) -> None:
    start = datetime(2026, 1, 3, 23, 30, tzinfo=UTC)  # +02:00: already Sunday 4 January locally
    kinds = [
        [Direction.BACKWARD, Direction.UNKNOWN],
        [Direction.FORWARD],
        [Direction.MIXED, Direction.BACKWARD],
        [],
    ]
    for i in range(24):
        directions = kinds[i % len(kinds)]
        session = Session(
            sport="walking",
            start_utc=None if i == 5 else start + timedelta(days=3 * i, minutes=7 * i),
            utc_offset_s=7200 if i % 2 else -18000,
            elapsed_s=600.0 + i,
            moving_s=None if i % 3 else 500.0 + i,
            distance_m=None if i % 5 == 0 else 700.0 + 10 * i,
            setting=Setting.OVERGROUND,
            segments=[
                Segment(
                    start_offset_s=100.0 * k,
                    elapsed_s=None if (i + k) % 4 == 0 else 100.0 + k,
                    moving_s=None,
                    direction=d,
                )
                for k, d in enumerate(directions)
            ],
        )
        log.add_session(db, session, "ana")


@pytest.mark.parametrize("period", list(stats.Period))
def test_sql_totals_equal_the_loaded_computation(db: Database, period: stats.Period) -> None:
    _log_some(db)
    slow = stats.totals(log.list_sessions(db, "ana"), period)
    fast = stats.period_totals(db, people.person_id(db, "ana"), period)
    assert [r.period for r in fast] == [r.period for r in slow]
    for f, s in zip(fast, slow, strict=True):
        assert (f.first_day, f.sessions, f.undated, f.energy_unknown) == (
            s.first_day,
            s.sessions,
            s.undated,
            s.energy_unknown,
        )
        for name in ("time_s", "distance_m", "energy_kcal", "backward_s", "direction_known_s"):
            assert getattr(f, name) == pytest.approx(getattr(s, name), rel=1e-9, abs=1e-9), name


def test_since_keeps_later_days_and_unknown_people_have_none(db: Database) -> None:
    _log_some(db)
    pid = people.person_id(db, "ana")
    since = date(2026, 2, 2)
    later = stats.period_totals(db, pid, stats.Period.WEEK, since=since)
    assert later and all(r.first_day >= since - timedelta(days=6) for r in later)
    assert sum(r.sessions for r in later) < 24
    assert stats.log_totals(db, stats.Period.WEEK, "nobody") == []


def test_local_date_follows_an_edited_start(db: Database) -> None:
    _log_some(db)
    from sqlalchemy import select

    from retrostride.store.models import SessionRow

    with db.transaction() as s:
        row = s.scalars(select(SessionRow).where(SessionRow.start_utc.is_not(None))).first()
        assert row is not None
        row.start_utc = datetime(2027, 6, 1, 23, tzinfo=UTC)
        row.utc_offset_s = 3600
        sid = row.id
    with db.reading() as s:
        assert s.get(SessionRow, sid).local_date == date(2027, 6, 2)  # type: ignore[union-attr]
