"""Real-browser tests: Playwright driving Debian's chromium against a uvicorn server on loopback.

The main flows of a person and their clinician, each page checked with axe-core (no serious or
critical violation) and photographed into ``artifacts/screenshots`` (made-up people only; the
uploaded file is a short public sample walk). Needs ``/usr/bin/chromium``
(``tools/ensure-chromium.sh``) and axe-core (``tools/ensure-axe.sh``, run here when missing).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from browser_kit import PASSWORD, check_page, new_page, register

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]


def test_keyboard_skip_link_and_login_errors(
    server: str, chromium: Any, axe_source: str
) -> None:
    page = new_page(chromium)
    page.goto(f"{server}/login")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    check_page(page, axe_source, "01-login")
    page.click("button[type=submit]")  # empty form: errors, focus on their summary
    assert page.evaluate("document.activeElement.id") == "form-errors"
    assert page.locator("#f-email-error").is_visible()
    check_page(page, axe_source, "02-login-errors")
    page.goto(f"{server}/register")
    check_page(page, axe_source, "03-register")
    page.context.close()


def test_athlete_and_clinician_main_flows(
    server: str, chromium: Any, axe_source: str, shared_data: Path
) -> None:
    athlete = new_page(chromium, viewport={"width": 1100, "height": 900})
    register(athlete, server, "robin@example.org", "Robin (made up)")
    check_page(athlete, axe_source, "10-dashboard-empty")

    # upload a FIT file: progress, then the import's outcome with a link to the session
    athlete.goto(f"{server}/athletes/me/upload")
    check_page(athlete, axe_source, "11-upload")
    athlete.set_input_files("#f-files", str(shared_data / "activity/fit/garmin-fenix-5-walk.fit"))
    athlete.select_option("#f-direction", "backward")
    athlete.click("#upload-form button[type=submit]")
    athlete.wait_for_function(
        "document.getElementById('upload-message').textContent.startsWith('Done')"
    )
    assert "1 of 1 files imported" in athlete.inner_text("#upload-message")
    # the page sets 100 itself when the job is done: exact
    assert athlete.evaluate("document.getElementById('upload-progress').value") == 100
    check_page(athlete, axe_source, "12-upload-done")
    athlete.click("#upload-results a")
    athlete.wait_for_selector("figure.rs-chart")
    assert athlete.locator("figure.rs-chart").count() == 4
    assert athlete.locator("svg.track polyline").count() >= 1
    check_page(athlete, axe_source, "13-session")

    athlete.goto(f"{server}/athletes/me/sessions")
    check_page(athlete, axe_source, "14-sessions")

    # a program, after the screening questions
    athlete.goto(f"{server}/athletes/me/program")
    check_page(athlete, axe_source, "15-program-screening")
    athlete.check("input[name=program_id][value=knee-oa]")
    for radio in athlete.locator("input[type=radio][value=no]").all():
        radio.check()
    athlete.click("form.stack button[type=submit]")
    athlete.wait_for_url(re.compile(r"started=1"))
    assert "Today, " in athlete.inner_text("main")
    assert athlete.locator("figure.rs-chart").count() == 2
    check_page(athlete, axe_source, "16-program")

    # two assessments: a progress chart with its MIC band
    athlete.goto(f"{server}/athletes/me/assessments")
    for day, value in (("2026-10-05", "410"), ("2026-11-16", "466")):
        athlete.select_option("#f-measure", "six_minute_walk")
        athlete.fill("#f-on", day)
        athlete.fill("#f-value", value)
        athlete.click("form.stack button[type=submit]")
        athlete.wait_for_url(re.compile(r"saved=1"))
    assert athlete.locator("figure.rs-chart").count() == 1
    assert "410" in athlete.inner_text("main") and "466" in athlete.inner_text("main")
    check_page(athlete, axe_source, "17-assessments")

    # the energy calculator follows the inputs (fetch to the API) without a submit
    athlete.goto(f"{server}/energy")
    before = athlete.inner_text("[data-out=ratio]")
    athlete.fill("#f-speed", "2")
    athlete.wait_for_function(
        "document.querySelector('[data-out=ratio]').textContent.includes('at 2 km/h')"
    )
    assert athlete.inner_text("[data-out=ratio]") != before
    check_page(athlete, axe_source, "18-energy")

    athlete.goto(f"{server}/")
    check_page(athlete, axe_source, "19-dashboard")

    # share with a clinician, who then sees the athlete
    athlete.goto(f"{server}/sharing")
    athlete.click("form.stack button[type=submit]")
    code = athlete.inner_text("#invite-code").strip()
    check_page(athlete, axe_source, "20-sharing-code")

    clinician = new_page(chromium, viewport={"width": 1100, "height": 900})
    register(clinician, server, "sam@example.org", "Dr Sam (made up)", role="clinician")
    check_page(clinician, axe_source, "30-clinic-empty")
    clinician.goto(f"{server}/sharing")
    clinician.fill("#f-code", code)
    clinician.click("form.stack button[type=submit]")
    clinician.wait_for_url(re.compile(r"/clinic$"))
    assert "Robin (made up)" in clinician.inner_text("main")
    check_page(clinician, axe_source, "31-clinic")
    clinician.click("main table a")
    assert "read-only" in clinician.inner_text(".viewing")
    check_page(clinician, axe_source, "32-clinician-athlete-overview")
    clinician.click(".viewing >> text=Assessments")
    assert clinician.locator("figure.rs-chart").count() == 1
    assert clinician.locator("#f-measure").count() == 0  # read-only: no form
    check_page(clinician, axe_source, "33-clinician-athlete-assessments")

    # settings, export and deletion
    athlete.goto(f"{server}/settings")
    check_page(athlete, axe_source, "21-settings")
    with athlete.expect_download() as download:
        athlete.click("#export-link")
    exported = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert exported["format"] == "retrostride-bundle" and exported["version"] == 4
    assert len(exported["log"]["sessions"]) == 1 and len(exported["assessments"]) == 2
    assert exported["grants"][0]["clinician_email"] == "sam@example.org"
    athlete.fill("form.danger-zone #f-password", PASSWORD)
    athlete.click("form.danger-zone button[type=submit]")
    athlete.wait_for_url(re.compile(r"/login\?deleted=1"))
    assert "deleted" in athlete.inner_text("main")
    # the clinician no longer sees the athlete
    clinician.goto(f"{server}/clinic")
    assert "Robin" not in clinician.inner_text("main")
    athlete.context.close()
    clinician.context.close()


def test_phone_layout_has_no_sideways_scroll(server: str, chromium: Any, axe_source: str) -> None:
    page = new_page(chromium, viewport={"width": 375, "height": 740}, is_mobile=True,
                    has_touch=True)
    register(page, server, "phone@example.org", "Phone (made up)")
    for path, name in (("/", "40-phone-dashboard"), ("/energy", "41-phone-energy"),
                       ("/athletes/me/program", "42-phone-program")):
        page.goto(server + path)
        assert page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
        ), path
        check_page(page, axe_source, name)
    page.context.close()
