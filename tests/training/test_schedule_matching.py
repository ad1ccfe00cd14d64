"""Schedules from a start date, and logged sessions matched to planned ones."""

from __future__ import annotations

from datetime import date, timedelta

from retrostride.training.loader import load_catalogue
from retrostride.training.schedule import (
    LoggedSession,
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
