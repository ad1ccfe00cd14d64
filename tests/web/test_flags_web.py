"""The session page shows a flagged device value's warning."""

from __future__ import annotations

from typing import Any

from web_helpers import csrf, register, text_of

from flagged_tcx import flagged_run_tcx


def test_session_page_warns_of_flagged_values(browser: Any) -> None:
    register(browser, "ada@example.org")
    r = browser.post(
        "/api/athletes/me/uploads?wait=true",
        files=[("files", ("run.tcx", flagged_run_tcx().encode(), "application/xml"))],
        headers={"X-CSRF-Token": csrf(browser)},
    )
    assert r.status_code == 200, r.text
    sid = r.json()["results"][0]["session_ids"][0]
    page = text_of(browser.get(f"/athletes/me/sessions/{sid}").text)
    assert "heart rate of 320 bpm is impossible" in page
    assert "6 heart rate point(s) outside" in page
