"""services.stats.recent_periods: a window of the totals page, empty periods included."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from retrostride.log.model import Segment, Session
from retrostride.science.locomotion import Direction
from retrostride.services import log, people, stats
from retrostride.store.db import Database


def _walk(day: date, minutes: float) -> Session:
    return Session(
        sport="walking",
        start_utc=datetime(day.year, day.month, day.day, 8, tzinfo=UTC),
        elapsed_s=minutes * 60,
        distance_m=minutes * 50,
        segments=[
            Segment(start_offset_s=0.0, elapsed_s=minutes * 60, direction=Direction.BACKWARD)
        ],
    )


@pytest.mark.parametrize(
    ("period", "count", "firsts"),
    [
        (stats.Period.WEEK, 3, [date(2026, 2, 16), date(2026, 2, 23), date(2026, 3, 2)]),
        (stats.Period.MONTH, 3, [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]),
        (stats.Period.YEAR, 2, [date(2025, 1, 1), date(2026, 1, 1)]),
    ],
)
def test_window_holds_every_period_and_only_its_sessions(
    db: Database, period: stats.Period, count: int, firsts: list[date]
) -> None:
    for day, minutes in ((date(2025, 12, 31), 10), (date(2026, 2, 17), 20),
                         (date(2026, 3, 3), 30), (date(2026, 3, 9), 40)):
        log.add_session(db, _walk(day, minutes), "ana")
    pid = people.person_id(db, "ana")
    rows = stats.recent_periods(db, pid, period, end=date(2026, 3, 4), count=count)
    assert [r.first_day for r in rows] == firsts
    everything = {t.first_day: t for t in stats.totals(log.list_sessions(db, "ana"), period)}
    for row in rows:
        expected = everything.get(row.first_day)
        if expected is None:  # a period without sessions is shown as zeros
            assert row.sessions == 0 and row.time_s == pytest.approx(0.0, abs=1e-9)
        else:  # whole periods: the one holding the end day counts to its last day
            assert row.sessions == expected.sessions
            assert row.time_s == pytest.approx(expected.time_s, rel=1e-12)


def test_earlier_window_ends_before_this_one() -> None:
    end = date(2026, 3, 4)
    assert stats.earlier_end(end, stats.Period.WEEK, 3) == date(2026, 2, 9)
    assert stats.earlier_end(end, stats.Period.MONTH, 3) == date(2025, 12, 1)
    assert stats.earlier_end(end, stats.Period.YEAR, 10) == date(2016, 1, 1)
    assert stats.earlier_end(end, stats.Period.MONTH, -3) == date(2026, 6, 1)
    assert stats.earlier_end(end, stats.Period.WEEK, 0) - timedelta(days=2) == date(2026, 2, 28)


def test_day_totals_sum_each_local_day(db: Database) -> None:
    for day, minutes in ((date(2026, 3, 3), 10), (date(2026, 3, 3), 20), (date(2026, 3, 5), 5)):
        log.add_session(db, _walk(day, minutes), "ana")
    pid = people.person_id(db, "ana")
    days = stats.day_totals(db, pid, since=date(2026, 3, 4), until=date(2026, 3, 31))
    assert list(days) == [date(2026, 3, 5)]
    days = stats.day_totals(db, pid, since=date(2026, 3, 1), until=date(2026, 3, 31))
    assert days[date(2026, 3, 3)].sessions == 2
    assert days[date(2026, 3, 3)].time_s == pytest.approx(1800.0, abs=1e-9)
    assert days[date(2026, 3, 3)].backward_share == pytest.approx(1.0, abs=1e-12)


def test_calendar_days_are_the_day_totals_sessions_time_and_distance(db: Database) -> None:
    for day, minutes in ((date(2026, 3, 3), 10), (date(2026, 3, 3), 20), (date(2026, 3, 5), 5),
                         (date(2026, 4, 1), 7)):
        log.add_session(db, _walk(day, minutes), "ana")
    pid = people.person_id(db, "ana")
    window = {"since": date(2026, 3, 2), "until": date(2026, 3, 31)}
    calendar = stats.calendar_days(db, pid, **window)
    totals = stats.day_totals(db, pid, **window)
    assert list(calendar) == list(totals) == [date(2026, 3, 3), date(2026, 3, 5)]
    for day, t in totals.items():
        assert calendar[day].sessions == t.sessions
        assert calendar[day].time_s == pytest.approx(t.time_s, abs=1e-9)
        assert calendar[day].distance_m == pytest.approx(t.distance_m, abs=1e-9)
