"""Personal records kept on write: one ``person_record`` row per person, rewritten in the same
transaction as any change to the person's sessions or segments.

The records (the rules are ``services.records.records_of``, computed here in SQL, tested equal):

- longest backward session: the most backward time of one session [s] (segment time as the
  stats count it: moving, else elapsed, else the session's for a single segment; a ``mixed``
  segment counts half);
- fastest backward km: the least time per km [s] over backward segments of at least 1 km
  (their average pace: a segment is a lap or a stretch of one direction);
- biggest week: the ISO week (of the local start day, as the stats date sessions) with the most
  time [s] (moving, else elapsed), its distance beside it; ties go to the earliest week;
- longest streak: the most consecutive local days with a session; ties go to the earliest.

How: each session's own bests (backward time, best backward km) are kept in ``session_best``,
indexed per person; an ORM ``after_flush`` listener notes which sessions and segments a flush
wrote, and ``before_commit`` recomputes those sessions' bests and their people's records in the
same transaction: the longest and fastest are one index lookup each, the week and the streak one
grouped query over the person's per-day sums (no session is loaded). Writers that bypass the
ORM (``store.bulk``) call :func:`mark` themselves. Deleted sessions and people take their rows
with them (``ON DELETE CASCADE``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    and_,
    case,
    delete,
    event,
    func,
    insert,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm import Session as OrmSession

from retrostride.store.db import Base
from retrostride.store.models import PersonRow, SegmentRow, SessionRow

FASTEST_KM_MIN_M = 1000.0
"""A backward segment counts for the fastest km when it is at least this long [m]."""
ROUND_DIGITS = 3
"""Times are compared rounded to 1 ms, so that sums added in another order tie as they should."""


class PersonRecordRow(Base):
    """A person's records (NULL: none yet); see the module docstring for each rule."""

    __tablename__ = "person_record"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    longest_backward_s: Mapped[float | None] = mapped_column(Float)
    longest_backward_session_id: Mapped[int | None] = mapped_column(Integer)
    fastest_backward_km_s: Mapped[float | None] = mapped_column(Float)
    fastest_backward_km_session_id: Mapped[int | None] = mapped_column(Integer)
    biggest_week_first_day: Mapped[date | None] = mapped_column(Date)
    biggest_week_time_s: Mapped[float | None] = mapped_column(Float)
    biggest_week_distance_m: Mapped[float | None] = mapped_column(Float)
    biggest_week_sessions: Mapped[int | None] = mapped_column(Integer)
    streak_days: Mapped[int | None] = mapped_column(Integer)
    streak_first_day: Mapped[date | None] = mapped_column(Date)


class SessionBestRow(Base):
    """One session's own bests, kept on write: what the person's records are the best of."""

    __tablename__ = "session_best"
    __table_args__ = (
        Index("ix_session_best_backward", "person_id", "backward_s"),
        Index("ix_session_best_km", "person_id", "backward_km_s"),
    )

    session_id: Mapped[int] = mapped_column(
        ForeignKey("session.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    backward_s: Mapped[float | None] = mapped_column(Float)
    """Backward time [s] (a mixed segment counts half); NULL when none."""
    backward_km_s: Mapped[float | None] = mapped_column(Float)
    """The least time per km [s] of its backward segments of at least 1 km; NULL when none."""


@dataclass(frozen=True, slots=True)
class KeptRecords:
    """A person's records as kept (None where there is none)."""

    longest_backward_s: float | None = None
    longest_backward_session_id: int | None = None
    fastest_backward_km_s: float | None = None
    fastest_backward_km_session_id: int | None = None
    biggest_week_first_day: date | None = None
    biggest_week_time_s: float | None = None
    biggest_week_distance_m: float | None = None
    biggest_week_sessions: int | None = None
    streak_days: int | None = None
    streak_first_day: date | None = None


_FIELDS = tuple(KeptRecords.__dataclass_fields__)
_ses = SessionRow.__table__.c
_seg = SegmentRow.__table__.c
_rec = PersonRecordRow.__table__.c
_best = SessionBestRow.__table__.c


def _segment_expressions() -> tuple[Any, Any]:
    """A segment's time [s] and distance [m] by the stats' rule (the session's own for a
    session of one segment)."""
    other = SegmentRow.__table__.alias("other")
    n_segments = (
        select(func.count()).where(other.c.session_id == _seg.session_id).scalar_subquery()
    )
    time_s = case(
        (_seg.moving_s > 0, _seg.moving_s),
        (_seg.elapsed_s.is_not(None), _seg.elapsed_s),
        (n_segments == 1, case((_ses.moving_s > 0, _ses.moving_s), else_=_ses.elapsed_s)),
        else_=None,
    )
    distance_m = case(
        (_seg.distance_m.is_not(None), _seg.distance_m),
        (n_segments == 1, _ses.distance_m),
        else_=None,
    )
    return time_s, distance_m


def refresh_sessions(conn: Connection | OrmSession, session_ids: Iterable[int]) -> None:
    """Recompute the kept bests of these sessions (those that no longer exist are skipped)."""
    ids = sorted(set(session_ids))
    if not ids:
        return
    seg_time, seg_distance = _segment_expressions()
    joined = SessionRow.__table__.join(SegmentRow.__table__, _seg.session_id == _ses.id)
    backward = func.sum(
        case(
            (_seg.direction == "backward", seg_time),
            (_seg.direction == "mixed", seg_time * 0.5),  # "/ 2" is NUMERIC on PostgreSQL
            else_=0.0,
        )
    )
    per_km = case(
        (
            and_(
                _seg.direction == "backward",
                seg_distance >= FASTEST_KM_MIN_M,
                seg_time > 0,
            ),
            seg_time * FASTEST_KM_MIN_M / seg_distance,
        ),
        else_=None,
    )
    rows = []
    for first in range(0, len(ids), _CHUNK):
        chunk = ids[first : first + _CHUNK]
        conn.execute(delete(SessionBestRow).where(_best.session_id.in_(chunk)))
        query = (
            select(_ses.id, _ses.person_id, backward, func.min(per_km))
            .select_from(joined)
            .where(_ses.id.in_(chunk))
            .group_by(_ses.id, _ses.person_id)
        )
        rows += [
            {
                "session_id": sid,
                "person_id": pid,
                "backward_s": round(float(back), ROUND_DIGITS) if back else None,
                "backward_km_s": None if km is None else round(float(km), ROUND_DIGITS),
            }
            for sid, pid, back, km in conn.execute(query)
        ]
    if rows:
        conn.execute(insert(SessionBestRow), rows)


def compute(conn: Connection | OrmSession, person_id: int) -> KeptRecords:
    """The person's records from their sessions' kept bests and per-day sums, in SQL."""
    longest = conn.execute(
        select(_best.session_id, _best.backward_s)
        .where(_best.person_id == person_id, _best.backward_s > 0)
        .order_by(_best.backward_s.desc(), _best.session_id)
        .limit(1)
    ).first()
    fastest = conn.execute(
        select(_best.session_id, _best.backward_km_s)
        .where(_best.person_id == person_id, _best.backward_km_s.is_not(None))
        .order_by(_best.backward_km_s, _best.session_id)
        .limit(1)
    ).first()
    days = conn.execute(
        select(
            _ses.local_date,
            func.count(),
            func.sum(
                case((_ses.moving_s > 0, _ses.moving_s), else_=func.coalesce(_ses.elapsed_s, 0.0))
            ),
            func.sum(func.coalesce(_ses.distance_m, 0.0)),
        )
        .where(_ses.person_id == person_id, _ses.local_date.is_not(None))
        .group_by(_ses.local_date)
        .order_by(_ses.local_date)
    ).all()
    weeks: dict[date, list[float]] = {}
    streak, streak_first, run, run_first, previous = 0, None, 0, None, None
    for day, count, time_s, distance_m in days:
        monday = day - timedelta(days=day.weekday())
        week = weeks.setdefault(monday, [0.0, 0.0, 0])
        week[0] += float(time_s or 0.0)
        week[1] += float(distance_m or 0.0)
        week[2] += int(count)
        if previous is not None and day - previous == timedelta(days=1):
            run += 1
        else:
            run, run_first = 1, day
        if run > streak:
            streak, streak_first = run, run_first
        previous = day
    best_week = min(
        weeks.items(), key=lambda kv: (-round(kv[1][0], ROUND_DIGITS), kv[0]), default=None
    )
    return KeptRecords(
        longest_backward_s=None if longest is None else float(longest[1]),
        longest_backward_session_id=None if longest is None else int(longest[0]),
        fastest_backward_km_s=None if fastest is None else float(fastest[1]),
        fastest_backward_km_session_id=None if fastest is None else int(fastest[0]),
        biggest_week_first_day=None if best_week is None else best_week[0],
        biggest_week_time_s=None if best_week is None else best_week[1][0],
        biggest_week_distance_m=None if best_week is None else best_week[1][1],
        biggest_week_sessions=None if best_week is None else int(best_week[1][2]),
        streak_days=streak or None,
        streak_first_day=streak_first,
    )


def refresh(conn: Connection | OrmSession, person_id: int) -> KeptRecords:
    """Recompute and store the person's records (in the caller's transaction)."""
    records = compute(conn, person_id)
    conn.execute(delete(PersonRecordRow).where(_rec.person_id == person_id))
    values = {name: getattr(records, name) for name in _FIELDS}
    conn.execute(insert(PersonRecordRow).values(person_id=person_id, **values))
    return records


def kept(conn: Connection | OrmSession, person_id: int) -> KeptRecords:
    """The person's records as kept (all None when the person has no session)."""
    row = conn.execute(
        select(*(_rec[name] for name in _FIELDS)).where(_rec.person_id == person_id)
    ).first()
    return KeptRecords() if row is None else KeptRecords(*row)


# ------------------------------------------------------------------ keeping them on write

_PEOPLE = "retrostride_records_people"
_SESSIONS = "retrostride_records_sessions"
_CHUNK = 500
"""Session ids per statement (well under every backend's limit of bound parameters)."""


def mark(db: OrmSession, person_id: int, session_ids: Iterable[int] = ()) -> None:
    """Have the person's records (and these sessions' bests) recomputed before this
    transaction commits."""
    db.info.setdefault(_PEOPLE, set()).add(person_id)
    db.info.setdefault(_SESSIONS, set()).update(session_ids)


@event.listens_for(OrmSession, "after_flush")
def _note_writes(db: OrmSession, _context: Any) -> None:
    for obj in (*db.new, *db.dirty, *db.deleted):
        if isinstance(obj, SessionRow) and obj.person_id is not None:
            mark(db, obj.person_id, () if obj in db.deleted or obj.id is None else (obj.id,))
        elif isinstance(obj, SegmentRow) and obj.session_id is not None:
            db.info.setdefault(_SESSIONS, set()).add(obj.session_id)


@event.listens_for(OrmSession, "before_commit")
def _refresh_marked(db: OrmSession) -> None:
    if not db.info.get(_PEOPLE) and not db.info.get(_SESSIONS):
        return
    db.flush()
    people: set[int] = db.info.pop(_PEOPLE, set())
    sessions: set[int] = db.info.pop(_SESSIONS, set())
    if sessions:
        refresh_sessions(db, sessions)
        ids = sorted(sessions)
        for first in range(0, len(ids), _CHUNK):
            chunk = ids[first : first + _CHUNK]
            people |= set(db.execute(select(_ses.person_id).where(_ses.id.in_(chunk))).scalars())
    if not people:
        return
    existing = db.execute(
        select(PersonRow.__table__.c.id).where(PersonRow.__table__.c.id.in_(sorted(people)))
    ).scalars()
    for person_id in sorted(existing):
        refresh(db, person_id)


@event.listens_for(OrmSession, "after_rollback")
def _forget_marked(db: OrmSession) -> None:
    db.info.pop(_PEOPLE, None)
    db.info.pop(_SESSIONS, None)
