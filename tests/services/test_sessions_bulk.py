"""services.sessions_bulk: many sessions in one transaction read back as one by one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from retrostride.log.model import Segment, Session
from retrostride.science.locomotion import Direction, Setting
from retrostride.services import people, sessions, sessions_bulk, stats
from retrostride.store.db import Database


def test_bulk_sessions_read_back(db: Database) -> None:
    pid = people.person_id(db, "ana")
    start = datetime(2026, 1, 1, 7, tzinfo=UTC)
    batch = [
        Session(
            sport="walking",
            start_utc=start + timedelta(days=i),
            utc_offset_s=3600,
            elapsed_s=600.0,
            distance_m=500.0,
            setting=Setting.TREADMILL,
            segments=[Segment(start_offset_s=0.0, elapsed_s=600.0, direction=Direction.BACKWARD)],
        )
        for i in range(30)
    ]
    ids = sessions_bulk.add_sessions(db, pid, batch)
    assert len(ids) == 30 and ids == sorted(ids)
    page = sessions.session_page(db, pid, limit=5)
    assert page.total == 30 and page.items[0].id == ids[-1]
    assert page.items[0].direction == "backward"
    detail = sessions.session_detail(db, pid, ids[0])
    assert detail["segments"][0]["direction"] == "backward"
    months = stats.period_totals(db, pid, stats.Period.MONTH)
    assert [m.sessions for m in months] == [30]
    assert months[0].backward_s == 30 * 600.0  # sums of whole seconds: exact
