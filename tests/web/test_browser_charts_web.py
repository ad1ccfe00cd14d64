"""The chart engine in a real browser (Debian's chromium): a session's charts against time and
distance with the hover read-out and the zoom, its laps and splits, and the assessments page,
at 1280x800 and 390x844; axe on every page, a screenshot of each into ``artifacts/screenshots``,
and not one request leaving loopback (made-up people; the file is a public sample run)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser_kit import check_page, new_page, register

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
RUN = "activity/fit/activity-small-fenix2-run.fit"  # 9 km, 4 laps without speed or heart rate


def _loopback_only(page: Any) -> list[str]:
    """Every URL the page asks for; anything not on loopback is refused and recorded."""
    seen: list[str] = []

    def route(r: Any) -> None:
        url = r.request.url
        seen.append(url)
        if urlsplit(url).hostname not in ("127.0.0.1", "localhost") and not url.startswith(
            ("data:", "blob:")
        ):
            r.abort()
        else:
            r.continue_()

    page.context.route("**/*", route)
    return seen


def _outside(seen: list[str]) -> list[str]:
    return [u for u in seen if urlsplit(u).hostname not in ("127.0.0.1", "localhost")
            and not u.startswith(("data:", "blob:"))]


def _upload(page: Any, server: str, path: Path) -> int:
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "retrostride_csrf")
    r = page.request.post(
        f"{server}/api/athletes/me/uploads?wait=true&direction=backward",
        multipart={"files": {"name": path.name, "mimeType": "application/octet-stream",
                             "buffer": path.read_bytes()}},
        headers={"X-CSRF-Token": token},
    )
    assert r.status == 200, r.text()
    return int(r.json()["results"][0]["session_ids"][0])


def _fits_the_screen(page: Any) -> None:
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
    ), page.url
    # every chart label is at least 12 CSS pixels, whatever the screen's width
    smallest = page.evaluate(
        "Math.min(...Array.from(document.querySelectorAll('.rs-chart text'))"
        ".map(t => parseFloat(getComputedStyle(t).fontSize)))"
    )
    assert smallest >= 12.0


def test_session_charts_laps_and_splits(
    server: str, chromium: Any, axe_source: str, shared_data: Path
) -> None:
    page = new_page(chromium, viewport=SIZES["desktop"])
    seen = _loopback_only(page)
    register(page, server, "charts@example.org", "Charts (made up)")
    session_id = _upload(page, server, shared_data / RUN)
    url = f"{server}/athletes/me/sessions/{session_id}"
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.goto(url)
        charts = page.locator("figure.rs-chart")
        assert charts.count() == 4  # speed, heart rate, cadence, elevation
        _fits_the_screen(page)
        # hover: every chart of the session reads out the same moment
        page.locator(".rs-plot").first.hover()  # scrolled into view, pointer at its centre
        speed = page.locator(".rs-readout").first.inner_text()
        assert re.search(r"\d+:\d\d · Speed \d+\.\d km/h \(\d+:\d\d min/km\)", speed), speed
        heart = page.locator(".rs-readout").nth(1).inner_text()
        assert heart.split(" · ")[0] == speed.split(" · ")[0] and "beats/min" in heart
        check_page(page, axe_source, f"50-session-charts-{size}")
        # laps: speed and heart rate from the samples where the watch's laps lack them
        laps = page.locator("section[aria-labelledby=h-laps] tbody tr")
        assert laps.count() == 4
        for row in laps.all():
            cells = row.locator("td").all_inner_texts()
            assert "km/h" in cells[4] and "bpm" in cells[6], cells
        splits = page.locator("section[aria-labelledby=h-splits] tbody tr")
        assert splits.count() == 9  # 9.01 km: nine full km
    # zoom by dragging across the speed chart (desktop), then show all again
    page.set_viewport_size(SIZES["desktop"])
    page.goto(url)
    plot = page.locator(".rs-plot").first
    plot.scroll_into_view_if_needed()
    box = plot.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.2, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.4, y, steps=5)
    page.mouse.up()
    view = page.locator(".rs-data").nth(1).get_attribute("viewBox")  # the heart rate follows
    start, _, width, _ = (float(v) for v in view.split())
    assert start == pytest.approx(200.0, abs=15.0) and width == pytest.approx(200.0, abs=15.0)
    reset = page.locator(".rs-reset").first
    assert reset.is_visible()
    check_page(page, axe_source, "51-session-zoomed")
    reset.click()
    assert page.locator(".rs-data").first.get_attribute("viewBox") == "0.00 0 1000.00 1000"
    # the keyboard does the same: arrows move the read-out, + zooms, Escape shows all
    plot.focus()
    page.keyboard.press("ArrowRight")
    first = page.locator(".rs-readout").first.inner_text()
    page.keyboard.press("ArrowRight")
    assert page.locator(".rs-readout").first.inner_text() != first
    page.keyboard.press("+")
    assert page.locator(".rs-data").first.get_attribute("viewBox") != "0.00 0 1000.00 1000"
    page.keyboard.press("Escape")
    assert page.locator(".rs-data").first.get_attribute("viewBox") == "0.00 0 1000.00 1000"
    # against distance: a link (no script needed), the axis in km
    page.click("text=Against distance")
    page.wait_for_url(re.compile(r"x=distance"))
    assert page.locator(".rs-xaxis .rs-unit").first.text_content() == "km"
    page.set_viewport_size(SIZES["phone"])
    _fits_the_screen(page)
    check_page(page, axe_source, "52-session-distance-phone")
    page.context.close()
    assert not _outside(seen), _outside(seen)
    assert any("/static/charts.js" in u for u in seen)


def test_assessments_and_program_charts(server: str, chromium: Any, axe_source: str) -> None:
    page = new_page(chromium, viewport=SIZES["desktop"])
    seen = _loopback_only(page)
    register(page, server, "assess@example.org", "Assess (made up)")
    page.goto(f"{server}/athletes/me/assessments")
    for measure, day, value in (("six_minute_walk", "2026-06-01", "410"),
                                ("six_minute_walk", "2026-08-03", "436"),
                                ("six_minute_walk", "2026-10-05", "471"),
                                ("nrs_pain", "2026-06-01", "6"),
                                ("nrs_pain", "2026-10-05", "3"),
                                ("body_mass", "2026-06-01", "81.5")):
        page.select_option("#f-measure", measure)
        page.fill("#f-on", day)
        page.fill("#f-value", value)
        page.click("form.stack button[type=submit]")
        page.wait_for_url(re.compile(r"saved=1"))
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.goto(f"{server}/athletes/me/assessments")
        assert page.locator("figure.rs-chart").count() == 3
        captions = page.locator("figure.rs-chart figcaption").all_inner_texts()
        assert any("higher is better" in c for c in captions)
        assert any("Body mass (kg): neither direction is better" in c for c in captions)
        _fits_the_screen(page)
        walk = page.locator("figure.rs-chart", has_text="Six-minute walk")
        plot = walk.locator(".rs-plot")
        plot.scroll_into_view_if_needed()
        box = plot.bounding_box()
        plot.hover(position={"x": box["width"] - 2, "y": box["height"] / 2})
        assert walk.locator(".rs-readout").inner_text() == (
            "5 Oct 2026 · Six-minute walk distance 471.0 m"
        )
        # the text alternative: the numbers in a table
        walk.locator("details summary").click()
        assert "436.0" in walk.locator("details table").inner_text()
        check_page(page, axe_source, f"53-assessments-{size}")
    # the program's charts, on the phone
    page.goto(f"{server}/athletes/me/program")
    page.check("input[name=program_id][value=knee-oa]")
    for radio in page.locator("input[type=radio][value=no]").all():
        radio.check()
    page.click("form.stack button[type=submit]")
    page.wait_for_url(re.compile(r"started=1"))
    assert page.locator("figure.rs-chart").count() == 2
    _fits_the_screen(page)
    check_page(page, axe_source, "54-program-phone")
    page.context.close()
    assert not _outside(seen), _outside(seen)
