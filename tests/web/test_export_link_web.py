"""The session page links to the session's GPX and TCX downloads, which the browser's login
can fetch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from web_helpers import csrf, register


@pytest.mark.shared_data
def test_session_page_links_gpx_and_tcx(browser: Any, shared_data: Path) -> None:
    register(browser, "ada@example.org")
    walk = shared_data / "activity" / "fit" / "garmin-fenix-5-walk.fit"
    r = browser.post(
        "/api/athletes/me/uploads?wait=true",
        files=[("files", ("walk.fit", walk.read_bytes(), "application/octet-stream"))],
        headers={"X-CSRF-Token": csrf(browser)},
    )
    assert r.status_code == 200, r.text
    sid = r.json()["results"][0]["session_ids"][0]
    html = browser.get(f"/athletes/me/sessions/{sid}").text
    for fmt in ("gpx", "tcx"):
        link = f"/api/athletes/me/sessions/{sid}/export?format={fmt}"
        assert f'href="{link}"' in html
        download = browser.get(link)
        assert download.status_code == 200 and f"session-{sid}.{fmt}" in download.headers[
            "content-disposition"
        ]
