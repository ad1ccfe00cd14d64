"""Helpers of the page tests: a browser-like client that registers and logs in through forms."""

from __future__ import annotations

import importlib.util
import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from retrostride.api.settings import Settings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with")
    from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"


def _root_conftest_skip_or_fail() -> Callable[[str], None]:
    """``skip_or_fail`` of ``tests/conftest.py`` (skip; fail under CI=true), loaded by path."""
    path = Path(__file__).resolve().parents[1] / "conftest.py"
    spec = importlib.util.spec_from_file_location("retrostride_tests_root_conftest", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    function: Callable[[str], None] = module.skip_or_fail
    return function


skip_or_fail = _root_conftest_skip_or_fail()


def web_settings(database_url: str, **overrides: Any) -> Settings:
    """Server settings for tests: plain-HTTP cookies, cheap argon2, no login rate limit."""
    base: dict[str, Any] = {
        "database_url": database_url,
        "secure_cookies": False,
        "argon2_time_cost": 1,
        "argon2_memory_kib": 1024,
        "login_rate_per_minute": 1000,
    }
    base.update(overrides)
    return Settings(**base)


def make_client(app: Any) -> TestClient:
    """A client that keeps cookies, as a browser does."""
    return TestClient(app, base_url="http://testserver")


def csrf(client: TestClient) -> str:
    """The login's CSRF token (the readable cookie a page also embeds in its forms)."""
    token = client.cookies.get("retrostride_csrf")
    assert token, "not logged in"
    return str(token)


def register(client: TestClient, email: str, role: str = "athlete", name: str = "") -> None:
    """Register through the form (which logs in)."""
    r = client.post(
        "/register",
        data={"email": email, "password": PASSWORD, "password_again": PASSWORD,
              "role": role, "display_name": name or email.split("@")[0]},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text


def account_id(client: TestClient) -> int:
    r = client.get("/api/account")
    assert r.status_code == 200, r.text
    return int(r.json()["id"])


def post_form(client: TestClient, url: str, data: dict[str, str], **kw: Any) -> Any:
    """A form post carrying the CSRF token, as the pages' forms do."""
    return client.post(url, data={"csrf_token": csrf(client), **data},
                       follow_redirects=kw.pop("follow_redirects", False), **kw)


def text_of(html: str) -> str:
    """The visible text of a page (tags dropped, spaces collapsed)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


FIT_LOOP = Path("activity") / "fit" / "2013-02-06-12-11-14.fit"
"""A 4.8 km loop with positions, under the shared data folder."""


def upload_fit(client: TestClient, shared_data: Path) -> int:
    """Upload :data:`FIT_LOOP` as a backward session; returns the session's id."""
    r = client.post(
        "/api/athletes/me/uploads?wait=true&direction=backward",
        files=[("files", ("walk.fit", (shared_data / FIT_LOOP).read_bytes(),
                          "application/octet-stream"))],
        headers={"X-CSRF-Token": csrf(client)},
    )
    assert r.status_code == 200, r.text
    return int(r.json()["results"][0]["session_ids"][0])
