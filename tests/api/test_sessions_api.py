"""Sessions over HTTP: manual entry, the paged list, detail with samples, edit, delete, totals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from api_helpers import WALK, TestClient, signup


def test_manual_entry_edit_delete(client: TestClient) -> None:
    ada = signup(client, "ada@example.org")
    r = ada.post("/api/athletes/me/sessions", json=WALK)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["setting"] == "treadmill" and created["segments"][0]["direction"] == "backward"
    assert created["segments"][0]["speed_m_s"] == pytest.approx(1.0, rel=1e-12)  # 1800 m, 1800 s
    sid = created["id"]

    r = ada.patch(
        f"/api/athletes/me/sessions/{sid}",
        json={"title": "Hill retro", "direction": "forward", "rpe": 6},
    )
    assert r.status_code == 200, r.text
    detail = ada.get(f"/api/athletes/me/sessions/{sid}").json()
    assert detail["title"] == "Hill retro" and detail["rpe"] == 6
    assert detail["segments"][0]["direction"] == "forward"
    # Refusals name the field: a pain of 11 on a 0-10 scale, an unknown segment.
    assert ada.patch(f"/api/athletes/me/sessions/{sid}", json={"pain_after": 11}).status_code == 422
    r = ada.patch(f"/api/athletes/me/sessions/{sid}", json={"segment": 5, "direction": "backward"})
    assert r.status_code == 422 and "segment" in r.json()["field"]

    assert ada.delete(f"/api/athletes/me/sessions/{sid}").status_code == 204
    assert ada.get(f"/api/athletes/me/sessions/{sid}").status_code == 404
    assert ada.delete(f"/api/athletes/me/sessions/{sid}").status_code == 404


def test_surface_in_and_out_and_terrain_a_deprecated_input_alias(client: TestClient) -> None:
    """Answers name the ground ``surface`` only; ``terrain`` (its former name) is still read
    when ``surface`` is absent, in the entry and in the edit, and documented as deprecated."""
    ada = signup(client, "ada@example.org")
    created = ada.post("/api/athletes/me/sessions", json=WALK | {"surface": "dirt-road"}).json()
    assert created["surface"] == "dirt-road" and "terrain" not in created
    sid = created["id"]
    old = ada.post("/api/athletes/me/sessions", json=WALK | {"terrain": "loose-sand"})
    assert old.status_code == 201 and old.json()["surface"] == "loose-sand"
    both = WALK | {"surface": "swamp", "terrain": "firm"}  # the new name wins
    assert ada.post("/api/athletes/me/sessions", json=both).json()["surface"] == "swamp"
    r = ada.patch(f"/api/athletes/me/sessions/{sid}", json={"terrain": "light-brush"})
    assert r.status_code == 200, r.text
    detail = ada.get(f"/api/athletes/me/sessions/{sid}").json()
    assert detail["surface"] == "light-brush" and "terrain" not in detail
    listed = ada.get("/api/athletes/me/sessions").json()["items"]
    assert all("terrain" not in item for item in listed)
    assert {item["surface"] for item in listed} == {"light-brush", "loose-sand", "swamp"}
    r = ada.patch(f"/api/athletes/me/sessions/{sid}", json={"terrain": "x" * 65})
    assert r.status_code == 422 and "terrain" in r.text
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    for name in ("SessionIn", "SessionPatch"):
        assert schemas[name]["properties"]["terrain"]["deprecated"] is True
    assert "surface" in schemas["SessionSummary"]["properties"]
    assert all("terrain" not in schemas[name]["properties"] for name in ("SessionSummary",
                                                                         "SessionDetail"))


def test_list_pages_newest_first_default_50(client: TestClient) -> None:
    ada = signup(client, "ada@example.org")
    start = datetime(2026, 1, 1, 7, 0, tzinfo=UTC)
    for day in range(60):
        body = WALK | {"start_utc": (start + timedelta(days=day)).isoformat()}
        assert ada.post("/api/athletes/me/sessions", json=body).status_code == 201
    undated = ada.post("/api/athletes/me/sessions", json=WALK | {"start_utc": None}).json()

    first = ada.get("/api/athletes/me/sessions").json()
    assert first["total"] == 61 and first["limit"] == 50 and len(first["items"]) == 50
    starts = [s["start_utc"] for s in first["items"]]
    assert starts[0].startswith("2026-03-01") and starts == sorted(starts, reverse=True)
    rest = ada.get("/api/athletes/me/sessions", params={"offset": 50}).json()["items"]
    assert len(rest) == 11 and rest[-1]["id"] == undated["id"]  # unknown start last
    assert rest[-1]["start_utc"] is None
    oldest = ada.get("/api/athletes/me/sessions", params={"order": "oldest", "limit": 1}).json()
    assert oldest["items"][0]["start_utc"].startswith("2026-01-01")
    assert oldest["items"][0]["direction"] == "backward"
    assert ada.get("/api/athletes/me/sessions", params={"limit": 0}).status_code == 422
    assert ada.get("/api/athletes/me/sessions", params={"limit": 501}).status_code == 422


def test_detail_has_the_samples_of_an_imported_file(client: TestClient, shared_data: Path) -> None:
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
    detail = ada.get(f"/api/athletes/me/sessions/{sid}").json()
    # The file's own summary (data README): walking, 46 s, 68 m, 17 records.
    assert detail["sport"] == "walking"
    assert abs(detail["elapsed_s"] - 46) < 1.5 and abs(detail["distance_m"] - 68) < 1.5
    assert len(detail["samples"]["time_s"]) == 17
    assert detail["segments"][0]["direction"] == "backward"
    # Received under a server-chosen name, shown and exported under the one the person gave.
    assert detail["source"]["name"] == "walk.fit"
    slim = ada.get(f"/api/athletes/me/sessions/{sid}", params={"samples": "false"}).json()
    assert slim["samples"] is None


def test_profile_and_totals(client: TestClient) -> None:
    ada = signup(client, "ada@example.org")
    r = ada.patch(
        "/api/athletes/me/profile",
        json={"height_m": 1.7, "add_mass": {"on": "2026-01-01", "mass_kg": 70}},
    )
    assert r.status_code == 200, r.text
    assert r.json()["body_mass"] == [{"on": "2026-01-01", "mass_kg": 70.0}]  # stored: exact
    mars = ada.patch("/api/athletes/me/profile", json={"home_time_zone": "Mars/Olympus"})
    assert mars.status_code == 422
    ada.post("/api/athletes/me/sessions", json=WALK)
    weeks = ada.get("/api/athletes/me/stats", params={"period": "week"}).json()
    assert weeks[0]["period"] == "2026-W10"
    assert weeks[0]["time_s"] == pytest.approx(1800, rel=1e-12)
    assert weeks[0]["backward_share"] == pytest.approx(1.0, rel=1e-12)
    ada.post("/api/athletes/me/sessions", json={**WALK, "start_utc": "2026-05-04T07:30:00+00:00"})
    both = ada.get("/api/athletes/me/stats", params={"period": "month"}).json()
    assert [m["period"] for m in both] == ["2026-03", "2026-05"]
    latest = ada.get("/api/athletes/me/stats", params={"period": "month", "limit": 1}).json()
    assert [m["period"] for m in latest] == ["2026-05"]
    since = ada.get("/api/athletes/me/stats", params={"period": "week", "since": "2026-04-01"})
    assert [w["period"] for w in since.json()] == ["2026-W19"]
