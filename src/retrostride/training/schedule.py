"""The schedule of a program from a start date, and the matching of logged sessions to it.

Week ``w`` (0-based) covers the seven days from ``start + 7 w``; each week has one planned
session on each of the program's weekdays. A logged session matches a planned one when it is
of one of the program's sports, within ``window_days`` of the planned date, not clearly of the
other direction, and not already matched (closest dates are paired first).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from retrostride.training.program import WEEKDAYS, Program


@dataclass(frozen=True, slots=True)
class PlannedSession:
    """A planned session: its week (0-based), its position in the plan, its date."""

    week: int
    index: int
    on: date


@dataclass(frozen=True, slots=True)
class LoggedSession:
    """What the rules need of a logged session (built by the service from the log).

    ``on`` is the local date; ``directions`` the directions of its segments (``backward``,
    ``forward``, ``mixed``, ``unknown``); ``backward_s`` the time spent backward [s] when known.
    """

    id: int
    on: date
    sport: str
    directions: frozenset[str]
    duration_s: float | None = None
    backward_s: float | None = None
    rpe: float | None = None
    pain_before: float | None = None
    pain_after: float | None = None
    safety_event: str | None = None
    """``stumble``, ``near-fall`` or ``fall`` reported with the session, else None."""

    @property
    def done_s(self) -> float | None:
        """The time that counts towards a backward prescription [s]."""
        return self.backward_s if self.backward_s is not None else self.duration_s


@dataclass(frozen=True, slots=True)
class Match:
    """A planned session and the logged session that fulfilled it (or None)."""

    planned: PlannedSession
    logged: LoggedSession | None
    direction_confirmed: bool = False


def week_start(start: date, week: int) -> date:
    return start + timedelta(days=7 * week)


def week_of(start: date, day: date) -> int:
    """The 0-based week of ``day`` in a plan starting on ``start`` (negative before it)."""
    return (day - start).days // 7


def generate_schedule(program: Program, start: date) -> list[PlannedSession]:
    """Every planned session of ``program`` started on ``start``, in date order."""
    offsets = sorted((WEEKDAYS.index(d) - start.weekday()) % 7 for d in program.days)
    out: list[PlannedSession] = []
    for week in range(program.weeks):
        for offset in offsets:
            out.append(PlannedSession(week, len(out), week_start(start, week) + timedelta(offset)))
    return out


def _direction_ok(wanted: str, directions: frozenset[str]) -> tuple[bool, bool]:
    """(acceptable, confirmed) for a planned direction and a session's segment directions."""
    if wanted in directions or "mixed" in directions:
        return True, True
    if not directions or directions <= {"unknown"}:
        return True, False
    return False, False


def match_sessions(
    planned: Sequence[PlannedSession],
    logged: Iterable[LoggedSession],
    *,
    sports: Sequence[str],
    direction: str,
    window_days: int,
) -> tuple[list[Match], list[LoggedSession]]:
    """Pair logged sessions with planned ones; returns one match per planned session (in plan
    order) and the logged sessions left unmatched."""
    candidates: list[tuple[int, int, int, bool]] = []
    logs = [s for s in logged if s.sport in sports]
    others = [s for s in logged if s.sport not in sports]
    by_day = sorted(planned, key=lambda p: p.on)  # each session looks at its window's only
    days = [p.on.toordinal() for p in by_day]
    for li, session in enumerate(logs):
        ok, confirmed = _direction_ok(direction, session.directions)
        if not ok:
            continue
        day = session.on.toordinal()
        lo = bisect_left(days, day - window_days)
        hi = bisect_right(days, day + window_days)
        for k in range(lo, hi):
            # prefer confirmed direction, then the closest date, then the earlier plan slot
            gap = abs(day - days[k])
            candidates.append((gap * 2 + (0 if confirmed else 1), by_day[k].index, li, confirmed))
    candidates.sort()
    by_plan: dict[int, tuple[LoggedSession, bool]] = {}
    used: set[int] = set()
    for _, plan_index, li, confirmed in candidates:
        if plan_index in by_plan or li in used:
            continue
        by_plan[plan_index] = (logs[li], confirmed)
        used.add(li)
    matches = []
    for p in planned:
        hit = by_plan.get(p.index)
        matches.append(Match(p, hit[0] if hit else None, hit[1] if hit else False))
    unmatched = [s for i, s in enumerate(logs) if i not in used] + others
    return matches, unmatched
