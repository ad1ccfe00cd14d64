"""The log's views in the web app: session filters and sorting (pages and API)."""

from __future__ import annotations

import re
from typing import Any

from web_helpers import csrf, register, text_of


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
