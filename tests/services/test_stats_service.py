"""services.stats: SQL totals over session.local_date equal the computation over loaded sessions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from retrostride.log.model import BodyMass, Segment, Session
from retrostride.science.locomotion import Direction, Setting
from retrostride.services import log, people, sessions, sessions_bulk, stats
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


def _assert_kept_totals_equal_the_loaded_computation(db: Database, period: stats.Period) -> None:
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


@pytest.mark.parametrize("period", list(stats.Period))
def test_sql_totals_equal_the_loaded_computation(db: Database, period: stats.Period) -> None:
    _log_some(db)
    _assert_kept_totals_equal_the_loaded_computation(db, period)


@pytest.mark.parametrize("period", list(stats.Period))
def test_kept_totals_follow_every_kind_of_write(db: Database, period: stats.Period) -> None:
    """Edits (direction, start moved to another month and year), deletions, a bulk insert and
    an energy re-estimate by a new body mass: the kept totals stay equal to the loaded ones."""
    _log_some(db)
    pid = people.person_id(db, "ana")
    ids = [s.id for s in log.list_sessions(db, "ana")]
    assert all(i is not None for i in ids)
    log.edit_session(db, ids[2], log.SessionChanges(direction=Direction.BACKWARD), "ana")
    log.edit_session(db, ids[6], log.SessionChanges(direction=Direction.FORWARD, segment=0), "ana")
    log.edit_session(
        db, ids[3],
        log.SessionChanges(start_utc=datetime(2027, 3, 31, 23, 0, tzinfo=UTC), utc_offset_s=7200),
        "ana",
    )
    log.delete_session(db, ids[0], "ana")  # type: ignore[arg-type]
    log.delete_session(db, ids[11], "ana")  # type: ignore[arg-type]
    sessions_bulk.add_sessions(
        db, pid,
        [
            Session(
                sport="walking",
                start_utc=datetime(2026, 2, 1, 12, tzinfo=UTC) + timedelta(hours=17 * i),
                utc_offset_s=0, elapsed_s=900.0, moving_s=None if i % 2 else 800.0,
                distance_m=600.0, setting=Setting.TREADMILL, energy_kcal=None if i % 3 else 50.0,
                segments=[Segment(start_offset_s=0.0, direction=Direction.MIXED)],
            )
            for i in range(40)
        ],
    )
    log.update_profile(db, log.ProfileChanges(add_mass=BodyMass(date(2020, 1, 1), 70.0)), "ana")
    _assert_kept_totals_equal_the_loaded_computation(db, period)
    # the session list's total is read from the kept month totals
    assert sessions.session_page(db, pid, limit=5).total == len(log.list_sessions(db, "ana"))


def test_a_page_of_periods_is_the_latest_of_the_whole_table(db: Database) -> None:
    _log_some(db)
    pid = people.person_id(db, "ana")
    for period in stats.Period:
        whole = stats.period_totals(db, pid, period)
        page = stats.period_totals(db, pid, period, limit=2)
        assert [r.period for r in page] == [r.period for r in whole[-2:]]
        assert [r.sessions for r in page] == [r.sessions for r in whole[-2:]]


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


def test_a_page_of_years_sums_every_month_of_those_years(db: Database) -> None:
    """Years with every month, one month, and gaps between them: a page of the latest years
    (read from the latest 12 x limit month rows only) equals the tail of the whole table."""
    log.add_session(db, Session(sport="walking", start_utc=None, elapsed_s=60.0), "ana")
    pid = people.person_id(db, "ana")
    months = [(2001, m) for m in range(1, 13)] + [(2002, 6)] + [(2005, m) for m in range(1, 13)]
    months += [(2009, 2), (2009, 11), (2012, 12)]
    sessions_bulk.add_sessions(
        db, pid,
        [
            Session(
                sport="walking", start_utc=datetime(y, m, 1 + k, 12, tzinfo=UTC), utc_offset_s=0,
                elapsed_s=600.0 + 7 * k, distance_m=1000.0 + m, setting=Setting.OVERGROUND,
                segments=[Segment(start_offset_s=0.0, direction=Direction.BACKWARD)],
            )
            for y, m in months for k in range(3)
        ],
    )
    whole = stats.period_totals(db, pid, stats.Period.YEAR)
    assert [r.period for r in whole][:5] == ["2001", "2002", "2005", "2009", "2012"]
    for limit in range(1, len(whole) + 1):
        page = stats.period_totals(db, pid, stats.Period.YEAR, limit=limit)
        assert [(r.period, r.sessions) for r in page] == [
            (r.period, r.sessions) for r in whole[-limit:]
        ]
        for p, w in zip(page, whole[-limit:], strict=True):
            assert p.time_s == pytest.approx(w.time_s, rel=1e-12)
            assert p.distance_m == pytest.approx(w.distance_m, rel=1e-12)
