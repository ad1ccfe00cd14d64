"""Gait analyses over HTTP: a real phone recording, its steps against the ground truth."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from api_helpers import WALK, TestClient, share, signup


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_phone_recording_steps_and_privacy(client: TestClient, shared_data: Path) -> None:
    ada = signup(client, "ada@example.org")
    doc = signup(client, "doc@example.org", "clinician")
    path = shared_data / "imu" / "phone-oxford" / "user2_hand_1506421987098.csv"
    with path.open(newline="") as handle:
        truth = int(float(list(csv.reader(handle))[-1][5]))  # the ground-truth device's total
    with path.open("rb") as handle:
        r = ada.post(
            "/api/athletes/me/gait-analyses",
            files=[("file", ("hand.csv", handle, "text/csv"))],
        )
    assert r.status_code == 200, r.text
    totals = r.json()["results"][0]["totals"]
    assert totals["placement"] == "phone" and r.json()["file"] == "hand.csv"
    assert abs(totals["step_count"] - truth) / truth < 0.10, (totals["step_count"], truth)

    # Not an IMU file: refused by content, naming no server path.
    bad = ada.post(
        "/api/athletes/me/gait-analyses", files=[("file", ("x.csv", b"a,b\n1,2\n", "text/csv"))]
    )
    assert bad.status_code == 422 and "retrostride-gait-" not in bad.text
    # Attaching to a session changes the log: a read-only clinician may analyse but not attach.
    sid = ada.post("/api/athletes/me/sessions", json=WALK).json()["id"]
    share(ada, doc)
    with path.open("rb") as handle:
        r = doc.post(
            f"/api/athletes/{ada.id}/gait-analyses",
            params={"session_id": sid},
            files=[("file", ("hand.csv", handle, "text/csv"))],
        )
    assert r.status_code == 403
