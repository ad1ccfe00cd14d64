"""Fixtures of the web page tests: the whole application (API + pages) on a SQLite file.

Argon2 runs with cheap parameters here so that tests stay fast.
"""

from __future__ import annotations

import re
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from browser_kit import AXE, CHROMIUM, CHROMIUM_ARGS, ROOT
from web_helpers import (
    TestClient,
    account_id,
    make_client,
    post_form,
    register,
    skip_or_fail,
    upload_fit,
    web_settings,
)

from retrostride.server import create_app


@pytest.fixture
def web_app(tmp_path: Path) -> Iterator[Any]:
    """The application on a fresh SQLite file."""
    app = create_app(web_settings(f"sqlite:///{tmp_path / 'web.sqlite'}"))
    with make_client(app):  # runs the lifespan (closes the database at the end)
        yield app


@pytest.fixture
def browser(web_app: Any) -> TestClient:
    """An anonymous browser-like client."""
    return make_client(web_app)


@dataclass(frozen=True)
class SharedTrack:
    """An athlete with one session that has a track, and a clinician the athlete shares with."""

    athlete: TestClient
    clinician: TestClient
    athlete_id: int
    session_id: int


@pytest.fixture
def shared_track(web_app: Any, shared_data: Path) -> SharedTrack:
    """Two logged-in clients: the athlete (with :data:`web_helpers.FIT_LOOP` uploaded) and a
    clinician who redeemed the athlete's invitation."""
    athlete, clinician = make_client(web_app), make_client(web_app)
    register(athlete, "ath@example.org")
    register(clinician, "doc@example.org", role="clinician")
    session_id = upload_fit(athlete, shared_data)
    r = post_form(athlete, "/sharing", {"action": "invite"})
    code = re.search(r'<p class="code" id="invite-code">([^<]+)</p>', r.text)
    assert code is not None
    r = post_form(clinician, "/sharing", {"action": "redeem", "code": code.group(1)})
    assert r.status_code in (200, 303), r.text
    return SharedTrack(athlete, clinician, account_id(athlete), session_id)


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        subprocess.run(["bash", str(ROOT / "tools" / "ensure-axe.sh")], check=False, timeout=300)
    if not AXE.is_file():
        skip_or_fail("axe-core is missing (tools/ensure-axe.sh could not install it)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The whole application under uvicorn on a free loopback port, on a SQLite file."""
    database = tmp_path_factory.mktemp("browser") / "web.sqlite"
    app = create_app(web_settings(f"sqlite:///{database}"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    for _ in range(400):
        if uv.started:
            break
        time.sleep(0.05)
    assert uv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is missing (tools/ensure-chromium.sh installs it as root)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("the playwright package is missing (pip install -e '.[dev]')")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
