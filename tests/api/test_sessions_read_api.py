"""The fast read paths of the session list and detail give what the log's own serialisation
gives, and the list's total follows every write, from this application or another one."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from api_helpers import WALK, TestClient, signup

from retrostride.log.model import Segment, Session
from retrostride.science.locomotion import Direction, Setting
from retrostride.services.export import session_to_json
from retrostride.store import repository as repo
from retrostride.store.accounts import AccountRow
from retrostride.store.db import Database


def _person_id(database: Database, account_id: int) -> int:
    with database.transaction() as db:
        account = db.get(AccountRow, account_id)
        assert account is not None and account.person_id is not None
        return int(account.person_id)


def test_detail_is_the_export_serialisation(client: TestClient, shared_data: Path) -> None:
    ada = signup(client, "ada@example.org")
    walk = shared_data / "activity" / "fit" / "garmin-fenix-5-walk.fit"
    with walk.open("rb") as handle:
        r = ada.post(
            "/api/athletes/me/uploads",
            params={"wait": "true", "direction": "backward"},
            files=[("files", ("walk.fit", handle, "application/octet-stream"))],
        )
    assert r.status_code == 200, r.text
    sid = r.json()["results"][0]["session_ids"][0]
    database = client.app.state.database  # type: ignore[attr-defined]
    person_id = _person_id(database, ada.id)
    with database.transaction() as db:
        row = repo.get_session_row(db, person_id, sid)
        assert row is not None
        expected = json.loads(json.dumps(session_to_json(repo.session_to_domain(db, row))))
    detail = ada.get(f"/api/athletes/me/sessions/{sid}").json()
    assert detail == expected  # the same stored values serialised two ways: exact on purpose
    assert len(detail["samples"]["time_s"]) == 17  # the file's 17 records (data README)
    slim = ada.get(f"/api/athletes/me/sessions/{sid}", params={"samples": "false"}).json()
    assert slim == expected | {"samples": None}


def _total(caller: Any) -> int:
    r = caller.get("/api/athletes/me/sessions")
    assert r.status_code == 200, r.text
    return int(r.json()["total"])


def test_list_total_follows_writes_of_any_process(client: TestClient, app_factory: Any) -> None:
    ada = signup(client, "ada@example.org")
    assert _total(ada) == _total(ada) == 0
    first = ada.post("/api/athletes/me/sessions", json=WALK).json()
    assert _total(ada) == _total(ada) == 1
    # A second application on the same database stands for another server process.
    other = app_factory()
    other_ada = type(ada)(other, ada.account, ada.headers)
    assert _total(other_ada) == 1
    assert other_ada.post("/api/athletes/me/sessions", json=WALK).status_code == 201
    assert _total(ada) == _total(other_ada) == 2
    assert ada.delete(f"/api/athletes/me/sessions/{first['id']}").status_code == 204
    assert _total(other_ada) == _total(ada) == 1


def test_list_direction_of_mixed_and_unknown_sessions(client: TestClient) -> None:
    ada = signup(client, "ada@example.org")
    database = client.app.state.database  # type: ignore[attr-defined]
    start = datetime(2026, 1, 1, 7, tzinfo=UTC)
    person_id = _person_id(database, ada.id)

    def stored(*directions: Direction, hour: int) -> int:
        session = Session(
            sport="walking", start_utc=start.replace(hour=hour), elapsed_s=600.0,
            setting=Setting.OVERGROUND,
            segments=[
                Segment(start_offset_s=300.0 * i, elapsed_s=300.0, direction=d)
                for i, d in enumerate(directions)
            ],
        )
        with database.transaction() as db:
            return int(repo.add_session(db, person_id, session).id)

    mixed = stored(Direction.FORWARD, Direction.UNKNOWN, Direction.BACKWARD, hour=7)
    unknown = stored(Direction.UNKNOWN, Direction.UNKNOWN, hour=8)
    backward = stored(Direction.UNKNOWN, Direction.BACKWARD, hour=9)
    items = ada.get("/api/athletes/me/sessions").json()["items"]
    assert {i["id"]: i["direction"] for i in items} == {
        mixed: "mixed", unknown: "unknown", backward: "backward"
    }
