"""The store's read model of sessions: the stored direction it lists equals log.direction's rule."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from retrostride.errors import InputError
from retrostride.log.direction import session_direction
from retrostride.log.model import Segment, Session
from retrostride.science.locomotion import Direction, Setting
from retrostride.store import repository as repo
from retrostride.store import session_reads
from retrostride.store.db import Database, open_database
from retrostride.store.models import SessionRow


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = open_database(database_url)
    try:
        yield database
    finally:
        database.close()


def test_listed_direction_equals_the_rule_for_every_combination(db: Database) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    combos = [c for n in range(4) for c in itertools.product(list(Direction), repeat=n)]
    expected: dict[int, str] = {}
    with db.transaction() as s:
        person = repo.get_or_create_person(s, "ana")
        for i, combo in enumerate(combos):
            session = Session(
                sport="walking",
                start_utc=start + timedelta(hours=i),
                elapsed_s=600.0,
                setting=Setting.OVERGROUND,
                segments=[
                    Segment(start_offset_s=10.0 * k, elapsed_s=10.0, direction=d)
                    for k, d in enumerate(combo)
                ],
            )
            row = repo.add_session(s, person.id, session)
            expected[int(row.id)] = session_direction(combo).value
        person_id = person.id
    with db.reading() as s:
        page = session_reads.session_page(
            s, person_id, limit=len(combos), offset=0, newest_first=False
        )
    assert page.total == len(combos)
    assert {item.id: item.direction for item in page.items} == expected


def test_page_orders_dated_then_undated(db: Database) -> None:
    with db.transaction() as s:
        person = repo.get_or_create_person(s, "bo")
        undated = repo.add_session(
            s, person.id, Session(sport="walking", start_utc=None, elapsed_s=60.0)
        ).id
        early = repo.add_session(
            s,
            person.id,
            Session(sport="walking", elapsed_s=60.0, start_utc=datetime(2025, 1, 1, tzinfo=UTC)),
        ).id
        late = repo.add_session(
            s,
            person.id,
            Session(sport="walking", elapsed_s=60.0, start_utc=datetime(2025, 6, 1, tzinfo=UTC)),
        ).id
        person_id = person.id
    with db.reading() as s:
        newest = session_reads.session_page(s, person_id, limit=10, offset=0, newest_first=True)
        oldest = session_reads.session_page(s, person_id, limit=10, offset=0, newest_first=False)
        second = session_reads.session_page(s, person_id, limit=1, offset=2, newest_first=True)
    assert [i.id for i in newest.items] == [late, early, undated]
    assert [i.id for i in oldest.items] == [early, late, undated]
    assert [i.id for i in second.items] == [undated] and second.total == 3


@pytest.mark.parametrize("newest_first", [True, False])
def test_cursor_pages_walk_the_same_list_as_offsets(db: Database, newest_first: bool) -> None:
    """Following next_after from the first page gives the offset pages, dated rows (some with
    the same start, and sub-second starts) then undated ones; a bad cursor names the field."""
    start = datetime(2026, 3, 1, 7, tzinfo=UTC)
    with db.transaction() as s:
        person = repo.get_or_create_person(s, "cy")
        for i in range(23):
            when = None if i % 6 == 5 else start + timedelta(hours=i // 2, microseconds=7 * i)
            if i % 4 == 0 and when is not None:
                when = start  # equal starts: the id breaks the tie
            repo.add_session(
                s, person.id, Session(sport="walking", start_utc=when, elapsed_s=60.0 + i)
            )
        person_id = person.id
    with db.reading() as s:
        whole = session_reads.session_page(
            s, person_id, limit=100, offset=0, newest_first=newest_first
        ).items
        for limit in (1, 4, 5, 23):
            walked, after = [], None
            for _ in range(30):
                page = session_reads.session_page(
                    s, person_id, limit=limit, offset=0, newest_first=newest_first, after=after
                )
                walked += [item.id for item in page.items]
                after = page.next_after
                if after is None:
                    break
            assert walked == [item.id for item in whole], limit
        with pytest.raises(InputError, match="after"):
            session_reads.session_page(
                s, person_id, limit=5, offset=0, newest_first=newest_first, after="d12x"
            )


def test_an_offset_after_a_cursor_skips_rows_past_it(db: Database) -> None:
    start = datetime(2026, 3, 1, 7, tzinfo=UTC)
    with db.transaction() as s:
        person = repo.get_or_create_person(s, "di")
        for i in range(9):
            when = None if i >= 6 else start + timedelta(hours=i)
            repo.add_session(s, person.id, Session(sport="walking", start_utc=when, elapsed_s=60.0))
        person_id = person.id
    with db.reading() as s:
        whole = session_reads.session_page(s, person_id, limit=20, offset=0, newest_first=True)
        ids = [item.id for item in whole.items]
        after = session_reads.cursor_of(whole.items[1])
        for offset in range(0, 9):
            page = session_reads.session_page(
                s, person_id, limit=3, offset=offset, newest_first=True, after=after
            )
            assert [item.id for item in page.items] == ids[2 + offset : 5 + offset], offset


def test_sports_of_reads_one_index_seek_per_sport(db: Database) -> None:
    sports = ("walking", "hiking", "nordic_walking", "walking", "running", "hiking")
    with db.transaction() as s:
        ana = repo.get_or_create_person(s, "ana")
        bob = repo.get_or_create_person(s, "bob")
        for k, sport in enumerate(sports * 3):
            repo.add_session(s, ana.id if k % 3 else bob.id, Session(
                sport=sport, start_utc=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=k),
                utc_offset_s=0, elapsed_s=600.0, setting=Setting.TREADMILL,
            ))
        ids = (ana.id, bob.id, ana.id + bob.id + 1)
    with db.reading() as s:
        for person_id in ids:
            distinct = sorted(
                str(v) for v in s.execute(
                    select(SessionRow.sport).where(SessionRow.person_id == person_id).distinct()
                ).scalars()
            )
            assert session_reads.sports_of(s, person_id) == distinct
        assert session_reads.sports_of(s, ids[2]) == []
        if db.is_sqlite:  # a seek in the person's and sport's index, not a visit of each session
            conn = s.connection()
            sql = str(session_reads._SPORTS.compile(dialect=conn.dialect))
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", (ana.id,) * sql.count("?"))
            plan = " ".join(str(row[-1]) for row in rows)
            assert "ix_session_person_sport" in plan and "DISTINCT" not in plan
