"""Real-browser test of gait in the browser: upload a recording, follow the job, read the bouts and
the chart, attach a trial of a multi-trial file to a session; at 1280x800 and 390x844, axe on
every page, and no request leaves loopback."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from browser_kit import check_page, new_page, register

pytestmark = [pytest.mark.slow]

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
RECORDINGS = {
    "desktop": Path("imu") / "geneactiv-lumbar" / "gaitpy-demo_data-geneactiv-lumbar.csv",
    "phone": Path("imu") / "mobgap-lab" / "HA" / "001" / "data.mat",
}


@pytest.mark.parametrize("size", list(SIZES))
def test_upload_a_recording_see_its_bouts_and_attach_it(
    server: str, chromium: Any, axe_source: str, shared_data: Path, size: str
) -> None:
    phone = size == "phone"
    page = new_page(chromium, viewport=SIZES[size], is_mobile=phone, has_touch=phone)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    register(page, server, f"gait-{size}@example.org", "Gait (made up)")
    page.goto(f"{server}/athletes/me/sessions/new")
    page.fill("#f-seg-0-duration", "10")
    page.fill("#f-seg-0-speed", "3")
    page.click("button[value=save]")
    page.wait_for_url(re.compile(r"/sessions/\d+\?saved=1$"))
    session_id = re.search(r"/sessions/(\d+)", page.url).group(1)  # type: ignore[union-attr]
    page.click("nav[aria-label=Main] >> text=Gait")
    page.wait_for_url(re.compile(r"/athletes/me/gait$"))
    check_page(page, axe_source, f"60-{size}-gait-upload")
    page.set_input_files("#f-file", str(shared_data / RECORDINGS[size]))
    page.select_option("#f-placement", "lower-back")
    page.click("#gait-form button[type=submit]")
    page.wait_for_url(re.compile(r"/athletes/me/gait/\d+$"))
    page.wait_for_selector("text=Walking bouts", timeout=120_000)  # the page refreshes itself
    check_page(page, axe_source, f"61-{size}-gait-result")
    assert page.locator("main figure.gait-chart svg.rs-plot").count() == 1
    assert page.locator("main table tbody tr").count() >= 1
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
    )
    if phone:  # three trials: choose the longest one to attach
        assert page.locator("nav.trial-nav a").count() == 3
        page.select_option("#f-trial", "3")
    page.select_option("#f-session", session_id)
    page.fill("#f-offset", "0")
    page.click("form[action$='/attach'] button[type=submit]")
    page.wait_for_selector("#attached")
    assert f"session {session_id}" in page.inner_text("#attached")
    check_page(page, axe_source, f"62-{size}-gait-attached")
    page.click(f"#attached >> text=session {session_id}")
    page.wait_for_url(re.compile(rf"/sessions/{session_id}$"))
    outside = [u for u in requests if not u.startswith((server, "data:", "blob:"))]
    assert not outside, outside
    page.context.close()
