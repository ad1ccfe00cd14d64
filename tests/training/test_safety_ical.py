"""Screening, fall-risk guidance on every backward prescription, and the calendar export."""

from __future__ import annotations

from datetime import UTC, date, datetime

import icalendar
import pytest

from retrostride.errors import InputError
from retrostride.training.ical import plan_to_ical
from retrostride.training.loader import load_catalogue, shipped_dir
from retrostride.training.plan import build_plan
from retrostride.training.safety import check_program, fall_risk_guidance, load_questions, screen

from .histories import COMFORTABLE, history

QUESTIONS = load_questions(shipped_dir() / "screening.toml")
NO = {q.id: False for q in QUESTIONS}


def test_screening_asks_about_falls_balance_dizziness_and_recent_surgery() -> None:
    ids = {q.id for q in QUESTIONS}
    assert {"falls", "balance", "dizziness", "recent-surgery"} <= ids
    effects = {q.id: q.effect for q in QUESTIONS}
    assert effects["dizziness"] == effects["recent-surgery"] == "stop"
    assert effects["falls"] == effects["balance"] == "modify"


def test_screening_outcomes() -> None:
    assert screen(QUESTIONS, NO).status == "cleared"
    fallen = screen(QUESTIONS, {**NO, "falls": True})
    assert fallen.status == "modified" and "handrails-or-spotter" in fallen.restrictions
    stopped = screen(QUESTIONS, {**NO, "falls": True, "recent-surgery": True})
    assert stopped.status == "stop" and not stopped.may_start
    assert "recent-surgery" in stopped.reasons
    with pytest.raises(InputError, match="screening"):
        screen(QUESTIONS, {"falls": False})


def test_restrictions_block_deadmill_and_sled_levels_of_the_beginner_path() -> None:
    beginner = load_catalogue().program("beginner")
    lines = check_program(beginner, screen(QUESTIONS, {**NO, "falls": True}))
    text = " ".join(lines)
    assert "deadmill" in text and "sled" in text
    assert "level 1" not in text  # the treadmill with handrails stays allowed
    assert check_program(beginner, screen(QUESTIONS, NO)) == []


def test_every_backward_prescription_carries_fall_risk_guidance() -> None:
    for program in load_catalogue().programs.values():
        for level in program.levels:
            guidance = fall_risk_guidance(level.start)
            assert level.start.direction == "backward"
            assert any("fall" in g for g in guidance), (program.id, level.name)
            assert len(guidance) >= 3


def test_ical_export_parses_back_with_uid_dtstamp_dtstart() -> None:
    cat = load_catalogue()
    program = cat.program("knee-oa")
    start = date(2026, 3, 2)
    plan = build_plan(
        program,
        cat.rules_for(program),
        start,
        history(program, start, [COMFORTABLE]),
        date(2026, 3, 10),
    )
    stamp = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    data = plan_to_ical(
        plan,
        uid_base="abc123",
        time_zone="Europe/Berlin",
        stamp=stamp,
        restrictions=("handrails-or-spotter",),
    )
    cal = icalendar.Calendar.from_ical(data)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 18
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == 18 and all(u.startswith("abc123-") for u in uids)
    first = events[0]
    assert first["DTSTAMP"].dt == stamp
    dtstart = first["DTSTART"].dt
    assert dtstart.date() == start and dtstart.hour == 10
    assert str(dtstart.tzinfo) == "Europe/Berlin"
    assert first["DURATION"].dt.total_seconds() == 600  # "PT10M" read back: exact
    assert "falls" in str(first["DESCRIPTION"])
    assert [c for c in cal.walk("VTIMEZONE") if str(c["TZID"]) == "Europe/Berlin"]
    assert cal["VERSION"] == "2.0" and "PRODID" in cal
    # the same plan exported twice keeps its UIDs (calendars update instead of duplicating)
    again = icalendar.Calendar.from_ical(
        plan_to_ical(plan, uid_base="abc123", time_zone="Europe/Berlin", stamp=stamp)
    )
    assert [str(e["UID"]) for e in again.walk("VEVENT")] == uids


def test_screening_asks_fear_of_falling_and_uses_age_and_tug() -> None:
    # CDC STEADI (Stevens & Phelan 2013): worry about falling is a key question; a Timed Up and
    # Go of 12 s or more means a higher risk of falling.
    assert "fear-of-falling" in {q.id for q in QUESTIONS}
    afraid = screen(QUESTIONS, {**NO, "fear-of-falling": True}, age_years=50)
    assert afraid.status == "modified" and "handrails-or-spotter" in afraid.restrictions
    slow = screen(QUESTIONS, NO, age_years=72, tug_s=12.0)
    assert slow.status == "modified" and "tug" in slow.reasons
    assert {"supervised", "handrails-or-spotter"} <= set(slow.restrictions)
    quick = screen(QUESTIONS, NO, age_years=72, tug_s=11.9)
    assert quick.status == "cleared"
    untested = screen(QUESTIONS, NO, age_years=70)
    assert untested.status == "modified" and "age" in untested.reasons
    assert screen(QUESTIONS, NO, age_years=40).status == "cleared"
    assert any("Age not given" in line for line in screen(QUESTIONS, NO).advice)
    with pytest.raises(InputError):
        screen(QUESTIONS, NO, tug_s=-3)
