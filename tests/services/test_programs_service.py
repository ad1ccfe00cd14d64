"""Enrolment, today's dose, status, adherence and the calendar on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import icalendar
import pytest

from retrostride.errors import InputError
from retrostride.log.model import Segment, Session
from retrostride.science.locomotion import Direction, Setting
from retrostride.services import log as log_service
from retrostride.services import programs as service
from retrostride.services.log import SessionNotFound
from retrostride.store.db import Database

START = date(2026, 3, 2)  # a Monday
NO = {q.id: False for q in service.screening_questions()}


def log_backward(
    db: Database,
    day: date,
    *,
    minutes: float = 10,
    pain: tuple[float, float] = (1, 1),
    rpe: float = 4,
    person: str = "me",
    direction: Direction = Direction.BACKWARD,
) -> None:
    start = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)
    session = Session(
        sport="walking",
        start_utc=start,
        utc_offset_s=0,
        elapsed_s=minutes * 60,
        moving_s=minutes * 60,
        setting=Setting.TREADMILL,
        rpe=rpe,
        pain_before=pain[0],
        pain_after=pain[1],
        segments=[
            Segment(
                start_offset_s=0,
                elapsed_s=minutes * 60,
                moving_s=minutes * 60,
                direction=direction,
                speed_m_s=0.6,
            )
        ],
    )
    log_service.add_session(db, session, person)


def test_enrol_log_and_progress(db: Database) -> None:
    _, result, blocked = service.enrol(db, "knee-oa", START, NO)
    assert result.status == "cleared" and blocked == []
    for day in (2, 4, 6):
        log_backward(db, date(2026, 3, day))
    status = service.status(db, today=date(2026, 3, 10))
    assert status.adherence.completed == 3 and status.adherence.due == 4
    assert status.plan.weeks[1].decision is not None
    assert status.plan.weeks[1].decision.rule == "progress-comfortable"
    assert status.next_prescription.speed_m_s == pytest.approx(2.2 / 3.6, rel=1e-12)
    today = service.today(db, day=date(2026, 3, 9))
    assert today.match is not None and today.match.planned.on == date(2026, 3, 9)
    assert today.prescription.speed_m_s == pytest.approx(2.2 / 3.6, rel=1e-12)
    assert any("fall" in g for g in today.guidance)
    off = service.today(db, day=date(2026, 3, 10))
    assert off.match is None and off.next_session == date(2026, 3, 11)


def test_forward_sessions_do_not_count_and_rising_pain_steps_back(db: Database) -> None:
    service.enrol(db, "knee-oa", START, NO)
    log_backward(db, date(2026, 3, 2), direction=Direction.FORWARD)
    for day in (4, 6):
        log_backward(db, date(2026, 3, day), pain=(2, 6))
    status = service.status(db, today=date(2026, 3, 10))
    assert status.adherence.completed == 2
    assert len(status.plan.unmatched) == 1
    assert status.next_decision is not None and status.next_decision.rule == "step-back-pain-rise"
    assert status.next_prescription.duration_s == pytest.approx(480, rel=1e-12)


def test_screening_stop_needs_a_clearance_and_is_recorded(db: Database) -> None:
    answers = {**NO, "recent-surgery": True}
    with pytest.raises(service.ScreeningStop):
        service.enrol(db, "knee-oa", START, answers)
    with pytest.raises(service.NotEnrolled):
        service.active_enrolment(db)
    enrolment, result, _ = service.enrol(
        db, "knee-oa", START, answers, cleared_by="Dr A. Example, orthopaedic surgeon"
    )
    assert result.status == "stop"
    assert enrolment.cleared_by == "Dr A. Example, orthopaedic surgeon"


def test_restrictions_travel_with_the_enrolment(db: Database) -> None:
    _, _, blocked = service.enrol(db, "beginner", START, {**NO, "falls": True})
    assert any("deadmill" in line for line in blocked)
    enrolment = service.active_enrolment(db)
    assert "handrails-or-spotter" in enrolment.restrictions
    guidance = service.today(db, day=START).guidance
    assert any("spotter" in g for g in guidance)


def test_one_active_enrolment_per_program_unless_replaced(db: Database) -> None:
    service.enrol(db, "knee-oa", START, NO)
    with pytest.raises(InputError, match="replace"):
        service.enrol(db, "knee-oa", date(2026, 4, 6), NO)
    service.enrol(db, "knee-oa", date(2026, 4, 6), NO, replace=True)
    assert service.active_enrolment(db).start == date(2026, 4, 6)
    service.enrol(db, "fitness", START, NO)
    assert service.active_enrolment(db, program_id="knee-oa").program.id == "knee-oa"
    assert service.stop(db, program_id="fitness") == 1
    assert service.active_enrolment(db).program.id == "knee-oa"


def test_people_are_kept_apart(db: Database) -> None:
    service.enrol(db, "knee-oa", START, NO, person="ann")
    log_backward(db, START, person="bob")
    with pytest.raises(service.NotEnrolled):
        service.active_enrolment(db, person="bob")
    assert service.status(db, person="ann", today=date(2026, 3, 3)).adherence.completed == 0


def test_calendar_export_parses_back(db: Database) -> None:
    service.enrol(db, "balance", START, NO)
    stamp = datetime(2026, 3, 1, tzinfo=UTC)
    cal = icalendar.Calendar.from_ical(service.export_ics(db, today=START, stamp=stamp))
    events = list(cal.walk("VEVENT"))
    assert len(events) == 24  # 12 weeks x 2 sessions
    assert all("UID" in e and "DTSTAMP" in e and "DTSTART" in e for e in events)


def test_weekly_volume_by_direction(db: Database) -> None:
    service.enrol(db, "knee-oa", START, NO)
    log_backward(db, START, minutes=12)
    log_backward(db, date(2026, 3, 3), minutes=20, direction=Direction.FORWARD)
    weeks = service.weekly_volume(service.plan_for(db, today=date(2026, 3, 10)))
    assert weeks[0]["backward"] == pytest.approx(12, rel=1e-12)
    assert weeks[0]["forward"] == pytest.approx(20, rel=1e-12)
    assert weeks[1] == pytest.approx({"backward": 0.0, "forward": 0.0, "other": 0.0}, abs=1e-12)


def test_a_fall_logged_with_a_session_steps_back_and_flags(db: Database) -> None:
    service.enrol(db, "knee-oa", START, NO, age_years=60, tug_s=9.0)
    for day in (2, 4, 6, 9, 11, 13):
        log_backward(db, date(2026, 3, day))
    before = service.status(db, today=date(2026, 3, 17))
    assert not before.plan.flags
    sessions = service.logged_sessions_loaded  # the log as the rules see it
    with db.transaction() as orm:
        ids = [s.id for s in sessions(orm, 1)]
    assert service.record_safety_event(db, ids[-1], "fall") == "fall"
    after = service.status(db, today=date(2026, 3, 17))
    assert len(after.plan.flags) == 1
    assert after.plan.weeks[2].decision is not None
    assert after.plan.weeks[2].decision.rule == "step-back-after-fall"
    with pytest.raises(InputError):
        service.record_safety_event(db, ids[-1], "trip")
    with pytest.raises(SessionNotFound):  # not the person's: not disclosed
        service.record_safety_event(db, 10_000, "fall")


def _log_around_the_program(db: Database) -> None:
    """Sessions long before, during and long after the program, of every direction mix."""
    kinds = [
        [Direction.BACKWARD],
        [Direction.FORWARD, Direction.BACKWARD],
        [Direction.UNKNOWN],
        [Direction.MIXED, Direction.FORWARD],
        [],
    ]
    days = [date(2024, 1, 5), date(2026, 2, 20), date(2026, 2, 27)]
    days += [START + timedelta(days=k) for k in range(0, 60, 2)]
    days += [date(2026, 6, 1), date(2027, 1, 1)]
    for i, day in enumerate(days):
        directions = kinds[i % len(kinds)]
        session = Session(
            sport="cycling" if i % 7 == 3 else "walking",
            start_utc=datetime(day.year, day.month, day.day, 7 + i % 5, tzinfo=UTC),
            utc_offset_s=3600 * (i % 3),
            elapsed_s=600.0 + 30 * i,
            moving_s=None if i % 4 == 1 else 0.0 if i % 4 == 2 else 550.0 + 30 * i,
            setting=Setting.TREADMILL,
            rpe=3 + i % 5,
            pain_before=i % 3,
            pain_after=i % 4,
            segments=[
                Segment(
                    start_offset_s=100.0 * k,
                    elapsed_s=None if (i + k) % 3 == 0 else 200.0 + k,
                    moving_s=None if (i + k) % 2 else 150.0 + k,
                    direction=d,
                )
                for k, d in enumerate(directions)
            ],
        )
        log_service.add_session(db, session)


def test_the_window_read_equals_the_whole_log_loaded(db: Database) -> None:
    """Adherence from the program's window (SQL, two queries) equals the computation over the
    whole log loaded session by session."""
    from retrostride.training.plan import build_plan

    _, _, _ = service.enrol(db, "knee-oa", START, NO)
    _log_around_the_program(db)
    with db.transaction() as orm:
        ids = [s.id for s in service.logged_sessions_loaded(orm, 1)]
    service.record_safety_event(db, ids[12], "near-fall")
    enrolment = service.active_enrolment(db)
    first, last = service.program_window(enrolment.program, enrolment.start)
    with db.reading() as orm:
        whole = service.logged_sessions_loaded(orm, 1)
        window = service.logged_sessions(orm, 1, first, last)
    expected = [s for s in whole if first <= s.on <= last]
    assert 0 < len(window) < len(whole)
    assert [s.id for s in window] == [s.id for s in expected]
    for fast, slow in zip(window, expected, strict=True):
        assert (fast.on, fast.sport, fast.directions, fast.safety_event) == (
            slow.on, slow.sport, slow.directions, slow.safety_event
        )
        for name in ("duration_s", "backward_s", "rpe", "pain_before", "pain_after"):
            a, b = getattr(fast, name), getattr(slow, name)
            assert (a is None) == (b is None), name
            if a is not None:
                assert a == pytest.approx(b, rel=1e-12, abs=1e-9), name
    rules = service.catalogue().rule_sets[enrolment.program.rules]
    for today in (date(2026, 3, 20), date(2026, 4, 15), date(2026, 9, 1)):
        slow_plan = build_plan(enrolment.program, rules, enrolment.start, whole, today)
        fast = service.status(db, today=today)
        assert fast.adherence == slow_plan.adherence()
        assert [
            (w.status, w.prescription, [m.logged.id if m.logged else None for m in w.matches])
            for w in fast.plan.weeks
        ] == [
            (w.status, w.prescription, [m.logged.id if m.logged else None for m in w.matches])
            for w in slow_plan.weeks
        ]



def test_an_enrolments_program_is_parsed_once_per_process(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    service.enrol(db, "knee-oa", START, NO)
    parsed: list[str] = []
    real = service.parse_program_text

    def counting(text: str, name: str = "program.toml") -> Any:
        parsed.append(name)
        return real(text, name)

    monkeypatch.setattr(service, "parse_program_text", counting)
    service._parsed_program.cache_clear()
    first = service.plan_for(db, today=START + timedelta(days=3))
    for _ in range(3):
        again = service.plan_for(db, today=START + timedelta(days=3))
    assert parsed == ["knee-oa.toml"]
    assert again.enrolment.program is first.enrolment.program
    assert service.screening_questions() is service.screening_questions()


def test_the_plan_is_kept_until_something_is_written(
    db: Database, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second read of an unchanged log reuses the plan (the rules are not applied again, on
    SQLite, where nothing else writes); every kind of write that changes the plan is seen at
    once, on both backends."""
    service.enrol(db, "knee-oa", START, NO)
    log_backward(db, START)
    built: list[date] = []
    real = service.build_plan

    def counting(*args: Any, **kwargs: Any) -> Any:
        built.append(args[4])
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "build_plan", counting)
    day = START + timedelta(days=8)
    first = service.plan_for(db, today=day)
    again = service.plan_for(db, today=day)
    assert again.plan == first.plan
    if database_url.startswith("sqlite"):  # PostgreSQL's token moves with any commit on the server
        assert again is first and built == [day]
    assert service.plan_for(db, today=day + timedelta(days=1)).plan.today == day + timedelta(days=1)

    log_backward(db, START + timedelta(days=2))  # a session in the window
    added = service.plan_for(db, today=day)
    assert len(added.logged) == len(first.logged) + 1
    session_id = added.logged[-1].id
    service.record_safety_event(db, session_id, "fall")  # a session's field the rules read
    fell = service.plan_for(db, today=day)
    assert [s.safety_event for s in fell.logged if s.id == session_id] == ["fall"]
    log_service.delete_session(db, session_id, "me")
    assert service.plan_for(db, today=day).logged == first.logged
    service.stop(db)
    with pytest.raises(service.NotEnrolled):
        service.plan_for(db, today=day)
