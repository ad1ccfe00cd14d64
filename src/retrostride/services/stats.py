"""Weekly, monthly and yearly totals of the log: time, distance, energy and the share done
backward.

A session is dated by its local start (UTC start plus its offset), kept on write in the
indexed ``session.local_date``; :func:`period_totals` reads the week, month and year totals the
store keeps on every write by that date (``store.totals``). A session whose start is
unknown is dated by its import date and counted in ``undated``, so the table can mark it.
Time is the moving time where known, else the elapsed time [s]. The backward share is the
time in backward segments over the time in all segments (mixed segments count half).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from retrostride.log.model import Session
from retrostride.science.locomotion import Direction
from retrostride.services.log import DEFAULT_PERSON
from retrostride.services.people import find_person_id
from retrostride.store import totals as store_totals
from retrostride.store.db import Database


class Period(StrEnum):
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


@dataclass(slots=True)
class PeriodTotals:
    """Totals of one ISO week (``2024-W05``), month (``2024-05``) or year (``2024``)."""

    period: str
    first_day: date
    sessions: int = 0
    undated: int = 0
    """Sessions of unknown start, counted here by their import date."""
    time_s: float = 0.0
    distance_m: float = 0.0
    energy_kcal: float = 0.0
    energy_unknown: int = 0
    """Sessions without an energy figure (not in ``energy_kcal``)."""
    backward_s: float = 0.0
    direction_known_s: float = 0.0
    """Segment time of known direction (backward, forward, mixed) [s]."""

    @property
    def backward_share(self) -> float | None:
        """Backward time over segment time of known direction (0-1), None if none is known."""
        return self.backward_s / self.direction_known_s if self.direction_known_s else None


def local_day(session: Session) -> tuple[date, bool]:
    """The session's local date, and whether it is the import date (unknown start)."""
    if session.start_utc is not None:
        offset = timedelta(seconds=session.utc_offset_s or 0)
        return (session.start_utc + offset).date(), False
    assert session.imported_at is not None
    return session.imported_at.date(), True


def period_of(day: date, period: Period) -> tuple[str, date]:
    if period is Period.WEEK:
        year, week, weekday = day.isocalendar()
        return f"{year}-W{week:02d}", day - timedelta(days=weekday - 1)
    if period is Period.YEAR:
        return f"{day.year}", day.replace(month=1, day=1)
    return f"{day.year}-{day.month:02d}", day.replace(day=1)


def _direction_times(session: Session) -> tuple[float, float]:
    """(backward, known-direction) segment time [s]."""
    backward = known = 0.0
    for seg in session.segments:
        duration = seg.moving_s or seg.elapsed_s
        if duration is None and len(session.segments) == 1:
            duration = session.moving_s or session.elapsed_s
        if not duration or seg.direction == Direction.UNKNOWN:
            continue
        known += duration
        if seg.direction == Direction.BACKWARD:
            backward += duration
        elif seg.direction == Direction.MIXED:
            backward += duration / 2
    return backward, known


def totals(sessions: Iterable[Session], period: Period) -> list[PeriodTotals]:
    """Totals per period, oldest first; periods without sessions are left out."""
    by_period: dict[str, PeriodTotals] = {}
    for session in sessions:
        day, undated = local_day(session)
        label, first = period_of(day, period)
        row = by_period.setdefault(label, PeriodTotals(period=label, first_day=first))
        row.sessions += 1
        row.undated += int(undated)
        row.time_s += session.moving_s or session.elapsed_s or 0.0
        row.distance_m += session.distance_m or 0.0
        if session.energy_kcal is None:
            row.energy_unknown += 1
        else:
            row.energy_kcal += session.energy_kcal
        backward, known = _direction_times(session)
        row.backward_s += backward
        row.direction_known_s += known
    return sorted(by_period.values(), key=lambda r: r.first_day)


def period_totals(
    database: Database,
    person_id: int,
    period: Period,
    *,
    since: date | None = None,
    limit: int | None = None,
) -> list[PeriodTotals]:
    """The person's totals per week, month or year, oldest first; periods without sessions are
    left out. Read from the totals kept on every write (``store.totals``: a row per week, per
    month and per year), so no session is loaded and the cost is that of the periods returned.
    ``since``: from the period holding this day on; ``limit``: the latest ``limit`` periods
    only. Equal to :func:`totals` over the same sessions."""
    kind = store_totals.WEEK if period is Period.WEEK else store_totals.MONTH
    with database.reading() as db:
        if period is Period.YEAR:
            rows = store_totals.year_rows(db, person_id, since=since, limit=limit)
        else:
            rows = store_totals.period_rows(db, person_id, kind, since=since, limit=limit)
    return from_rows(rows, period)


def from_rows(rows: Iterable[tuple[date, store_totals.Sums]], period: Period) -> list[PeriodTotals]:
    """The totals of ``period`` from the kept rows (``store.totals``), oldest first."""
    by_period: dict[str, PeriodTotals] = {}
    for first_day, sums in rows:
        label, first = period_of(first_day, period)
        row = by_period.get(label)
        if row is None:  # the usual case: one kept row per period
            by_period[label] = PeriodTotals(
                label, first, sums.sessions, sums.undated, sums.time_s, sums.distance_m,
                sums.energy_kcal, sums.energy_unknown, sums.backward_s, sums.direction_known_s,
            )
            continue
        for name in store_totals.SUM_FIELDS:
            setattr(row, name, getattr(row, name) + getattr(sums, name))
    return sorted(by_period.values(), key=lambda r: r.first_day)


def log_totals(
    database: Database,
    period: Period,
    person_name: str = DEFAULT_PERSON,
    *,
    since: date | None = None,
    limit: int | None = None,
) -> list[PeriodTotals]:
    """The person's totals per week, month or year (see :func:`period_totals`); none for an
    unknown person."""
    pid = find_person_id(database, person_name)
    return [] if pid is None else period_totals(database, pid, period, since=since, limit=limit)


def _step_back(first_day: date, period: Period, n: int) -> date:
    """The first day of the period ``n`` periods before the one starting on ``first_day``."""
    if period is Period.WEEK:
        return first_day - timedelta(weeks=n)
    if period is Period.YEAR:
        return first_day.replace(year=first_day.year - n)
    months = first_day.year * 12 + first_day.month - 1 - n
    return date(months // 12, months % 12 + 1, 1)


def recent_periods(
    database: Database, person_id: int, period: Period, *, end: date, count: int
) -> list[PeriodTotals]:
    """The ``count`` periods up to the one holding ``end``, oldest first, periods without a
    session included (zeros): one window of the totals page, read from the index range of
    that window only."""
    _label, last_first = period_of(end, period)
    first = _step_back(last_first, period, count - 1)
    found = {
        t.first_day: t
        for t in period_totals(database, person_id, period, since=first)
        if t.first_day <= last_first
    }
    out = []
    for k in range(count - 1, -1, -1):
        day = _step_back(last_first, period, k)
        label, start = period_of(day, period)
        out.append(found.get(start) or PeriodTotals(period=label, first_day=start))
    return out


def earlier_end(end: date, period: Period, count: int) -> date:
    """The ``end`` of the window of ``count`` periods just before the one ending at ``end``."""
    _label, first = period_of(end, period)
    return _step_back(first, period, count)


def day_totals(
    database: Database, person_id: int, *, since: date, until: date
) -> dict[date, PeriodTotals]:
    """The person's totals per local day from ``since`` to ``until`` (inclusive), days with a
    session only (the calendar): the same SQL sums as :func:`period_totals`, one row a day."""
    with database.reading() as db:
        sums_by_day = store_totals.day_sums(db, person_id, since, until + timedelta(days=1))
    out: dict[date, PeriodTotals] = {}
    for day, sums in sums_by_day.items():
        row = out[day] = PeriodTotals(period=day.isoformat(), first_day=day)
        for name in store_totals.SUM_FIELDS:
            setattr(row, name, getattr(sums, name))
    return out


@dataclass(frozen=True, slots=True)
class DayTotals:
    """One training day of the calendar: sessions, time [s] and distance [m] (the totals'
    definitions, ``store.totals``)."""

    sessions: int
    time_s: float
    distance_m: float


def calendar_days(
    database: Database, person_id: int, *, since: date, until: date
) -> dict[date, DayTotals]:
    """The person's training days from ``since`` to ``until`` (inclusive) with their sessions,
    time and distance: one ``GROUP BY`` of the sessions over the indexed local day (the
    segments, for directions, are not read), one row a day: the cost of the window only."""
    with database.reading() as db:
        rows = store_totals.day_time(db, person_id, since, until + timedelta(days=1))
    return {row[0]: DayTotals(*row[1:]) for row in rows}
