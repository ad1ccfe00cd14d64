"""services.dashboard: the dashboard's figures from one read, equal to the services that answer
each question alone, in a number of statements that does not grow with the log."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import event

from retrostride.log.model import BodyMass, Segment, Session
from retrostride.science.locomotion import Direction, Setting
from retrostride.services import dashboard, people, programs, sessions, sessions_bulk, stats
from retrostride.services.log import ProfileChanges, update_profile
from retrostride.store.db import Database

NO = {q.id: False for q in programs.screening_questions()}


def _sessions(count: int, first: int = 0) -> list[Session]:
    now = datetime.now(UTC).replace(microsecond=0)
    return [
        Session(
            sport="walking", start_utc=now - timedelta(hours=19 * i), utc_offset_s=3600,
            elapsed_s=1200.0 + i, distance_m=1000.0 + i, setting=Setting.TREADMILL,
            energy_kcal=None if i % 3 == 0 else 80.0 + i,
            segments=[Segment(start_offset_s=0.0, elapsed_s=1200.0 + i,
                              direction=(Direction.BACKWARD, Direction.FORWARD)[i % 2],
                              speed_m_s=0.9)],
        )
        for i in range(first, first + count)
    ]


def test_the_dashboard_equals_the_services_it_replaces(db: Database) -> None:
    pid = people.person_id(db, "ada")
    since = date.today() - timedelta(weeks=8)
    board = dashboard.dashboard(db, pid, since=since)
    assert board.weeks == [] and board.latest.items == [] and board.latest.total == 0
    assert (board.has_mass, board.enrolled) == (False, False)
    sessions_bulk.add_sessions(db, pid, _sessions(60))
    update_profile(db, ProfileChanges(add_mass=BodyMass(date(2020, 1, 1), 70.0)), "ada")
    programs.enrol(db, "knee-oa", date.today(), NO, person="ada")
    board = dashboard.dashboard(db, pid, since=since, latest=5)
    assert board.weeks == stats.period_totals(db, pid, stats.Period.WEEK, since=since)
    assert board.weeks  # 60 sessions 19 h apart reach back 48 days
    assert board.latest == sessions.session_page(db, pid, limit=5)
    assert (board.has_mass, board.enrolled) == (True, True)
    assert board.plan is None  # not asked for


def test_the_dashboard_reads_the_program_plan_in_its_own_read(db: Database) -> None:
    pid = people.person_id(db, "ada")
    since = date.today() - timedelta(weeks=8)
    sessions_bulk.add_sessions(db, pid, _sessions(60))
    today = date.today() + timedelta(days=9)
    assert dashboard.dashboard(db, pid, since=since, person="ada", today=today).plan is None
    programs.enrol(db, "knee-oa", date.today() - timedelta(days=20), NO, person="ada")
    board = dashboard.dashboard(db, pid, since=since, person="ada", today=today)
    assert board.plan is not None
    alone = programs.plan_for(db, person="ada", today=today)
    assert programs.state_of(board.plan) == programs.state_of(alone)
    assert board.plan.logged == alone.logged and board.plan.logged


def test_the_dashboard_reads_in_as_many_statements_at_any_log_length(db: Database) -> None:
    pid = people.person_id(db, "ada")
    since = date.today() - timedelta(weeks=8)
    counts = []
    for first, count in ((0, 20), (20, 400)):
        sessions_bulk.add_sessions(db, pid, _sessions(count, first))
        dashboard.dashboard(db, pid, since=since)  # the session count is cached per change
        statements: list[str] = []

        def seen(_conn: object, _cursor: object, sql: str, *_args: object) -> None:
            # On PostgreSQL the session count is remembered under the cluster's snapshot, so a
            # commit anywhere on the server (another test in parallel) makes it count again:
            # that re-count does not depend on the log's length and is left out of the tally.
            if not ("period_total" in sql and "pg_current_snapshot" in sql):
                statements.append(sql)  # noqa: B023 (listener removed below)

        event.listen(db.read_engine, "before_cursor_execute", seen)
        try:
            dashboard.dashboard(db, pid, since=since)
        finally:
            event.remove(db.read_engine, "before_cursor_execute", seen)
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 4  # weeks, latest page (+ its directions), flags
