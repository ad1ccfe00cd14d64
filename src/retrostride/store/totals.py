"""Each person's totals per ISO week, month and year, kept on every write (table ``period_total``).

A session counts on its ``local_date`` (its local start day, else its import day). Time is the
moving time where known, else the elapsed time [s]; a segment's time is its moving time, else
its elapsed time, else (a session's only segment) the session's time; backward time counts
backward segments whole and mixed ones half; known-direction time is the time of segments
whose direction is not ``unknown``. The stats read these rows (a page of periods costs the
same at 100 or 100,000 sessions); ``services.stats.totals`` computes the same figures from
loaded sessions, and the tests hold the two equal after every kind of write.

Kept by :func:`refresh`, which recomputes the weeks and months around the given days from the
sessions (one ``GROUP BY local_date`` over at most a few weeks), then those days' years from
their month rows (at most twelve rows a year, so a page of years costs what a page of weeks
does, however many years the log spans). ORM writes call it after each
flush (the session events below collect the days of added, changed and deleted sessions and
segments); Core writes (``store.bulk``) call it themselves. Rows of a deleted person go with
the person (``ON DELETE CASCADE``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    bindparam,
    case,
    delete,
    event,
    func,
    insert,
    literal,
    select,
)
from sqlalchemy.orm import Session as OrmSession

from retrostride.science.locomotion import Direction
from retrostride.store.models import PeriodTotalRow, SegmentRow, SessionRow

WEEK = "week"
MONTH = "month"
YEAR = "year"
KINDS = (WEEK, MONTH)
"""The kinds summed from the sessions' days; years are summed from the month rows."""
_CLUSTER_DAYS = 62
"""Days this close are refreshed by one query over the range between them."""

_ses = SessionRow.__table__.c
_seg = SegmentRow.__table__.c
_tot = PeriodTotalRow.__table__.c


@dataclass(slots=True)
class Sums:
    """The totals of one period (or one day) of one person's log."""

    sessions: int = 0
    undated: int = 0
    time_s: float = 0.0
    distance_m: float = 0.0
    energy_kcal: float = 0.0
    energy_unknown: int = 0
    backward_s: float = 0.0
    direction_known_s: float = 0.0

    def add(self, other: Sums) -> None:
        self.sessions += other.sessions
        self.undated += other.undated
        self.time_s += other.time_s
        self.distance_m += other.distance_m
        self.energy_kcal += other.energy_kcal
        self.energy_unknown += other.energy_unknown
        self.backward_s += other.backward_s
        self.direction_known_s += other.direction_known_s


SUM_FIELDS = tuple(Sums.__dataclass_fields__)


def period_start(day: date, kind: str) -> date:
    """Monday of ``day``'s ISO week, or the first of its month, or of its year."""
    if kind == WEEK:
        return day - timedelta(days=day.weekday())
    return day.replace(day=1) if kind == MONTH else day.replace(month=1, day=1)


def period_end(first: date, kind: str) -> date:
    """The first day after the period that starts on ``first``."""
    if kind == WEEK:
        return first + timedelta(days=7)
    if kind == YEAR:
        return date(first.year + 1, 1, 1)
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _day_queries() -> tuple[Any, Any, Any]:
    """Per local day in [lo, hi) of one person: the sessions' sums, the segments', and the
    calendar's (sessions, time, distance: the same sums, no other column read)."""
    when = (
        _ses.person_id == bindparam("person_id"),
        _ses.local_date >= bindparam("lo"),
        _ses.local_date < bindparam("hi"),
    )
    time_sum = func.sum(
        case((_ses.moving_s > 0, _ses.moving_s), else_=func.coalesce(_ses.elapsed_s, 0.0))
    )
    distance_sum = func.sum(func.coalesce(_ses.distance_m, 0.0))
    calendar = (
        select(_ses.local_date, func.count(), time_sum, distance_sum)
        .where(*when)
        .group_by(_ses.local_date)
    )
    sessions = (
        select(
            _ses.local_date,
            func.count(),
            func.sum(case((_ses.start_utc.is_(None), 1), else_=0)),
            time_sum,
            distance_sum,
            func.sum(func.coalesce(_ses.energy_kcal, 0.0)),
            func.sum(case((_ses.energy_kcal.is_(None), 1), else_=0)),
        )
        .where(*when)
        .group_by(_ses.local_date)
    )
    inner = SegmentRow.__table__.alias("only")
    n_segments = (
        select(func.count()).where(inner.c.session_id == _seg.session_id)
    ).scalar_subquery()
    seg_time = case(
        (_seg.moving_s > 0, _seg.moving_s),
        (_seg.elapsed_s.is_not(None), _seg.elapsed_s),
        (n_segments == 1, case((_ses.moving_s > 0, _ses.moving_s), else_=_ses.elapsed_s)),
        else_=None,
    )
    segments = (
        select(
            _ses.local_date,
            func.sum(
                case(
                    (_seg.direction == Direction.BACKWARD.value, seg_time),
                    (_seg.direction == Direction.MIXED.value, seg_time / 2),
                    else_=0.0,
                )
            ),
            func.sum(case((_seg.direction != Direction.UNKNOWN.value, seg_time), else_=0.0)),
        )
        .select_from(SessionRow.__table__.join(SegmentRow.__table__, _seg.session_id == _ses.id))
        .where(*when)
        .group_by(_ses.local_date)
    )
    return sessions, segments, calendar


_SESSIONS_BY_DAY, _SEGMENTS_BY_DAY, _CALENDAR_BY_DAY = _day_queries()


def day_sums(
    conn: Connection | OrmSession, person_id: int, lo: date, hi: date
) -> dict[date, Sums]:
    """The person's sums per local day in [lo, hi), from the sessions themselves."""
    params = {"person_id": person_id, "lo": lo, "hi": hi}
    out: dict[date, Sums] = {}
    for day, count, undated, time_s, distance_m, kcal, unknown in conn.execute(
        _SESSIONS_BY_DAY, params
    ):
        out[day] = Sums(
            int(count), int(undated or 0), float(time_s or 0.0), float(distance_m or 0.0),
            float(kcal or 0.0), int(unknown or 0),
        )
    for day, backward, known in conn.execute(_SEGMENTS_BY_DAY, params):
        if day in out:
            out[day].backward_s = float(backward or 0.0)
            out[day].direction_known_s = float(known or 0.0)
    return out


def day_time(
    conn: Connection | OrmSession, person_id: int, lo: date, hi: date
) -> list[tuple[date, int, float, float]]:
    """The person's days in [lo, hi) with a session: (day, sessions, time [s], distance [m]),
    the sums of :func:`day_sums` (the calendar's: no segment read)."""
    params = {"person_id": person_id, "lo": lo, "hi": hi}
    return [
        (day, int(count), float(time_s or 0.0), float(distance_m or 0.0))
        for day, count, time_s, distance_m in conn.execute(_CALENDAR_BY_DAY, params)
    ]


def _clusters(days: Iterable[date]) -> list[tuple[date, date]]:
    """Sorted days grouped where they lie within ``_CLUSTER_DAYS`` of each other: (first, last)."""
    out: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if out and (day - out[-1][1]).days <= _CLUSTER_DAYS:
            out[-1] = (out[-1][0], day)
        else:
            out.append((day, day))
    return out


def refresh(conn: Connection, person_id: int, days: Iterable[date | None]) -> None:
    """Recompute the person's week, month and year rows that hold any of ``days``."""
    for first, last in _clusters(d for d in days if d is not None):
        refresh_span(conn, person_id, first, last)


def refresh_span(conn: Connection, person_id: int, first: date, last: date) -> None:
    """Recompute the person's week, month and year rows that hold any day from ``first`` to
    ``last``."""
    ranges = {k: (period_start(first, k), period_end(period_start(last, k), k)) for k in KINDS}
    lo = min(r[0] for r in ranges.values())
    hi = max(r[1] for r in ranges.values())
    sums = day_sums(conn, person_id, lo, hi)
    rows = []
    for kind, (k_lo, k_hi) in ranges.items():
        periods: dict[date, Sums] = defaultdict(Sums)
        for day, s in sums.items():
            if k_lo <= day < k_hi:
                periods[period_start(day, kind)].add(s)
        conn.execute(
            delete(PeriodTotalRow).where(
                _tot.person_id == person_id, _tot.kind == kind,
                _tot.first_day >= k_lo, _tot.first_day < k_hi,
            )
        )
        rows += [
            {"person_id": person_id, "kind": kind, "first_day": start,
             **{name: getattr(s, name) for name in SUM_FIELDS}}
            for start, s in periods.items()
        ]
    if rows:
        conn.execute(insert(PeriodTotalRow), rows)
    refresh_years(conn, person_id, first.year, last.year)


def _years_from_months() -> Any:
    months = (
        _tot.person_id == bindparam("person_id"), _tot.kind == MONTH,
        _tot.first_day >= bindparam("lo"), _tot.first_day < bindparam("hi"),
    )
    return insert(PeriodTotalRow).from_select(
        ["person_id", "kind", "first_day", *SUM_FIELDS],
        select(
            bindparam("person_id", type_=_tot.person_id.type),
            literal(YEAR, type_=_tot.kind.type),
            bindparam("lo", type_=_tot.first_day.type),
            *(func.sum(_tot[name]) for name in SUM_FIELDS),
        )
        .where(*months)
        .having(func.count() > 0),
    )


_YEAR_DELETE = delete(PeriodTotalRow).where(
    _tot.person_id == bindparam("person_id"), _tot.kind == YEAR,
    _tot.first_day >= bindparam("lo"), _tot.first_day < bindparam("hi"),
)
_YEAR_INSERT = _years_from_months()


def refresh_years(conn: Connection, person_id: int, first_year: int, last_year: int) -> None:
    """Recompute the person's year rows from ``first_year`` to ``last_year`` from their month
    rows (a year without a month row has no row)."""
    for year in range(first_year, last_year + 1):
        params = {"person_id": person_id, "lo": date(year, 1, 1), "hi": date(year + 1, 1, 1)}
        conn.execute(_YEAR_DELETE, params)
        conn.execute(_YEAR_INSERT, params)


def _period_query(since: bool, limit: bool) -> Any:
    query = select(_tot.first_day, *(_tot[name] for name in SUM_FIELDS)).where(
        _tot.person_id == bindparam("person_id"), _tot.kind == bindparam("kind")
    )
    if since:
        query = query.where(_tot.first_day >= bindparam("since"))
    query = query.order_by(_tot.first_day.desc())
    return query.limit(bindparam("limit")) if limit else query


# Built once (bound parameters): SQLAlchemy reuses their compiled form on every request.
_PERIOD_QUERIES = {(a, b): _period_query(a, b) for a in (False, True) for b in (False, True)}


def period_rows(
    db: OrmSession | Connection,
    person_id: int,
    kind: str,
    *,
    since: date | None = None,
    limit: int | None = None,
) -> list[tuple[date, Sums]]:
    """The person's ``kind`` rows, oldest first: from the period holding ``since`` on, the
    latest ``limit`` only (one index range of ``period_total``'s key)."""
    params: dict[str, Any] = {"person_id": person_id, "kind": kind}
    if since is not None:
        params["since"] = period_start(since, kind)
    if limit is not None:
        params["limit"] = limit
    query = _PERIOD_QUERIES[(since is not None, limit is not None)]
    rows = [(r[0], Sums(*r[1:])) for r in db.execute(query, params)]
    return rows[::-1]


def year_rows(
    db: OrmSession | Connection,
    person_id: int,
    *,
    since: date | None = None,
    limit: int | None = None,
) -> list[tuple[date, Sums]]:
    """The person's totals per year, oldest first (the year rows kept on write): from the year
    holding ``since`` on, the latest ``limit`` years only."""
    return period_rows(db, person_id, YEAR, since=since, limit=limit)


_PENDING = "retrostride_totals"


@event.listens_for(OrmSession, "before_flush")
def _collect(db: OrmSession, _context: Any, _instances: Any) -> None:
    """Remember the sessions and segments this flush writes, with the day each counted on."""
    pending = db.info.setdefault(_PENDING, [])
    for gone, objects in ((False, (*db.new, *db.dirty)), (True, tuple(db.deleted))):
        for obj in objects:
            if isinstance(obj, SessionRow):
                pending.append((obj, gone, obj.person_id, obj.local_date))
            elif isinstance(obj, SegmentRow):
                pending.append((obj, gone, None, obj.session_id))


@event.listens_for(OrmSession, "after_flush")
def _keep(db: OrmSession, _context: Any) -> None:
    """Refresh the totals of every day the flush touched (before and after the change)."""
    pending = db.info.pop(_PENDING, None)
    if not pending:
        return
    days: dict[int, set[date | None]] = defaultdict(set)
    segment_sessions: set[int] = set()
    for obj, gone, old_person, old in pending:
        if isinstance(obj, SessionRow):
            if old_person is not None:
                days[old_person].add(old)
            if not gone:
                days[obj.person_id].add(obj.local_date)
        else:
            session_id = old if gone else obj.session_id
            if session_id is not None:
                segment_sessions.add(session_id)
    conn = db.connection()
    if segment_sessions:
        found = conn.execute(
            select(_ses.person_id, _ses.local_date).where(_ses.id.in_(segment_sessions))
        )
        for person_id, day in found:
            days[person_id].add(day)
    for person_id, person_days in days.items():
        refresh(conn, person_id, person_days)
