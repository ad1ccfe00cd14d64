"""GET .../sessions/{id}/export gives the session as a GPX or TCX download; the session page
links to both."""

from __future__ import annotations

from pathlib import Path

import gpxpy
from api_helpers import TestClient, signup


def test_gpx_and_tcx_downloads(client: TestClient, shared_data: Path) -> None:
    ada = signup(client, "ada@example.org")
    walk = shared_data / "activity" / "fit" / "garmin-fenix-5-walk.fit"
    r = ada.post(
        "/api/athletes/me/uploads",
        params={"wait": "true"},
        files=[("files", ("walk.fit", walk.read_bytes(), "application/octet-stream"))],
    )
    assert r.status_code == 200, r.text
    sid = r.json()["results"][0]["session_ids"][0]
    gpx = ada.get(f"/api/athletes/me/sessions/{sid}/export", params={"format": "gpx"})
    assert gpx.status_code == 200
    assert gpx.headers["content-type"].startswith("application/gpx+xml")
    assert f'filename="session-{sid}.gpx"' in gpx.headers["content-disposition"]
    assert gpxpy.parse(gpx.text).get_points_no() == 17  # the file's 17 records (data README)
    tcx = ada.get(f"/api/athletes/me/sessions/{sid}/export", params={"format": "tcx"})
    assert tcx.status_code == 200 and b"<TrainingCenterDatabase" in tcx.content
    kml = ada.get(f"/api/athletes/me/sessions/{sid}/export", params={"format": "kml"})
    assert kml.status_code == 422
    assert ada.get("/api/athletes/me/sessions/99999/export").status_code == 404
    manual = ada.post(
        "/api/athletes/me/sessions", json={"sport": "walking", "elapsed_s": 600}
    ).json()["id"]
    refused = ada.get(f"/api/athletes/me/sessions/{manual}/export")
    assert refused.status_code == 422 and "positions" in refused.text
