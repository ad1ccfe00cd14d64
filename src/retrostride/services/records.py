"""Personal records: longest backward session, fastest backward km, biggest week, longest streak.

:func:`records_of` is the rule, over the sessions themselves (slow: every session loaded); the
store keeps the same records on every write (``store.records``, in the write's transaction),
and :func:`personal_records` reads them (one row). Tested equal over random logs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from retrostride.log.model import Session
from retrostride.science.locomotion import Direction
from retrostride.services.stats import _direction_times, local_day
from retrostride.store import records as kept_records
from retrostride.store.db import Database
from retrostride.store.records import FASTEST_KM_MIN_M, ROUND_DIGITS, KeptRecords

__all__ = ["FASTEST_KM_MIN_M", "PersonalRecords", "personal_records", "records_of"]

PersonalRecords = KeptRecords
"""A person's records (None where there is none): see ``store.records`` for each rule."""


@dataclass(slots=True)
class _Week:
    time_s: float = 0.0
    distance_m: float = 0.0
    sessions: int = 0


def _segment_time_and_distance(
    session: Session,
) -> list[tuple[Direction, float | None, float | None]]:
    """Each segment's direction, time [s] and distance [m] (a single segment: the session's own
    where the segment has none), as the stats count time."""
    single = len(session.segments) == 1
    out = []
    for seg in session.segments:
        time_s = seg.moving_s or seg.elapsed_s
        if time_s is None and single:
            time_s = session.moving_s or session.elapsed_s
        distance = seg.distance_m
        if distance is None and single:
            distance = session.distance_m
        out.append((Direction(seg.direction), time_s, distance))
    return out


def records_of(sessions: Iterable[Session]) -> PersonalRecords:
    """The records of these (stored) sessions: the rule the kept records follow."""
    longest: tuple[float, int] | None = None
    fastest: tuple[float, int] | None = None
    weeks: dict[date, _Week] = {}
    days: set[date] = set()
    for s in sessions:
        sid = s.id or 0
        backward = round(_direction_times(s)[0], ROUND_DIGITS)
        if backward > 0 and (longest is None or (-backward, sid) < (-longest[0], longest[1])):
            longest = (backward, sid)
        for direction, time_s, distance in _segment_time_and_distance(s):
            if (
                direction is Direction.BACKWARD
                and time_s
                and time_s > 0
                and distance is not None
                and distance >= FASTEST_KM_MIN_M
            ):
                per_km = round(time_s * FASTEST_KM_MIN_M / distance, ROUND_DIGITS)
                if fastest is None or (per_km, sid) < fastest:
                    fastest = (per_km, sid)
        day, _undated = local_day(s)
        days.add(day)
        week = weeks.setdefault(day - timedelta(days=day.weekday()), _Week())
        week.time_s += s.moving_s or s.elapsed_s or 0.0
        week.distance_m += s.distance_m or 0.0
        week.sessions += 1
    best_week = min(
        weeks.items(), key=lambda kv: (-round(kv[1].time_s, ROUND_DIGITS), kv[0]), default=None
    )
    streak, streak_first = 0, None
    for day in sorted(days):
        if day - timedelta(days=1) in days:
            continue  # not the first day of a run
        run = 1
        while day + timedelta(days=run) in days:
            run += 1
        if run > streak:
            streak, streak_first = run, day
    return PersonalRecords(
        longest_backward_s=None if longest is None else longest[0],
        longest_backward_session_id=None if longest is None else longest[1],
        fastest_backward_km_s=None if fastest is None else fastest[0],
        fastest_backward_km_session_id=None if fastest is None else fastest[1],
        biggest_week_first_day=None if best_week is None else best_week[0],
        biggest_week_time_s=None if best_week is None else best_week[1].time_s,
        biggest_week_distance_m=None if best_week is None else best_week[1].distance_m,
        biggest_week_sessions=None if best_week is None else best_week[1].sessions,
        streak_days=streak or None,
        streak_first_day=streak_first,
    )


def personal_records(database: Database, person_id: int) -> PersonalRecords:
    """The person's records as kept on write (one row read)."""
    with database.reading() as db:
        return kept_records.kept(db, person_id)
