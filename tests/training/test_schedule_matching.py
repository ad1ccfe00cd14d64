"""Schedules from a start date, and logged sessions matched to planned ones."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from retrostride.training.loader import load_catalogue
from retrostride.training.schedule import (
    LoggedSession,
    Match,
    PlannedSession,
    _direction_ok,
    generate_schedule,
    match_sessions,
    week_of,
)

PROGRAM = load_catalogue().program("knee-oa")


def log(
    i: int, on: date, directions: set[str] | None = None, sport: str = "walking"
) -> LoggedSession:
    return LoggedSession(
        i, on, sport, frozenset({"backward"} if directions is None else directions), 600.0
    )


def test_schedule_on_the_programs_weekdays_from_a_midweek_start() -> None:
    start = date(2026, 1, 7)  # a Wednesday
    plan = generate_schedule(PROGRAM, start)
    assert len(plan) == 18
    assert [p.on.strftime("%a") for p in plan[:3]] == ["Wed", "Fri", "Mon"]
    assert plan[0].on == start and plan[2].on == date(2026, 1, 12)
    assert all(week_of(start, p.on) == p.week for p in plan)
    assert plan[-1].on < start + timedelta(weeks=6)


def test_matching_by_date_window_sport_and_direction() -> None:
    start = date(2026, 1, 5)
    plan = generate_schedule(PROGRAM, start)[:3]  # Mon 5, Wed 7, Fri 9
    logs = [
        log(1, date(2026, 1, 6)),  # Tuesday: one day after Monday -> Monday
        log(2, date(2026, 1, 7), {"forward"}),  # forward only: not this program's sessions
        log(3, date(2026, 1, 7), {"unknown"}),  # direction unknown: matched, unconfirmed
        log(4, date(2026, 1, 9), sport="cycling"),  # other sport
        log(5, date(2026, 1, 12)),  # 3 days after Friday: outside the window
    ]
    matches, unmatched = match_sessions(
        plan, logs, sports=["walking"], direction="backward", window_days=1
    )
    assert [m.logged.id if m.logged else None for m in matches] == [1, 3, None]
    assert matches[0].direction_confirmed and not matches[1].direction_confirmed
    assert {s.id for s in unmatched} == {2, 4, 5}


def test_one_logged_session_fulfils_one_planned_session_and_closest_wins() -> None:
    start = date(2026, 1, 5)
    plan = generate_schedule(PROGRAM, start)[:2]  # Mon 5, Wed 7
    logs = [log(1, date(2026, 1, 6)), log(2, date(2026, 1, 7)), log(3, date(2026, 1, 7))]
    matches, unmatched = match_sessions(
        plan, logs, sports=["walking"], direction="backward", window_days=1
    )
    assert [m.logged.id if m.logged else None for m in matches] == [1, 2]
    assert [s.id for s in unmatched] == [3]


def test_mixed_direction_counts_as_backward() -> None:
    plan = generate_schedule(PROGRAM, date(2026, 1, 5))[:1]
    matches, _ = match_sessions(
        plan,
        [log(1, date(2026, 1, 5), {"forward", "mixed"})],
        sports=["walking"],
        direction="backward",
        window_days=0,
    )
    assert matches[0].logged is not None and matches[0].direction_confirmed


def _match_all_pairs(
    planned: list[PlannedSession], logged: list[LoggedSession], window_days: int
) -> tuple[list[Match], list[LoggedSession]]:
    """The matching's definition: every logged session against every planned one."""
    logs = [s for s in logged if s.sport in PROGRAM.sport]
    candidates = []
    for li, session in enumerate(logs):
        ok, confirmed = _direction_ok("backward", session.directions)
        if not ok:
            continue
        for p in planned:
            gap = abs((session.on - p.on).days)
            if gap <= window_days:
                candidates.append((gap * 2 + (0 if confirmed else 1), p.index, li, confirmed))
    candidates.sort()
    by_plan: dict[int, tuple[LoggedSession, bool]] = {}
    used: set[int] = set()
    for _, plan_index, li, confirmed in candidates:
        if plan_index not in by_plan and li not in used:
            by_plan[plan_index] = (logs[li], confirmed)
            used.add(li)
    matches = [
        Match(p, by_plan[p.index][0] if p.index in by_plan else None,
              by_plan[p.index][1] if p.index in by_plan else False)
        for p in planned
    ]
    unmatched = [s for i, s in enumerate(logs) if i not in used]
    return matches, unmatched + [s for s in logged if s.sport not in PROGRAM.sport]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(-10, 140), st.sampled_from(["walking", "running", "cycling"]),
            st.sampled_from([frozenset(), frozenset({"backward"}), frozenset({"forward"}),
                             frozenset({"unknown"}), frozenset({"mixed", "forward"})]),
        ),
        max_size=60,
    ),
    st.integers(0, 6),
    st.integers(-2, 9),
)
def test_matching_looks_at_each_sessions_window_only_and_finds_the_same_pairs(
    days: list[tuple[int, str, frozenset[str]]], weekday: int, window_days: int
) -> None:
    start = date(2026, 1, 5) + timedelta(days=weekday)
    planned = generate_schedule(PROGRAM, start)
    logged = [
        LoggedSession(i, start + timedelta(days=d), sport, directions, 600.0)
        for i, (d, sport, directions) in enumerate(days)
    ]
    got = match_sessions(
        planned, logged, sports=PROGRAM.sport, direction="backward", window_days=window_days
    )
    assert got == _match_all_pairs(planned, logged, window_days)
