"""Units, time zone and date format belong to the account; the browser's zone is proposed."""

from __future__ import annotations

from typing import Any

import pytest
from web_helpers import PASSWORD, make_client, post_form, register, text_of


def test_choices_follow_the_account_to_a_second_device(browser: Any, web_app: Any) -> None:
    register(browser, "two@example.org")
    r = post_form(browser, "/settings", {"speed_unit": "mph", "mass_unit": "lb",
                                         "time_zone": "America/New_York",
                                         "date_format": "iso"})
    assert r.status_code == 303, r.text
    other = make_client(web_app)  # another browser: no cookie of the first
    other.post("/login", data={"email": "two@example.org", "password": PASSWORD})
    page = other.get("/settings").text
    assert 'value="mph" checked' in page and 'value="lb" checked' in page
    assert 'value="America/New_York"' in page and 'value="iso" checked' in page
    form = other.get("/athletes/me/sessions/new").text
    assert "Speed (mph)" in form and "(America/New_York)" in form


def test_the_browser_zone_is_proposed_until_one_is_chosen(browser: Any) -> None:
    register(browser, "tz@example.org")
    browser.cookies.set("retrostride_zone", "Asia/Tokyo")
    page = browser.get("/settings").text
    assert 'value="Asia/Tokyo"' in page and "Proposed from your browser" in text_of(page)
    browser.cookies.set("retrostride_zone", "Not/AZone")
    assert 'value="UTC"' in browser.get("/settings").text
    post_form(browser, "/settings", {"speed_unit": "km/h", "mass_unit": "kg",
                                     "time_zone": "Europe/Paris"})
    browser.cookies.set("retrostride_zone", "Asia/Tokyo")
    page = browser.get("/settings").text
    assert 'value="Europe/Paris"' in page and "Proposed from your browser" not in page


def test_the_pages_use_the_accounts_one_list_of_choices_and_zone_check() -> None:
    """The cookie reader, the settings form and the account service share one definition."""
    from retrostride.services import preferences
    from retrostride.web import prefs

    assert prefs.valid_zone is preferences.valid_zone
    assert prefs.SPEED_UNITS is preferences.SPEED_UNITS
    assert prefs.MASS_UNITS is preferences.MASS_UNITS
    assert prefs.DATE_FORMATS is preferences.DATE_FORMATS


@pytest.mark.parametrize("date_format", ["day-month", "iso"])
def test_a_calendar_s_day_names_are_the_formatter_s(date_format: str) -> None:
    from datetime import date, timedelta

    from retrostride.web.prefs import Formatter, Prefs

    fmt = Formatter(Prefs(date_format=date_format))
    name = fmt.day_namer()
    days = [date(2023, 12, 25) + timedelta(days=k) for k in range(400)]
    assert [name(d) for d in days] == [fmt.day(d) for d in days]
