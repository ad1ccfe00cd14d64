"""Real-browser tests of the log's views and the front door, at 1280x800 and 390x844: the
visitor's landing page and calculator, the session filters, totals, calendar, records and the
GPS map (Leaflet from this origin, no tiles). Every page is checked with axe and photographed;
the test fails if the browser asks anything of a host other than the loopback server."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from browser_kit import check_page, new_page, register

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
FIT = ("activity", "fit", "2013-02-06-12-11-14.fit")


def _watch_requests(page: Any, server: str) -> list[str]:
    """Every URL the page asks for that is not the loopback server (nor data:/blob:)."""
    elsewhere: list[str] = []

    def note(request: Any) -> None:
        url = request.url
        if not (url.startswith(server + "/") or url.startswith(("data:", "blob:"))):
            elsewhere.append(url)

    page.on("request", note)
    return elsewhere


def _fits(page: Any) -> bool:
    return bool(page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
    ))


def _log(page: Any, server: str, **fields: Any) -> None:
    token = page.get_attribute("meta[name=csrf-token]", "content")
    body = {"sport": "walking", "setting": "treadmill", "direction": "backward"} | fields
    r = page.request.post(
        f"{server}/api/athletes/me/sessions", data=body, headers={"X-CSRF-Token": token}
    )
    assert r.status == 201, r.text()


@pytest.mark.parametrize("size", list(SIZES))
def test_front_door_and_the_views(
    server: str, chromium: Any, axe_source: str, shared_data: Path, size: str
) -> None:
    phone = size == "phone"
    page = new_page(chromium, viewport=SIZES[size], is_mobile=phone, has_touch=phone)
    elsewhere = _watch_requests(page, server)

    # a visitor: what retrostride is, the calculator without an account
    page.goto(f"{server}/")
    assert "Backward walking, measured" in page.inner_text("h1")
    assert "×" in page.inner_text("#h-energy + p")
    check_page(page, axe_source, f"60-{size}-front-door")
    page.fill("#q-speed", "4")
    page.click(".quick-energy button[type=submit]")
    page.wait_for_url(re.compile(r"/energy\?"))
    assert "Backward costs" in page.inner_text("#energy-result")
    check_page(page, axe_source, f"61-{size}-energy-visitor")
    assert _fits(page)

    register(page, server, f"views-{size}@example.org", "Views (made up)")
    for day, minutes, km in (("05", 20, 1.5), ("06", 30, 2.0), ("12", 15, 0.8)):
        _log(page, server, start_utc=f"2026-01-{day}T08:00:00+00:00", elapsed_s=minutes * 60,
             distance_m=km * 1000)
    _log(page, server, start_utc="2026-01-07T08:00:00+00:00", elapsed_s=1800, sport="running",
         direction="forward", setting="overground")
    page.goto(f"{server}/athletes/me/upload")
    page.set_input_files("#f-files", str(shared_data.joinpath(*FIT)))
    page.select_option("#f-direction", "backward")
    page.click("#upload-form button[type=submit]")
    page.wait_for_function(
        "document.getElementById('upload-message').textContent.startsWith('Done')"
    )

    # the list: filters and sorting
    page.goto(f"{server}/athletes/me/sessions")
    page.select_option("#f-direction", "backward")
    page.select_option("#f-setting", "treadmill")
    page.select_option("#f-sort", "distance")
    page.click(".filters button[type=submit]")
    page.wait_for_url(re.compile(r"direction=backward"))
    assert "3 sessions match the filters" in page.inner_text("main")
    assert page.locator(".session-item").count() == 3
    check_page(page, axe_source, f"62-{size}-sessions-filtered")
    assert _fits(page)

    for path, name, expect in (
        ("totals?period=month", "63-totals", "Totals per month"),
        ("calendar", "64-calendar", "Training days by month"),
        ("records", "65-records", "Longest streak"),
    ):
        page.goto(f"{server}/athletes/me/{path}")
        assert expect.lower() in page.inner_text("main").lower()
        check_page(page, axe_source, f"{name[:2]}-{size}-{name[3:]}")
        assert _fits(page), path
    page.goto(f"{server}/athletes/me/records")
    assert "3 days" in page.inner_text("main")  # 5, 6 and 7 January

    # the map of the GPS session: Leaflet from this origin, the track without tiles
    page.goto(f"{server}/athletes/me/sessions?sort=distance")
    page.click(".session-item a >> nth=0")
    page.wait_for_url(re.compile(r"/sessions/\d+$"))
    page.click("text=Zoom in on the map")
    page.wait_for_selector(".leaflet-container")
    assert page.locator(".leaflet-overlay-pane path").count() >= 1
    assert page.locator(".leaflet-tile").count() == 0
    assert not page.is_visible("#track-fallback")
    check_page(page, axe_source, f"66-{size}-map")
    assert _fits(page)

    assert elsewhere == [], elsewhere
    page.context.close()
