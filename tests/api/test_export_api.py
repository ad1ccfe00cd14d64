"""Export of an account's data, and the log's bundle inside it restoring without loss."""

from __future__ import annotations

import json
from pathlib import Path

from api_helpers import WALK, TestClient, share, signup

from retrostride.services import log as log_service
from retrostride.services.export import restore
from retrostride.store.db import open_database


def test_export_holds_everything_and_restores(
    client: TestClient, shared_data: Path, database_url: str, tmp_path: Path
) -> None:
    ada = signup(client, "ada@example.org")
    doc = signup(client, "doc@example.org", "clinician")
    share(ada, doc)
    ada.post("/api/athletes/me/sessions", json=WALK)
    with (shared_data / "activity" / "fit" / "garmin-fenix-5-walk.fit").open("rb") as handle:
        ada.post(
            "/api/athletes/me/uploads", params={"wait": "true"},
            files=[("files", ("walk.fit", handle, "application/octet-stream"))],
        )
    ada.post(
        "/api/athletes/me/assessments", json={"measure": "tug", "on": "2026-03-01", "value": 9.5}
    )
    r = ada.get("/api/account/export")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    document = r.json()
    assert document["format"] == "retrostride-account"
    assert document["account"]["email"] == "ada@example.org"
    assert "password" not in r.text and "token_hash" not in r.text
    assert document["log"]["format"] == "retrostride-log"
    assert len(document["log"]["sessions"]) == 2
    assert [a["value"] for a in document["assessments"]] == [9.5]
    assert len(document["grants"]) == 1 and len(document["uploads"]) == 1
    # The clinician's export holds the grant but none of the athlete's data.
    theirs = doc.get("/api/account/export").json()
    assert theirs["log"] is None and len(theirs["grants"]) == 1

    # The log bundle restores into a fresh log with nothing lost (samples included).
    bundle = tmp_path / "log.json"
    bundle.write_text(json.dumps(document["log"]))
    fresh_url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    fresh = open_database(fresh_url)
    try:
        assert restore(fresh, bundle, "restored") == 2
        again = [
            log_service.get_session(fresh, s["id"], "restored") for s in document["log"]["sessions"]
        ]
        assert sorted(len(s.samples) if s.samples else 0 for s in again) == [0, 17]
    finally:
        fresh.close()
