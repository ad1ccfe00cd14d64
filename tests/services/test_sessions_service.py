"""services.sessions: the one read path of session lists and details; services.people."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from retrostride.log.model import Segment, Session
from retrostride.science.locomotion import Direction, Setting
from retrostride.services import log, people, sessions
from retrostride.services.export import session_to_json
from retrostride.store.db import Database


def _stored(db: Database) -> Session:
    session = Session(
        sport="walking",
        start_utc=datetime(2026, 3, 1, 8, tzinfo=UTC),
        elapsed_s=900.0,
        setting=Setting.TREADMILL,
        title="hill",
        segments=[
            Segment(start_offset_s=0.0, elapsed_s=300.0, direction=Direction.UNKNOWN),
            Segment(
                start_offset_s=300.0,
                elapsed_s=600.0,
                direction=Direction.BACKWARD,
                speed_m_s=0.8,
                grade_percent=5.0,
            ),
        ],
    )
    return log.add_session(db, session, "ana")


def test_person_id_is_created_once_and_found_after(db: Database) -> None:
    assert people.find_person_id(db, "ana") is None
    pid = people.person_id(db, "ana")
    assert people.person_id(db, "ana") == pid == people.find_person_id(db, "ana")


def test_page_and_detail_show_the_same_session(db: Database) -> None:
    stored = _stored(db)
    pid = people.person_id(db, "ana")
    page = sessions.session_page(db, pid, limit=10)
    assert page.total == 1
    (item,) = page.items
    assert item.id == stored.id and item.direction == "backward"  # unknown warm-up ignored
    detail = sessions.session_detail(db, pid, stored.id or 0, with_samples=False)
    assert detail == session_to_json(log.get_session(db, stored.id or 0, "ana")) | {
        "samples": None
    }
    as_bytes = sessions.session_detail_json(db, pid, stored.id or 0, with_samples=False)
    assert json.loads(as_bytes) == detail
    assert sessions.all_session_details(db, pid) == [detail]


def test_someone_elses_session_is_not_found(db: Database) -> None:
    stored = _stored(db)
    other = people.person_id(db, "bo")
    with pytest.raises(sessions.SessionNotFound):
        sessions.session_detail(db, other, stored.id or 0)
    with pytest.raises(sessions.SessionNotFound):
        sessions.session_detail_json(db, other, stored.id or 0)
    assert sessions.session_page(db, other, limit=5).total == 0


def test_the_list_and_its_sports_from_one_read(db: Database) -> None:
    from retrostride.log.listing import SessionFilter

    pid = people.person_id(db, "ada")
    for k, sport in enumerate(("walking", "hiking", "walking", "nordic_walking")):
        log.add_session(db, Session(
            sport=sport, start_utc=datetime(2026, 3, 1 + k, 8, tzinfo=UTC), utc_offset_s=0,
            elapsed_s=600.0 + k, setting=Setting.TREADMILL,
        ), "ada")
    sports = ["stale"]
    page = sessions.session_page(db, pid, limit=2, sports=sports)
    assert page == sessions.session_page(db, pid, limit=2)
    assert sports == sessions.sports_of(db, pid) == ["hiking", "nordic_walking", "walking"]
    wanted = SessionFilter(sport="walking")
    page = sessions.session_page(db, pid, limit=5, wanted=wanted, sports=[])
    assert page == sessions.session_page(db, pid, limit=5, wanted=wanted)
    assert [s.sport for s in page.items] == ["walking", "walking"]


def test_the_list_total_is_read_from_the_kept_month_totals(db: Database) -> None:
    """The page's total sums the month rows kept on write: no statement counts the person's
    sessions one index entry each (100,000 cost 5-15 ms on PostgreSQL, and the count's cache
    is dropped by any commit anywhere on the server)."""
    from datetime import timedelta

    from sqlalchemy import event

    from retrostride.services import sessions_bulk

    pid = people.person_id(db, "ana")
    start = datetime(2024, 1, 1, 8, tzinfo=UTC)
    sessions_bulk.add_sessions(
        db, pid,
        [Session(sport="walking", start_utc=start + timedelta(hours=30 * i), utc_offset_s=0,
                 elapsed_s=600.0, setting=Setting.OVERGROUND) for i in range(40)],
    )
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, sql: str, *_args: object) -> None:
        statements.append(sql.lower())

    event.listen(db.read_engine, "before_cursor_execute", seen)
    try:
        page = sessions.session_page(db, pid, limit=5)  # just written: nothing cached
    finally:
        event.remove(db.read_engine, "before_cursor_execute", seen)
    assert page.total == 40
    assert any("period_total" in s for s in statements)
    assert not any("count(" in s for s in statements), statements
