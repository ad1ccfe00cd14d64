"""Programs and assessments over HTTP: catalogue, screening, enrolment, plan, calendar, outcomes."""

from __future__ import annotations

from api_helpers import SCREENING_NO as NO
from api_helpers import WALK, TestClient, share, signup


def test_catalogue_screening_enrolment_and_plan(client: TestClient) -> None:
    ada = signup(client, "ada@example.org")
    ids = [p["id"] for p in ada.get("/api/programs").json()]
    assert "knee-oa" in ids
    knee = ada.get("/api/programs/knee-oa").json()
    assert knee["weeks"] == 6 and knee["days"] == ["mon", "wed", "fri"]  # Alghadir 2019: 3 x 6
    assert "source_text" not in knee
    assert {q["id"] for q in ada.get("/api/programs/screening").json()} == set(NO)

    # A "stop" answer stops the enrolment until a professional clears it.
    stop = ada.post(
        "/api/athletes/me/enrolments",
        json={"program_id": "knee-oa", "start": "2026-03-02", "answers": NO | {"heart": True}},
    )
    assert stop.status_code == 409 and stop.json()["code"] == "screening_stop"
    r = ada.post(
        "/api/athletes/me/enrolments",
        json={"program_id": "knee-oa", "start": "2026-03-02", "answers": NO},
    )
    assert r.status_code == 201, r.text
    assert r.json()["screening"]["status"] != "stop"
    ada.post("/api/athletes/me/sessions", json=WALK)  # Monday 2 March 2026, 30 min backward
    today = ada.get("/api/athletes/me/program/today", params={"day": "2026-03-02"})
    assert today.status_code == 200, today.text
    assert today.json()["guidance"]  # fall-risk guidance on every backward prescription
    status = ada.get("/api/athletes/me/program/status", params={"day": "2026-03-03"})
    assert status.status_code == 200, status.text
    ics = ada.get("/api/athletes/me/program/calendar.ics")
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    assert ics.text.startswith("BEGIN:VCALENDAR")
    assert ada.post("/api/athletes/me/program/stop").json() == {"stopped": 1}
    assert ada.get("/api/athletes/me/program/today").status_code == 404


def test_assessments_and_a_clinician_reading_them(client: TestClient) -> None:
    ada = signup(client, "ada@example.org")
    doc = signup(client, "doc@example.org", "clinician")
    assert "tug" in {m["id"] for m in ada.get("/api/assessments/measures").json()}
    for on, value in (("2026-03-01", 6), ("2026-04-15", 3)):
        r = ada.post(
            "/api/athletes/me/assessments",
            json={"measure": "nrs_pain", "on": on, "value": value},
        )
        assert r.status_code == 201, r.text
    bad = ada.post(
        "/api/athletes/me/assessments",
        json={"measure": "nrs_pain", "on": "2026-03-01", "value": 12},
    )
    assert bad.status_code == 422
    share(ada, doc)
    listed = doc.get(f"/api/athletes/{ada.id}/assessments").json()
    assert [a["value"] for a in listed] == [6, 3]
    report = doc.get(f"/api/athletes/{ada.id}/assessments/report").json()
    assert report[0]["measure"] == "nrs_pain" and report[0]["change"] is not None
    assert doc.delete(f"/api/athletes/{ada.id}/assessments/{listed[0]['id']}").status_code == 403
    assert ada.delete(f"/api/athletes/me/assessments/{listed[0]['id']}").status_code == 204


def test_screening_with_tug_and_a_fall_logged_over_http(client: TestClient) -> None:
    ada = signup(client, "ada@example.org")
    r = ada.post(
        "/api/athletes/me/enrolments",
        json={"program_id": "knee-oa", "start": "2026-03-02", "answers": NO,
              "age_years": 70, "tug_s": 13.5},
    )
    assert r.status_code == 201, r.text
    screening = r.json()["screening"]
    assert screening["status"] == "modified" and "supervised" in screening["restrictions"]
    session = ada.post("/api/athletes/me/sessions", json=WALK).json()
    fall = ada.post("/api/athletes/me/safety-events",
                    json={"session_id": session["id"], "event": "fall"})
    assert fall.status_code == 200 and fall.json() == {"session_id": session["id"],
                                                       "event": "fall"}
    bad = ada.post("/api/athletes/me/safety-events", json={"session_id": 99999, "event": "fall"})
    assert bad.status_code == 404 and bad.json()["code"] == "not_found"  # not disclosed
