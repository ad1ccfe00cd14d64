"""Programs: list and show, screen and enrol a person, today's prescription, status and
adherence, the next prescription from the rules, and the calendar export.

The plan is recomputed from the log each time (:func:`retrostride.training.plan.build_plan` is
pure), from the snapshot of the program taken at enrolment.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Row, bindparam, case, func, select
from sqlalchemy.orm import Session as OrmSession

from retrostride.errors import InputError, RetrostrideError
from retrostride.log.model import SAFETY_EVENTS
from retrostride.services.log import SessionNotFound
from retrostride.store import data_version
from retrostride.store import repository as repo
from retrostride.store.db import Database, utc_now
from retrostride.store.models import PersonRow, SegmentRow, SessionRow
from retrostride.store.programs import EnrolmentRow
from retrostride.training.ical import plan_to_ical
from retrostride.training.loader import Catalogue, load_catalogue, parse_program_text
from retrostride.training.plan import Adherence, ProgramPlan, WeekPlan, build_plan
from retrostride.training.program import Exercise, Prescription, Program
from retrostride.training.rules import Decision
from retrostride.training.safety import (
    Question,
    ScreeningResult,
    check_program,
    fall_risk_guidance,
    load_questions,
    screen,
)
from retrostride.training.schedule import LoggedSession, Match

DEFAULT_PERSON = "me"


class ScreeningStop(RetrostrideError):
    """The screening says: do not start before a health professional clears it."""

    def __init__(self, result: ScreeningResult) -> None:
        self.result = result
        super().__init__(
            "the screening answers ("
            + ", ".join(result.reasons)
            + ") mean: see a doctor or physiotherapist before starting; once cleared, "
            "enrol again naming who cleared it"
        )


class AlreadyEnrolled(InputError):
    """The program is already active for this person (restart it with ``replace``)."""


class NotEnrolled(RetrostrideError, LookupError):
    def __init__(self, person: str, program_id: str | None) -> None:
        what = f"program {program_id}" if program_id else "any program"
        super().__init__(f"{person} is not enrolled on {what}; start a program first")


_catalogue: Catalogue | None = None


def catalogue() -> Catalogue:
    """The shipped programs and rule sets (read once)."""
    global _catalogue
    if _catalogue is None:
        _catalogue = load_catalogue()
    return _catalogue


def list_programs() -> list[Program]:
    return sorted(catalogue().programs.values(), key=lambda p: p.id)


def get_program(program_id: str) -> Program:
    return catalogue().program(program_id)


@functools.cache
def screening_questions() -> tuple[Question, ...]:
    """The shipped screening questions (read once per process: a frozen tuple)."""
    from retrostride.training.loader import shipped_dir

    return load_questions(shipped_dir() / "screening.toml")


@dataclass(frozen=True, slots=True)
class Enrolment:
    id: int
    uid: str
    person: str
    program: Program
    start: date
    status: str
    screening_status: str
    restrictions: tuple[str, ...]
    cleared_by: str | None


@functools.lru_cache(maxsize=64)
def _parsed_program(text: str, name: str) -> Program:
    """The program of an enrolment's TOML snapshot, parsed once per process (a frozen value:
    parsing it took most of a dashboard request's time)."""
    return parse_program_text(text, name)


def _to_enrolment(row: EnrolmentRow | Row[Any, *tuple[Any, ...]], person: str) -> Enrolment:
    return Enrolment(
        row.id,
        row.uid,
        person,
        _parsed_program(row.program_source, f"{row.program_id}.toml"),
        row.start_date,
        row.status,
        row.screening_status,
        tuple(r for r in row.restrictions.split(",") if r),
        row.cleared_by,
    )


def enrol(
    database: Database,
    program_id: str,
    start: date,
    answers: Mapping[str, bool],
    *,
    person: str = DEFAULT_PERSON,
    cleared_by: str | None = None,
    replace: bool = False,
    age_years: float | None = None,
    tug_s: float | None = None,
) -> tuple[Enrolment, ScreeningResult, list[str]]:
    """Screen, then enrol ``person`` on ``program_id`` from ``start``.

    Returns the enrolment, the screening result and the program levels the screening's
    restrictions forbid. A ``stop`` screening raises :class:`ScreeningStop` unless
    ``cleared_by`` names who cleared the person. An active enrolment on the same program is
    refused unless ``replace`` (which stops it). ``age_years`` and ``tug_s`` (Timed Up and Go
    [s]) add the STEADI fall-risk checks (:func:`retrostride.training.safety.screen`).
    """
    program = get_program(program_id)
    result = screen(screening_questions(), answers, age_years=age_years, tug_s=tug_s)
    if not result.may_start and not (cleared_by and cleared_by.strip()):
        raise ScreeningStop(result)
    with database.transaction() as db:
        person_row = repo.get_or_create_person(db, person)
        active = _active_rows(db, person_row.id, program_id)
        if active and not replace:
            raise AlreadyEnrolled(
                "program",
                program_id,
                f"a program not already active (started {active[0].start_date}); "
                "replace it to start it again",
            )
        for row in active:
            row.status = "stopped"
            row.stopped_at = utc_now()
        row = EnrolmentRow(
            person_id=person_row.id,
            uid=uuid.uuid4().hex,
            program_id=program.id,
            program_version=program.version,
            program_source=program.source_text,
            start_date=start,
            status="active",
            screening_status=result.status,
            screening_answers=json.dumps(
                {**answers, "age_years": age_years, "tug_s": tug_s}, sort_keys=True
            ),
            restrictions=",".join(result.restrictions),
            cleared_by=cleared_by.strip() if cleared_by else None,
            created_at=utc_now(),
        )
        db.add(row)
        db.flush()
        enrolment = _to_enrolment(row, person)
    return enrolment, result, check_program(program, result)


def _active_rows(db: OrmSession, person_id: int, program_id: str | None) -> list[EnrolmentRow]:
    query = select(EnrolmentRow).where(
        EnrolmentRow.person_id == person_id, EnrolmentRow.status == "active"
    )
    if program_id is not None:
        query = query.where(EnrolmentRow.program_id == program_id)
    return list(db.scalars(query.order_by(EnrolmentRow.start_date.desc(), EnrolmentRow.id.desc())))


def active_enrolment(
    database: Database, *, person: str = DEFAULT_PERSON, program_id: str | None = None
) -> Enrolment:
    """The person's most recently started active enrolment (on ``program_id`` if given)."""
    with database.reading() as db:
        return _active_enrolment(db, person, program_id)[1]


def _active_enrolment(
    db: OrmSession, person: str, program_id: str | None
) -> tuple[int, Enrolment]:
    """(the person's id, their active enrolment) read on ``db``; :class:`NotEnrolled`."""
    pid = repo.find_person_id(db.connection(), person)  # Core: no ORM machinery
    rows = [] if pid is None else _active_rows(db, pid, program_id)
    if pid is None or not rows:
        raise NotEnrolled(person, program_id)
    return pid, _to_enrolment(rows[0], person)


def stop(database: Database, *, person: str = DEFAULT_PERSON, program_id: str | None = None) -> int:
    """Stop the person's active enrolment(s); returns how many were stopped."""
    with database.transaction() as db:
        person_row = repo.find_person(db, person)
        rows = [] if person_row is None else _active_rows(db, person_row.id, program_id)
        for row in rows:
            row.status = "stopped"
            row.stopped_at = utc_now()
        return len(rows)


def _local_date(row: SessionRow) -> date:
    if row.start_utc is None:
        return row.imported_at.date()
    return (row.start_utc + timedelta(seconds=row.utc_offset_s or 0)).date()


def logged_sessions_loaded(db: OrmSession, person_id: int) -> list[LoggedSession]:
    """The person's whole log as the training layer sees it, from loaded rows: the reference
    that :func:`logged_sessions` is tested equal to (it loads every session, one segment query
    each; no request uses it)."""
    out = []
    for row in repo.list_session_rows(db, person_id):
        directions = frozenset(s.direction for s in row.segments)
        backward = [s for s in row.segments if s.direction == "backward"]
        backward_s = None
        if backward:
            backward_s = sum((s.moving_s or s.elapsed_s or 0.0) for s in backward)
        out.append(
            LoggedSession(
                id=row.id,
                on=_local_date(row),
                sport=row.sport,
                directions=directions,
                duration_s=row.moving_s or row.elapsed_s,
                backward_s=backward_s,
                rpe=row.rpe,
                pain_before=row.pain_before,
                pain_after=row.pain_after,
                safety_event=row.safety_event,
            )
        )
    return out


_ses = SessionRow.__table__.c
_per = PersonRow.__table__.c
_seg = SegmentRow.__table__.c
_WINDOW = (
    _ses.person_id == bindparam("person_id"),
    _ses.local_date >= bindparam("first"),
    _ses.local_date <= bindparam("last"),
)
_SEGMENT_TIME = case(
    (_seg.moving_s != 0, _seg.moving_s), (_seg.elapsed_s != 0, _seg.elapsed_s), else_=0.0
)
_LOGGED = (
    select(
        _ses.id, _ses.local_date, _ses.sport,
        case((_ses.moving_s != 0, _ses.moving_s), else_=_ses.elapsed_s),
        _ses.rpe, _ses.pain_before, _ses.pain_after, _ses.safety_event,
        func.aggregate_strings(_seg.direction, ","),
        func.sum(case((_seg.direction == "backward", _SEGMENT_TIME))),
    )
    .select_from(SessionRow.__table__.outerjoin(SegmentRow.__table__, _seg.session_id == _ses.id))
    .where(*_WINDOW)
    .group_by(_ses.id)
    .order_by(func.coalesce(_ses.start_utc, _ses.imported_at), _ses.id)
)
"""The window's sessions with their segments' directions and backward time summed per
session (None without a backward segment): one statement, one row a session."""


def logged_sessions(
    db: OrmSession | Connection, person_id: int, first: date, last: date
) -> list[LoggedSession]:
    """The person's sessions dated (``session.local_date``) from ``first`` to ``last`` as the
    training layer sees them, in log order (start, else import time, then id): one indexed
    query, the segments' directions and backward time summed per session in SQL. Equal to
    :func:`logged_sessions_loaded` over the same days."""
    params = {"person_id": person_id, "first": first, "last": last}
    return [
        LoggedSession(
            id=sid,
            on=on,
            sport=sport,
            directions=frozenset(directions.split(",")) if directions else frozenset(),
            duration_s=duration_s,
            backward_s=None if backward_s is None else float(backward_s),
            rpe=rpe,
            pain_before=pain_before,
            pain_after=pain_after,
            safety_event=safety_event,
        )
        for (
            sid, on, sport, duration_s, rpe, pain_before, pain_after, safety_event, directions,
            backward_s,
        ) in db.execute(_LOGGED, params)
    ]


def program_window(program: Program, start: date) -> tuple[date, date]:
    """The days whose sessions can match the program's planned ones: from ``match_window_days``
    before its first week to as many days after its last (both included)."""
    margin = timedelta(days=program.match_window_days)
    return start - margin, start + timedelta(days=7 * program.weeks - 1) + margin


def record_safety_event(
    database: Database, session_id: int, event: str | None, *, person: str = DEFAULT_PERSON
) -> str | None:
    """Record a stumble, near-fall or fall with ``person``'s session ``session_id`` (None clears).

    The programs' rules read it: a fall steps the program back and flags it for a clinician, a
    near-fall or stumble holds the dose. Returns the event stored.
    """
    if event is not None and event not in SAFETY_EVENTS:
        raise InputError("safety_event", event, " or ".join(SAFETY_EVENTS))
    with database.transaction() as db:
        person_row = repo.find_person(db, person)
        row = db.get(SessionRow, session_id)
        if person_row is None or row is None or row.person_id != person_row.id:
            raise SessionNotFound(session_id)
        row.safety_event = event
    return event


_enr = EnrolmentRow.__table__.c
_ACTIVE = {
    by_program: select(
        _enr.id, _enr.uid, _enr.program_id, _enr.program_source, _enr.start_date, _enr.status,
        _enr.screening_status, _enr.restrictions, _enr.cleared_by, _enr.person_id,
    )
    .select_from(PersonRow.__table__.join(EnrolmentRow.__table__, _enr.person_id == _per.id))
    .where(
        _per.name == bindparam("name"), _enr.status == "active",
        *((_enr.program_id == bindparam("program_id"),) if by_program else ()),
    )
    .order_by(_enr.start_date.desc(), _enr.id.desc())
    .limit(1)
    for by_program in (False, True)
}
"""A person's most recently started active enrolment (on a program) with the person's id, by
the person's name: :func:`_active_enrolment` in one Core statement."""


@dataclass(frozen=True, slots=True)
class EnrolmentPlan:
    enrolment: Enrolment
    plan: ProgramPlan
    logged: tuple[LoggedSession, ...]


def plan_for(
    database: Database,
    *,
    person: str = DEFAULT_PERSON,
    program_id: str | None = None,
    today: date | None = None,
) -> EnrolmentPlan:
    """The active enrolment's plan as of ``today`` (default: the current date), from the
    sessions of the program's window (:func:`program_window`) only: its cost does not grow with
    the log before or after the program. ``plan.unmatched``: the window's sessions that matched
    no planned one.

    Kept per reading connection with the token of the data it was built from
    (``store.data_version``): while nothing was committed since, a request reads that token
    and gets the same plan (a frozen value: never change it) without reading the log or
    applying the rules again; any write (a session, an enrolment) changes the token.
    """
    with database.reading() as db:  # the enrolment and its window's sessions: one read
        return plan_on(db.connection(), person=person, program_id=program_id, today=today)


def plan_on(
    conn: Connection,
    *,
    person: str = DEFAULT_PERSON,
    program_id: str | None = None,
    today: date | None = None,
) -> EnrolmentPlan:
    """:func:`plan_for` read on ``conn`` (a read already open, such as the dashboard's); kept
    with the token of ``conn``'s data (read before the plan's own statements)."""
    day = today or date.today()
    key = (person, program_id, day)
    data_token, kept = data_version.cached(conn, _PLANS, key)
    if kept is not None:
        return cast(EnrolmentPlan, kept)
    found = conn.execute(
        _ACTIVE[program_id is not None], {"name": person, "program_id": program_id}
    ).first()
    if found is None:
        raise NotEnrolled(person, program_id)
    pid, enrolment = found.person_id, _to_enrolment(found, person)
    first, last = program_window(enrolment.program, enrolment.start)
    logged = logged_sessions(conn, pid, first, last)
    rules = catalogue().rule_sets[enrolment.program.rules]
    plan = build_plan(
        enrolment.program, rules, enrolment.start, logged, day, enrolment.restrictions
    )
    out = EnrolmentPlan(enrolment, plan, tuple(logged))
    data_version.keep(conn, _PLANS, key, data_token, out)
    return out


_PLANS = "program_plans"
"""The name of :func:`plan_on`'s cache on a reading connection."""


@dataclass(frozen=True, slots=True)
class Today:
    """What to do on a day: the planned session (if any), its dose and the safety guidance."""

    day: date
    program: Program
    week: WeekPlan | None
    match: Match | None
    prescription: Prescription
    guidance: tuple[str, ...]
    exercises: tuple[Exercise, ...]
    decision: Decision | None
    paused: bool
    finished: bool
    next_session: date | None


def today(
    database: Database,
    *,
    person: str = DEFAULT_PERSON,
    program_id: str | None = None,
    day: date | None = None,
) -> Today:
    """Today's prescription with its fall-risk guidance."""
    return _today(plan_for(database, person=person, program_id=program_id, today=day))


def _today(ep: EnrolmentPlan) -> Today:
    plan = ep.plan
    found = plan.session_on(plan.today)
    week = found[0] if found else plan.week_of_day(plan.today)
    prescription = week.prescription if week else plan.current_prescription()
    upcoming = [m.planned.on for w in plan.weeks for m in w.matches if m.planned.on > plan.today]
    return Today(
        plan.today,
        ep.enrolment.program,
        week,
        found[1] if found else None,
        prescription,
        fall_risk_guidance(prescription, ep.enrolment.restrictions),
        ep.enrolment.program.exercises,
        plan.pause_decision if plan.paused else (week.decision if week else None),
        plan.paused,
        plan.finished,
        upcoming[0] if upcoming else None,
    )


@dataclass(frozen=True, slots=True)
class Status:
    enrolment: Enrolment
    plan: ProgramPlan
    adherence: Adherence
    next_prescription: Prescription
    next_decision: Decision | None


def status(
    database: Database,
    *,
    person: str = DEFAULT_PERSON,
    program_id: str | None = None,
    today: date | None = None,
) -> Status:
    """Weeks so far, adherence, and the prescription the rules give next."""
    return _status(plan_for(database, person=person, program_id=program_id, today=today))


def status_and_today(
    database: Database, *, person: str = DEFAULT_PERSON, day: date | None = None
) -> tuple[Status, Today]:
    """:func:`status` and :func:`today` of the active program from one reading of the log."""
    return state_of(plan_for(database, person=person, today=day))


def state_of(ep: EnrolmentPlan) -> tuple[Status, Today]:
    """:func:`status` and :func:`today` of an enrolment's plan (read once by :func:`plan_for`)."""
    return _status(ep), _today(ep)


def _status(ep: EnrolmentPlan) -> Status:
    plan = ep.plan
    upcoming = [w for w in plan.weeks if w.status in ("current", "future", "paused")]
    nxt = upcoming[0] if upcoming else plan.weeks[-1]
    return Status(ep.enrolment, plan, plan.adherence(), nxt.prescription, nxt.decision)


def export_ics(
    database: Database,
    *,
    person: str = DEFAULT_PERSON,
    program_id: str | None = None,
    today: date | None = None,
    stamp: datetime | None = None,
) -> bytes:
    """The plan as an iCalendar file, in the person's home time zone."""
    ep = plan_for(database, person=person, program_id=program_id, today=today)
    with database.reading() as db:
        row = repo.find_person(db, person)
        zone = row.home_time_zone if row is not None else "UTC"
    return plan_to_ical(
        ep.plan,
        uid_base=ep.enrolment.uid,
        time_zone=zone,
        stamp=stamp or datetime.now(UTC),
        restrictions=ep.enrolment.restrictions,
    )


def weekly_volume(ep: EnrolmentPlan) -> list[dict[str, float]]:
    """Minutes per plan week by direction (backward, forward, other) from the log."""
    weeks = [{"backward": 0.0, "forward": 0.0, "other": 0.0} for _ in ep.plan.weeks]
    for s in ep.logged:
        w = (s.on - ep.plan.start).days // 7
        if not 0 <= w < len(weeks):
            continue
        total = (s.duration_s or 0.0) / 60.0
        back = (s.backward_s or 0.0) / 60.0
        if s.backward_s is None and s.directions <= {"backward"} and s.directions:
            back = total
        forward = total - back if "forward" in s.directions else 0.0
        weeks[w]["backward"] += back
        weeks[w]["forward"] += max(forward, 0.0)
        weeks[w]["other"] += max(total - back - max(forward, 0.0), 0.0)
    return weeks
