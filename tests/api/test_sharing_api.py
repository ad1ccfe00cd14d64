"""Sharing over HTTP: invitation codes, read-only and read-write grants, ending them at once."""

from __future__ import annotations

from typing import Any

from api_helpers import WALK, TestClient, share, signup


def test_clinician_sees_a_shared_athlete_read_only(client: TestClient) -> None:
    ada = signup(client, "ada@example.org")
    doc = signup(client, "doc@example.org", "clinician")
    sid = ada.post("/api/athletes/me/sessions", json=WALK).json()["id"]
    base = f"/api/athletes/{ada.id}"

    assert doc.get(f"{base}/sessions").status_code == 404  # nothing shared yet
    grant_id = share(ada, doc)
    page = doc.get(f"{base}/sessions")
    assert page.status_code == 200 and [s["id"] for s in page.json()["items"]] == [sid]
    assert doc.get(f"{base}/sessions/{sid}").json()["sport"] == "walking"
    assert doc.get(f"{base}/profile").status_code == 200
    # Read-only: every change is refused and nothing changes.
    assert doc.patch(f"{base}/sessions/{sid}", json={"title": "x"}).status_code == 403
    assert doc.delete(f"{base}/sessions/{sid}").status_code == 403
    assert doc.post(f"{base}/sessions", json=WALK).status_code == 403
    assert ada.get(f"/api/athletes/me/sessions/{sid}").json()["title"] is None
    # A clinician keeps no log of their own.
    assert doc.get("/api/athletes/me/sessions").status_code == 404

    grants = doc.get("/api/sharing/grants").json()
    assert [(g["athlete_id"], g["can_write"]) for g in grants] == [(ada.id, False)]
    # The athlete lets the clinician change data, then ends the grant: effective at once.
    assert ada.patch(f"/api/sharing/grants/{grant_id}", json={"can_write": True}).status_code == 200
    assert doc.patch(f"{base}/sessions/{sid}", json={"title": "seen"}).status_code == 200
    assert doc.patch(f"/api/sharing/grants/{grant_id}", json={"can_write": True}).status_code == 403
    assert ada.delete(f"/api/sharing/grants/{grant_id}").status_code == 204
    assert doc.get(f"{base}/sessions").status_code == 404
    assert doc.get(f"{base}/sessions/{sid}").status_code == 404


def test_either_side_ends_the_grant(client: TestClient) -> None:
    ada = signup(client, "ada@example.org")
    doc = signup(client, "doc@example.org", "clinician")
    grant_id = share(ada, doc, can_write=True)
    assert doc.delete(f"/api/sharing/grants/{grant_id}").status_code == 204
    assert doc.get(f"/api/athletes/{ada.id}/sessions").status_code == 404
    assert ada.get("/api/sharing/grants").json() == []


def test_invitation_codes(client: TestClient) -> None:
    ada = signup(client, "ada@example.org")
    bob = signup(client, "bob@example.org")
    doc = signup(client, "doc@example.org", "clinician")
    other = signup(client, "other@example.org", "clinician")
    created = ada.post("/api/sharing/invites", json={}).json()
    code: str = created["code"]
    assert code in created["link"] and created["can_write"] is False
    assert "code" not in ada.get("/api/sharing/invites").json()[0]
    # Only clinicians redeem; only athletes invite.
    assert bob.post("/api/sharing/redeem", json={"code": code}).status_code == 403
    assert doc.post("/api/sharing/invites", json={}).status_code == 403
    # Typed by hand: case and separators do not matter; a code is used once.
    loose = code.lower().replace("-", " ")
    assert doc.post("/api/sharing/redeem", json={"code": loose}).status_code == 201
    assert other.post("/api/sharing/redeem", json={"code": code}).status_code == 404
    assert other.post("/api/sharing/redeem", json={"code": "AAAAA-BBBBB"}).status_code == 404
    # The clinician sees this athlete only.
    assert doc.get(f"/api/athletes/{ada.id}/sessions").status_code == 200
    assert doc.get(f"/api/athletes/{bob.id}/sessions").status_code == 404
    # A withdrawn invitation cannot be redeemed.
    second = ada.post("/api/sharing/invites", json={}).json()
    assert ada.delete(f"/api/sharing/invites/{second['id']}").status_code == 204
    assert other.post("/api/sharing/redeem", json={"code": second["code"]}).status_code == 404


def test_grants_of_others_cannot_be_touched(client: TestClient) -> None:
    ada = signup(client, "ada@example.org")
    bob = signup(client, "bob@example.org")
    doc = signup(client, "doc@example.org", "clinician")
    grant_id = share(ada, doc)
    denied: list[Any] = [
        bob.delete(f"/api/sharing/grants/{grant_id}"),
        bob.patch(f"/api/sharing/grants/{grant_id}", json={"can_write": True}),
    ]
    assert [r.status_code for r in denied] == [404, 404]
    assert doc.get(f"/api/athletes/{ada.id}/sessions").status_code == 200
