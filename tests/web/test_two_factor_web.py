"""Two-factor login and the access log in a real browser: a clinician turns it on (QR code and
key), keeps the recovery codes, logs in again with a code; the athlete whose data the clinician
opened sees it in their access log. Every page checked with axe-core, at 1280 and 390 px."""

from __future__ import annotations

import re
import time
from typing import Any

import pyotp
import pytest
from browser_kit import PASSWORD, check_page, new_page, register

from retrostride.services.two_factor import STEP_S

pytestmark = [pytest.mark.slow]


def test_two_factor_login_and_the_access_log(
    server: str, chromium: Any, axe_source: str
) -> None:
    athlete = new_page(chromium, viewport={"width": 390, "height": 844}, is_mobile=True)
    register(athlete, server, "kim@example.org", "Kim (made up)")
    athlete.goto(f"{server}/sharing")
    athlete.click("form.stack button[type=submit]")
    code = athlete.inner_text("#invite-code").strip()

    clinician = new_page(chromium, viewport={"width": 1280, "height": 900})
    register(clinician, server, "lee@example.org", "Dr Lee (made up)", role="clinician")
    clinician.goto(f"{server}/sharing")
    clinician.fill("#f-code", code)
    clinician.click("form.stack button[type=submit]")
    clinician.wait_for_url(re.compile(r"/clinic$"))
    clinician.click("main table a")  # the athlete's overview: one access

    # the clinician turns two-factor login on
    clinician.goto(f"{server}/settings")
    clinician.click("text=Two-factor login")
    check_page(clinician, axe_source, "50-two-factor-off")
    clinician.click("main form button[type=submit]")
    assert clinician.locator("svg.qr").count() == 1
    check_page(clinician, axe_source, "51-two-factor-setup")
    secret = clinician.inner_text("figcaption code").strip()
    clinician.fill("#f-code", pyotp.TOTP(secret).now())
    clinician.click("main form button[type=submit]")
    recovery = clinician.locator(".recovery-codes code").all_inner_texts()
    assert len(recovery) == 10
    check_page(clinician, axe_source, "52-two-factor-codes")

    # logging in again asks for the code
    clinician.click("form.logout button")
    clinician.goto(f"{server}/login")
    clinician.fill("#f-email", "lee@example.org")
    clinician.fill("#f-password", PASSWORD)
    clinician.click("main form button[type=submit]")
    clinician.wait_for_url(re.compile(r"/login/code"))
    check_page(clinician, axe_source, "53-login-code")
    clinician.fill("#f-code", recovery[0])
    clinician.click("main form button[type=submit]")
    clinician.wait_for_url(re.compile(r"/clinic$"))
    # a recovery code works once only
    clinician.click("form.logout button")
    clinician.goto(f"{server}/login")
    clinician.fill("#f-email", "lee@example.org")
    clinician.fill("#f-password", PASSWORD)
    clinician.click("main form button[type=submit]")
    clinician.fill("#f-code", recovery[0])
    clinician.click("main form button[type=submit]")
    assert "wrong or already used" in clinician.inner_text("main")
    clinician.fill("#f-code", pyotp.TOTP(secret).at(time.time() + STEP_S))
    clinician.click("main form button[type=submit]")
    clinician.wait_for_url(re.compile(r"/clinic$"))

    # the athlete sees the clinician's access
    athlete.goto(f"{server}/settings/access-log")
    assert "lee@example.org" in athlete.inner_text("main")
    assert athlete.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
    )
    check_page(athlete, axe_source, "54-access-log")
    athlete.context.close()
    clinician.context.close()
