"""The assessments page with five years of weekly readings: it reads what it shows, in a fixed
number of SQL statements whatever the history's length (no query per reading or measure), and
pages the list instead of reading every row into it."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from web_helpers import post_form, register

from retrostride.science.outcomes import MEASURES
from retrostride.store.db import utc_now
from retrostride.store.models import PersonRow
from retrostride.store.programs import AssessmentRow

WEEKS = 260  # five years of weekly readings
METHODS = {"body_fat": "bia", "quadriceps_strength": "hhd"}


def _seed(database: Any, weeks: int) -> None:
    """``weeks`` weekly readings of every measure (inserted directly: fast)."""
    first = date(2021, 1, 4)
    with database.transaction() as db:
        person = db.scalars(select(PersonRow)).one()
        for measure in MEASURES.values():
            db.add_all(
                AssessmentRow(
                    person_id=person.id, measure=measure.id, on=first + timedelta(weeks=k),
                    value=5.0 + (k % 3), unit=measure.unit, method=METHODS.get(measure.id),
                    detail=None, raw_json="{}", notes="", created_at=utc_now(),
                )
                for k in range(weeks)
            )


@contextmanager
def _statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def _listed(page: str) -> int:
    """Rows of the list of measurements."""
    return page.split('id="h-all"')[1].split("<tbody>")[1].split("</tbody>")[0].count("<tr>")


def _page(browser: Any, url: str = "/athletes/me/assessments") -> tuple[str, list[str]]:
    with _statements() as seen:
        r = browser.get(url)
    assert r.status_code == 200, r.text
    return r.text, [s for s in seen if s.lstrip().upper().startswith("SELECT")]


def test_five_years_of_weekly_readings_read_in_fixed_statements(browser: Any) -> None:
    register(browser, "ada@example.org")
    r = post_form(browser, "/athletes/me/assessments",
                  {"measure": "nrs_pain", "on": "2020-12-28", "value": "5"})
    assert r.status_code == 303
    _, few = _page(browser)
    _seed(browser.app.state.database, WEEKS)
    page, many = _page(browser)
    # the same statements with 1 or 2861 readings: nothing runs per reading or per measure
    assert len(many) == len(few), "\n".join(many)
    assert len(many) <= 12, "\n".join(many)
    # the list reads one page (LIMIT), the charts each measure's readings once
    listing = [s for s in many if "FROM assessment" in s and "LIMIT" in s.upper()]
    assert len(listing) == 1
    assert _listed(page) == 20
    assert f"{WEEKS * len(MEASURES) + 1} in all" in page
    # every measure's chart holds every reading (what it shows), with markers
    charts = re.findall(r'<figure class="rs-chart" id="chart-\d+" data-chart="([^"]+)"', page)
    assert len(charts) == len(MEASURES)
    sizes = sorted(len(json.loads(html.unescape(c))["x"]) for c in charts)
    assert sizes[0] == WEEKS and sizes[-1] == WEEKS + 1  # the pain score has one more
    # older pages of the list, as links that work without script
    assert 'href="?population=knee_oa&amp;page=2#h-all"' in page
    older, _ = _page(browser, "/athletes/me/assessments?page=144")
    assert _listed(older) == 1  # the oldest
    assert browser.get("/athletes/me/assessments?page=0").status_code == 404


def test_each_measure_says_which_way_is_better_in_the_persons_units(browser: Any) -> None:
    register(browser, "ada@example.org")
    r = post_form(browser, "/settings", {"speed_unit": "mph", "mass_unit": "lb",
                                         "time_zone": "UTC", "display_name": "A"})
    assert r.status_code == 303
    for measure, day, value in (("body_mass", "2026-10-01", "165"),
                                ("body_mass", "2026-11-01", "160"),
                                ("six_minute_walk", "2026-10-01", "410"),
                                ("tug", "2026-10-01", "11.5")):
        r = post_form(browser, "/athletes/me/assessments",
                      {"measure": measure, "on": day, "value": value})
        assert r.status_code == 303, r.text
    page = browser.get("/athletes/me/assessments").text
    titles = re.findall(r'<figcaption>([^<]+)</figcaption>', page)
    assert "Body mass (lb): neither direction is better" in titles
    assert "Six-minute walk distance (m): higher is better" in titles
    assert "Timed Up and Go (s): lower is better" in titles
    mass = next(json.loads(html.unescape(c)) for c in
                re.findall(r'data-chart="([^"]+)"', page) if "Body mass" in html.unescape(c))
    # typed and shown in pounds (stored in kg): 165 lb and 160 lb come back as typed
    assert mass["s"][0]["u"] == "lb"
    assert mass["s"][0]["v"] == [165.0, 160.0]
    assert "kg" not in page.split('id="h-all"')[1]
