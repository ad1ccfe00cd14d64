"""The log's views in the web app: session filters and sorting (pages and API)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from web_helpers import (
    csrf,
    make_client,
    post_form,
    register,
    text_of,
    upload_fit,
    web_settings,
)


def _add(client: Any, **fields: Any) -> int:
    body = {"sport": "walking", "setting": "treadmill", "direction": "backward"} | fields
    r = client.post(
        "/api/athletes/me/sessions", json=body, headers={"X-CSRF-Token": csrf(client)}
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _three(client: Any) -> tuple[int, int, int]:
    a = _add(client, start_utc="2026-01-05T08:00:00+00:00", elapsed_s=600, distance_m=500)
    b = _add(client, start_utc="2026-02-05T08:00:00+00:00", elapsed_s=1800, distance_m=2500,
             sport="running", direction="forward", setting="overground")
    c = _add(client, start_utc="2026-03-05T08:00:00+00:00", elapsed_s=1200, distance_m=1500)
    return a, b, c


def test_session_list_filters_and_sorts(browser: Any) -> None:
    register(browser, "ada@example.org")
    a, b, c = _three(browser)
    r = browser.get("/athletes/me/sessions?sort=distance&order=desc")
    assert r.status_code == 200
    order = [int(i) for i in re.findall(r"/sessions/(\d+)\"", r.text)]
    assert order == [b, c, a]
    r = browser.get("/athletes/me/sessions?direction=backward&from=2026-02-01&to=2026-12-31")
    text = text_of(r.text)
    assert "1 session matches the filters" in text
    assert f"/sessions/{c}\"" in r.text and f"/sessions/{a}\"" not in r.text
    r = browser.get("/athletes/me/sessions?sport=running")
    assert f"/sessions/{b}\"" in r.text and f"/sessions/{a}\"" not in r.text


def test_bad_filter_values_name_the_field(browser: Any) -> None:
    register(browser, "ada@example.org")
    r = browser.get("/athletes/me/sessions?setting=moon")
    assert r.status_code == 422 and "Setting" in text_of(r.text)
    r = browser.get("/athletes/me/sessions?from=2026-02-01&to=2026-01-01")
    assert r.status_code == 422 and "To:" in text_of(r.text)
    r = browser.get("/athletes/me/sessions?from=yesterday")
    assert r.status_code == 422 and "From" in text_of(r.text)


def test_api_list_takes_the_same_filters(browser: Any) -> None:
    register(browser, "ada@example.org")
    a, b, c = _three(browser)
    r = browser.get("/api/athletes/me/sessions?sort=duration&order=oldest")
    assert [s["id"] for s in r.json()["items"]] == [a, c, b]
    r = browser.get("/api/athletes/me/sessions?setting=treadmill&from=2026-03-01")
    assert [s["id"] for s in r.json()["items"]] == [c] and r.json()["total"] == 1
    r = browser.get("/api/athletes/me/sessions?from=2026-03-01&to=2026-01-01")
    assert r.status_code == 422 and "date_to" in r.text


def test_totals_page_weeks_months_years_in_the_persons_units(browser: Any) -> None:
    register(browser, "ada@example.org")
    now = datetime.now(UTC).replace(hour=6, minute=0, second=0, microsecond=0)
    _add(browser, start_utc=now.isoformat(), elapsed_s=1800, distance_m=1609.344)
    _add(browser, start_utc=now.isoformat(), elapsed_s=1800, distance_m=1609.344,
         direction="forward")
    r = browser.get("/athletes/me/totals")
    assert r.status_code == 200
    text = text_of(r.text)
    assert "1 h 00 min" in text and "3.22 km" in text and "50%" in text
    assert r.text.count('<figure class="rs-chart"') == 2 and "Time per week (h)" in r.text
    assert "Distance per week (km)" in r.text and "backward: 0.5 h in all" in r.text
    for period in ("month", "year"):
        r = browser.get(f"/athletes/me/totals?period={period}")
        assert r.status_code == 200 and "1 h 00 min" in text_of(r.text)
    post_form(browser, "/settings", {"speed_unit": "mph", "mass_unit": "lb", "time_zone": "UTC"})
    assert "2.00 mi" in text_of(browser.get("/athletes/me/totals?period=year").text)
    earlier = browser.get("/athletes/me/totals?period=year&end=2000-06-01")
    assert earlier.status_code == 200 and "1 h 00 min" not in text_of(earlier.text)
    assert browser.get("/athletes/me/totals?period=day").status_code == 422


def test_calendar_heatmap_labels_every_day_and_lists_them(browser: Any) -> None:
    register(browser, "ada@example.org")
    now = datetime.now(UTC).replace(hour=6, minute=0, second=0, microsecond=0)
    _add(browser, start_utc=now.isoformat(), elapsed_s=1500, distance_m=1000)
    _add(browser, start_utc=(now - timedelta(days=3)).isoformat(), elapsed_s=4000)
    _add(browser, start_utc=(now - timedelta(days=400)).isoformat(), elapsed_s=600)  # too old
    r = browser.get("/athletes/me/calendar")
    assert r.status_code == 200
    squares = re.findall(r"<rect [^>]*><title>([^<]+)</title></rect>", r.text)
    assert 364 <= len(squares) <= 371  # every day of the last 12 months, whole weeks
    assert sum("no session" not in s for s in squares) == 2
    assert any("1 session, 25 min" in s for s in squares)
    text = text_of(r.text)
    assert "2 training days" in text
    assert text.count("Training days by month") == 1


def test_records_page_shows_the_kept_records(browser: Any) -> None:
    register(browser, "ada@example.org")
    assert "No session yet" in text_of(browser.get("/athletes/me/records").text)
    sid = _add(browser, start_utc="2026-01-05T08:00:00+00:00", elapsed_s=1500, distance_m=2000)
    _add(browser, start_utc="2026-01-06T08:00:00+00:00", elapsed_s=600, distance_m=500)
    r = browser.get("/athletes/me/records")
    text = text_of(r.text)
    assert "25 min" in text and "12:30 min/km" in text and "2 days" in text
    assert f"/sessions/{sid}\"" in r.text


def _map_data(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', html, re.S)
    assert found is not None
    return dict(json.loads(found.group(1)))


def test_map_without_tiles_and_privacy_zone_for_others(shared_track: Any) -> None:
    athlete, clinician = shared_track.athlete, shared_track.clinician
    sid, ada = shared_track.session_id, shared_track.athlete_id
    own = athlete.get(f"/athletes/me/sessions/{sid}/map")
    assert own.status_code == 200
    assert '<script src="/vendor/leaflet/leaflet.js"' in own.text and "https://" not in own.text
    assert "img-src 'self' data:;" in own.headers["content-security-policy"]
    mine = _map_data(own.text)
    assert mine["tiles"] is None and mine["lines"]
    assert athlete.get("/vendor/leaflet/leaflet.js").status_code == 200
    shared = clinician.get(f"/athletes/{ada}/sessions/{sid}/map")
    assert shared.status_code == 200 and "privacy zone" in text_of(shared.text)
    theirs = _map_data(shared.text)
    first_mine, first_theirs = mine["lines"][0]["points"][0], theirs["lines"][0]["points"][0]
    assert first_mine != first_theirs
    api_theirs = clinician.get(f"/api/athletes/{ada}/sessions/{sid}").json()["samples"]
    api_mine = athlete.get(f"/api/athletes/me/sessions/{sid}").json()["samples"]
    assert api_mine["latitude_deg"][0] is not None and api_theirs["latitude_deg"][0] is None
    assert sum(v is None for v in api_theirs["longitude_deg"]) > sum(
        v is None for v in api_mine["longitude_deg"]
    )
    n_mine = sum(len(line["points"]) for line in mine["lines"])
    n_theirs = sum(len(line["points"]) for line in theirs["lines"])
    assert n_theirs < n_mine
    post_form(athlete, "/settings/track-privacy", {"hide_m": "0", "back": "/athletes/me/"})
    again = _map_data(clinician.get(f"/athletes/{ada}/sessions/{sid}/map").text)
    assert again["lines"][0]["points"][0] == first_mine
    bad = post_form(athlete, "/settings/track-privacy", {"hide_m": "7"})
    assert bad.status_code == 422 and "0, 200, 500 or 1000 m" in text_of(bad.text)


def test_map_tiles_only_when_the_server_opts_in(tmp_path: Path, shared_data: Path) -> None:
    from retrostride.server import create_app

    url = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    app = create_app(web_settings(f"sqlite:///{tmp_path / 't.sqlite'}", map_tile_url=url,
                                  map_tile_attribution="(c) Example tiles"))
    with make_client(app) as client:
        register(client, "ath@example.org")
        sid = upload_fit(client, shared_data)
        page = client.get(f"/athletes/me/sessions/{sid}/map")
        assert _map_data(page.text)["tiles"] == {"url": url, "attribution": "(c) Example tiles"}
        assert "img-src 'self' data: https://*.tiles.example.org;" in page.headers[
            "content-security-policy"]


def test_front_door_for_visitors_with_the_calculator(browser: Any) -> None:
    from retrostride.science.energy import Conditions
    from retrostride.services.energy import estimate_cost

    r = browser.get("/", follow_redirects=False)
    assert r.status_code == 200
    text = text_of(r.text)
    assert "Backward walking, measured" in text and "retrostride demo" in text
    assert 'href="/login"' in r.text and 'href="/register"' in r.text
    cost = estimate_cost(
        Conditions(speed_m_s=5 / 3.6, direction="backward", gait="walk", setting="treadmill",
                   body_mass_kg=70.0),
        duration_s=1800.0,
    )
    assert cost.ratio_to_forward is not None
    assert f"{cost.ratio_to_forward:.2f}×" in text  # the logged-in page's comparison
    energy = browser.get("/energy?speed=6&speed_unit=km/h&grade=5&mass=80&mass_unit=kg"
                         "&duration=20&setting=overground&gait=walk")
    assert energy.status_code == 200 and "Backward costs" in text_of(energy.text)
    assert 'data-live="off"' in energy.text
    register(browser, "ada@example.org")
    assert "Backward walking, measured" not in browser.get("/").text  # the dashboard
    assert 'data-live="off"' not in browser.get("/energy").text
