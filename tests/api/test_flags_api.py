"""The API's session detail gives the flagged device values with their warnings."""

from __future__ import annotations

from api_helpers import TestClient, signup

from flagged_tcx import flagged_run_tcx


def test_detail_lists_flags_and_warnings(client: TestClient) -> None:
    ada = signup(client, "ada@example.org")
    r = ada.post(
        "/api/athletes/me/uploads",
        params={"wait": "true"},
        files=[("files", ("run.tcx", flagged_run_tcx().encode(), "application/xml"))],
    )
    assert r.status_code == 200, r.text
    sid = r.json()["results"][0]["session_ids"][0]
    detail = ada.get(f"/api/athletes/me/sessions/{sid}", params={"samples": "false"}).json()
    flags = {(f["where"], f["field"]): f for f in detail["flags"]}
    assert flags["samples", "heart_rate_bpm"]["count"] == 6
    assert flags["lap 1", "heart_rate_bpm"]["value"] == 320
    assert detail["segments"][0]["heart_rate_bpm"] is None
    assert any("heart rate of 320 bpm is impossible" in w for w in detail["warnings"])
