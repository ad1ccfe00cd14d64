"""The session form (log by hand, energy before saving) and the full edit form, per segment."""

from __future__ import annotations

from typing import Any

import pytest
from web_helpers import csrf, post_form, register, text_of

from retrostride.services import log as log_service


def _athlete(browser: Any, mass: str = "70") -> None:
    register(browser, "walker@example.org")
    r = post_form(browser, "/settings/profile", {"mass": mass})
    assert r.status_code in (200, 303), r.text


FORM = {
    "sport": "walking", "setting": "treadmill", "surface": "", "start": "2026-03-02T07:30",
    "seg-0-duration": "20", "seg-0-direction": "backward", "seg-0-speed": "3",
    "seg-0-grade": "5", "seg-0-load": "", "seg-0-sled": "",
    "seg-1-duration": "10", "seg-1-direction": "forward", "seg-1-distance": "0.8",
    "rpe": "4", "pain_before": "2", "pain_after": "3", "title": "Belt", "notes": "steady",
}


def test_form_renders_and_works_without_javascript(browser: Any, web_app: Any) -> None:
    _athlete(browser)
    page = browser.get("/athletes/me/sessions/new")
    assert page.status_code == 200
    for label in ("Sport", "Setting", "Surface", "Segment 1", "Duration", "Direction",
                  "Grade", "Carried load", "Sled with plates", "Pain before", "Pain after"):
        assert label in page.text, label
    added = post_form(browser, "/athletes/me/sessions/new",
                      {"action": "add_segment", "seg-0-duration": "20"})
    assert "Segment 2" in added.text
    est = post_form(browser, "/athletes/me/sessions/new", {**FORM, "action": "estimate"})
    assert est.status_code == 200
    assert "About" in text_of(est.text) and "kcal" in est.text
    live = browser.post("/athletes/me/sessions/estimate", data={**FORM},
                        headers={"X-CSRF-Token": csrf(browser)})
    assert live.json()["kcal"] > 0
    saved = post_form(browser, "/athletes/me/sessions/new", {**FORM, "action": "save"},
                      follow_redirects=False)
    assert saved.status_code == 303, saved.text
    page = text_of(browser.get(saved.headers["location"]).text)
    assert "Average pace" in page and "min/km" in page
    assert "Backward / forward 20 min / 10 min" in page
    database = web_app.state.database
    stored = log_service.list_sessions(database, "walker@example.org")[-1]
    assert [s.direction.value for s in stored.segments] == ["backward", "forward"]
    assert stored.segments[0].speed_m_s == pytest.approx(3 / 3.6, rel=1e-9)
    assert stored.segments[1].distance_m == pytest.approx(800, rel=1e-9)
    assert stored.setting.value == "treadmill" and stored.pain_after == pytest.approx(3)
    assert stored.energy_kcal is not None and stored.energy_kcal == pytest.approx(
        live.json()["kcal"], rel=1e-9)


def test_form_errors_name_the_fields(browser: Any) -> None:
    _athlete(browser)
    bad = {**FORM, "seg-0-speed": "fast", "rpe": "12", "action": "save"}
    r = post_form(browser, "/athletes/me/sessions/new", bad)
    assert r.status_code == 422
    text = text_of(r.text)
    assert "Segment 1: Speed or pace" in text and "Effort" in text
    assert "--speed" not in text and "speed_m_s" not in text


def test_a_service_refusal_points_at_its_own_segment(browser: Any) -> None:
    _athlete(browser)
    too_far = {**FORM, "seg-1-distance": "50", "action": "save"}  # 50 km in 10 min, walking
    r = post_form(browser, "/athletes/me/sessions/new", too_far)
    assert r.status_code == 422
    text = text_of(r.text)
    assert "Segment 2: Distance" in text and "Segment 1: Distance" not in text
    assert "distance_m" not in text


def test_units_of_the_person_are_used(browser: Any, web_app: Any) -> None:
    _athlete(browser)
    post_form(browser, "/settings", {"speed_unit": "mph", "mass_unit": "lb",
                                     "time_zone": "Europe/Paris"})
    form = {**FORM, "seg-0-speed": "2", "seg-0-load": "22", "action": "save"}
    r = post_form(browser, "/athletes/me/sessions/new", form, follow_redirects=False)
    assert r.status_code == 303
    sid = int(r.headers["location"].split("/")[-1].split("?")[0])
    edit = browser.get(f"/athletes/me/sessions/{sid}/edit")
    assert 'value="2"' in edit.text and 'value="22"' in edit.text


def test_edit_every_field_per_segment(browser: Any, web_app: Any) -> None:
    _athlete(browser)
    r = post_form(browser, "/athletes/me/sessions/new", {**FORM, "action": "save"},
                  follow_redirects=False)
    sid = int(r.headers["location"].split("/")[-1].split("?")[0])
    page = browser.get(f"/athletes/me/sessions/{sid}/edit")
    assert page.status_code == 200 and "Segment 2" in page.text
    change = {
        "sport": "sled_drag", "title": "Sled", "start": "2026-03-02T08:00",
        "setting": "overground", "surface": "artificial-turf",
        "seg-0-direction": "backward", "seg-0-speed": "2", "seg-0-grade": "0",
        "seg-0-load": "", "seg-0-sled": "40",
        "seg-1-direction": "backward", "seg-1-speed": "2", "seg-1-grade": "",
        "seg-1-load": "5", "seg-1-sled": "40",
        "rpe": "7", "pain_before": "1", "pain_after": "1", "notes": "new notes",
    }
    done = post_form(browser, f"/athletes/me/sessions/{sid}/edit", change, follow_redirects=False)
    assert done.status_code == 303, done.text
    s = log_service.list_sessions(web_app.state.database, "walker@example.org")[-1]
    assert s.sport == "sled_drag" and s.surface == "artificial-turf" and s.title == "Sled"
    assert [g.direction.value for g in s.segments] == ["backward", "backward"]
    assert [g.sled_kg for g in s.segments] == [pytest.approx(40), pytest.approx(40)]
    assert s.segments[1].load_kg == pytest.approx(5)
    assert s.rpe == pytest.approx(7) and s.notes == "new notes"
    bad = post_form(browser, f"/athletes/me/sessions/{sid}/edit",
                    {**change, "seg-1-grade": "steep"})
    assert bad.status_code == 422 and "Segment 2: Grade" in text_of(bad.text)
