"""Values in the person's units (a body mass typed in lb is not stored as kg); no stale prompts."""

from __future__ import annotations

from typing import Any

import pytest
from web_helpers import post_form, register, text_of

from retrostride.services import assessments as assess_service


def test_body_mass_assessment_in_pounds(browser: Any, web_app: Any) -> None:
    register(browser, "lb@example.org")
    post_form(browser, "/settings", {"speed_unit": "mph", "mass_unit": "lb",
                                     "time_zone": "UTC"})
    r = post_form(browser, "/athletes/me/assessments",
                  {"measure": "body_mass", "on": "2026-01-05", "value": "163"})
    assert r.status_code == 303, r.text
    post_form(browser, "/athletes/me/assessments",
              {"measure": "body_mass", "on": "2026-02-05", "value": "160"})
    stored = assess_service.list_assessments(web_app.state.database, person="lb@example.org")
    assert stored[0].value == pytest.approx(163 * 0.45359237, rel=1e-6)
    page = text_of(browser.get("/athletes/me/assessments").text)
    assert "163.0 lb" in page or "163 lb" in page
    assert "163 kg" not in page and "163.0 kg" not in page
    assert "higher is better" not in page


def test_dashboard_does_not_ask_for_a_body_mass_already_set(browser: Any) -> None:
    register(browser, "m@example.org")
    post_form(browser, "/settings/profile", {"mass": "70"})
    r = post_form(browser, "/athletes/me/sessions/new", {
        "sport": "stairs", "setting": "overground", "seg-0-duration": "10",
        "seg-0-direction": "backward", "action": "save"})
    assert r.status_code == 303, r.text
    page = text_of(browser.get("/").text)
    assert "without an estimate" in page
    assert "add your body mass" not in page


def test_error_pages_keep_the_navigation(browser: Any) -> None:
    register(browser, "nav@example.org")
    missing = browser.get("/athletes/me/sessions/999999")
    assert missing.status_code == 404
    assert 'aria-label="Main"' in missing.text and "Log out" in missing.text
    unknown = browser.get("/no/such/page")
    assert unknown.status_code == 404 and 'href="/athletes/me/sessions"' in unknown.text
