"""services.sessions: the list's filters and sorting, in SQL, equal to filtering in Python."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from retrostride.errors import InputError
from retrostride.log.direction import session_direction
from retrostride.log.model import Segment, Session
from retrostride.science.locomotion import Direction, Setting
from retrostride.services import log, people, sessions, sessions_bulk
from retrostride.services.sessions import SessionFilter, SortKey
from retrostride.store.db import Database

SPORTS = ("walking", "running", "hiking")


def _random_log(rng: random.Random, n: int) -> list[Session]:
    start = datetime(2025, 1, 1, 7, tzinfo=UTC)
    out = []
    for _ in range(n):
        directions = rng.choices(list(Direction), k=rng.randint(1, 3))
        elapsed = rng.choice([None, rng.uniform(300, 5000)])
        out.append(
            Session(
                sport=rng.choice(SPORTS),
                start_utc=rng.choice([None] + [start + timedelta(hours=rng.randint(0, 9000))] * 9),
                elapsed_s=elapsed,
                moving_s=rng.choice([None, elapsed and elapsed * 0.9]),
                distance_m=rng.choice([None, rng.uniform(100, 9000)]),
                setting=rng.choice(list(Setting)),
                segments=[
                    Segment(start_offset_s=60.0 * k, elapsed_s=60.0, direction=d)
                    for k, d in enumerate(directions)
                ],
            )
        )
    return out


def _day(s: Session) -> date | None:
    if s.start_utc is None:
        return None
    return (s.start_utc + timedelta(seconds=s.utc_offset_s or 0)).date()


def _direction(s: Session) -> Direction:
    return session_direction([g.direction for g in s.segments])


def _key(s: Session, sort: SortKey) -> float | datetime | None:
    if sort is SortKey.DATE:
        return s.start_utc
    if sort is SortKey.DURATION:
        return s.moving_s if s.moving_s is not None else s.elapsed_s
    return s.distance_m


def _expected(log_: list[Session], wanted: SessionFilter, descending: bool) -> list[int]:
    today = datetime.now(UTC).date()  # undated sessions count on their import day

    def keep(s: Session) -> bool:
        day = _day(s) or today
        return (
            (wanted.sport is None or s.sport == wanted.sport)
            and (wanted.setting is None or s.setting == wanted.setting)
            and (wanted.direction is None or _direction(s) == wanted.direction)
            and (wanted.date_from is None or day >= wanted.date_from)
            and (wanted.date_to is None or day <= wanted.date_to)
        )

    kept = [s for s in log_ if keep(s)]
    with_key = sorted(
        (s for s in kept if _key(s, wanted.sort) is not None),
        key=lambda s: (_key(s, wanted.sort), s.id),
        reverse=descending,
    )
    without = sorted(
        (s for s in kept if _key(s, wanted.sort) is None), key=lambda s: s.id or 0,
        reverse=descending,
    )
    return [s.id or 0 for s in with_key + without]


@pytest.mark.parametrize("seed", [1, 2])
def test_filters_and_sorting_equal_python_over_the_whole_log(db: Database, seed: int) -> None:
    rng = random.Random(seed)
    pid = people.person_id(db, "ana")
    log_ = _random_log(rng, 80)
    ids = sessions_bulk.add_sessions(db, pid, log_)
    for s, sid in zip(log_, ids, strict=True):
        s.id = sid
    for _ in range(25):
        first = date(2025, 1, 1) + timedelta(days=rng.randint(0, 300))
        wanted = SessionFilter(
            sport=rng.choice([None, *SPORTS]),
            setting=rng.choice([None, *Setting]),
            direction=rng.choice([None, *Direction]),
            date_from=rng.choice([None, first]),
            date_to=rng.choice([None, first + timedelta(days=rng.randint(0, 200))]),
            sort=rng.choice(list(SortKey)),
        )
        descending = rng.random() < 0.5
        expected = _expected(log_, wanted, descending)
        limit = rng.randint(1, 15)
        offset = rng.randint(0, 20)
        page = sessions.session_page(
            db, pid, limit=limit, offset=offset, newest_first=descending, wanted=wanted
        )
        assert page.total == len(expected), wanted
        assert [i.id for i in page.items] == expected[offset : offset + limit], wanted


def test_a_reversed_date_range_names_the_field(db: Database) -> None:
    pid = people.person_id(db, "ana")
    wanted = SessionFilter(date_from=date(2026, 2, 1), date_to=date(2026, 1, 1))
    with pytest.raises(InputError) as caught:
        sessions.session_page(db, pid, limit=5, wanted=wanted)
    assert caught.value.field == "date_to"


def test_sports_of_the_log(db: Database) -> None:
    for sport in ("walking", "running", "walking"):
        log.add_session(db, Session(sport=sport, start_utc=None, elapsed_s=60.0), "ana")
    assert sessions.sports_of(db, people.person_id(db, "ana")) == ["running", "walking"]
