"""Real-browser tests of keeping the log in the browser: log by hand, live energy, full edit,
an invitation accepted by a clinician who registers from its link; at 1280x800 and 390x844."""

from __future__ import annotations

import re
from typing import Any

import pytest
from browser_kit import PASSWORD, check_page, new_page, register

pytestmark = [pytest.mark.slow]

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("size", list(SIZES))
def test_log_by_hand_then_edit_every_field(
    server: str, chromium: Any, axe_source: str, size: str
) -> None:
    phone = size == "phone"
    page = new_page(chromium, viewport=SIZES[size], is_mobile=phone, has_touch=phone)
    register(page, server, f"hand-{size}@example.org", "Hand (made up)")
    page.goto(f"{server}/settings")
    page.fill("#f-mass", "72")
    page.click("form[action='/settings/profile'] button[type=submit]")
    page.goto(f"{server}/athletes/me/sessions/new")
    check_page(page, axe_source, f"50-{size}-log-form")
    page.select_option("#f-setting", "treadmill")
    page.fill("#f-seg-0-duration", "25")
    page.fill("#f-seg-0-speed", "3")
    page.fill("#f-seg-0-grade", "4")
    page.wait_for_function(
        "document.getElementById('estimate-text').textContent.includes('kcal')"
    )  # the estimate follows the fields before saving
    page.click("button[value=add_segment]")
    page.fill("#f-seg-1-duration", "5")
    page.select_option("#f-seg-1-direction", "forward")
    page.fill("#f-seg-1-speed", "4")
    page.fill("#f-rpe", "5")
    page.fill("#f-pain_after", "2")
    page.click("button[value=estimate]")
    assert "kcal" in page.inner_text("#estimate-text")
    check_page(page, axe_source, f"51-{size}-log-estimate")
    page.click("button[value=save]")
    page.wait_for_url(re.compile(r"/sessions/\d+\?saved=1$"))
    assert "Saved" in page.inner_text("main")
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
    )
    check_page(page, axe_source, f"52-{size}-logged-session")
    page.click("text=Edit every field")
    page.select_option("#f-seg-1-direction", "backward")
    page.fill("#f-seg-0-sled", "20")
    page.select_option("#f-sport", "sled_drag")
    page.select_option("#f-setting", "overground")
    page.select_option("#f-surface", "artificial-turf")
    check_page(page, axe_source, f"53-{size}-edit-form")
    page.click("form.stack button[type=submit]")
    page.wait_for_url(re.compile(r"saved=1$"))
    assert "forward" not in page.inner_text("table")
    page.context.close()


def test_invitation_link_for_a_clinician_who_registers(
    server: str, chromium: Any, axe_source: str
) -> None:
    athlete = new_page(chromium, viewport=SIZES["desktop"])
    register(athlete, server, "inv@example.org", "Inv (made up)")
    athlete.goto(f"{server}/sharing")
    athlete.click("form.stack button[type=submit]")
    link = athlete.inner_text("#invite-link").strip() if athlete.locator(
        "#invite-link").count() else ""
    code = athlete.inner_text("#invite-code").strip()
    path = f"/share/accept?code={code}" if not link else link[link.index("/share/"):]
    clinician = new_page(chromium, viewport=SIZES["phone"], is_mobile=True, has_touch=True)
    clinician.goto(server + path)
    clinician.wait_for_url(re.compile(r"/login\?next="))
    clinician.click("text=Create an account")
    assert clinician.is_checked("#f-role-clinician")
    clinician.fill("#f-display_name", "Dr Inv (made up)")
    clinician.fill("#f-email", "drinv@example.org")
    clinician.fill("#f-password", PASSWORD)
    clinician.fill("#f-password_again", PASSWORD)
    clinician.click("button[type=submit]")
    clinician.wait_for_url(re.compile(r"/share/accept\?code="))
    assert clinician.input_value("#f-code") == code
    check_page(clinician, axe_source, "54-phone-invitation")
    clinician.click("form.stack button[type=submit]")
    clinician.wait_for_url(re.compile(r"/clinic$"))
    assert "Inv (made up)" in clinician.inner_text("main")
    athlete.context.close()
    clinician.context.close()
