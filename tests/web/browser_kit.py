"""Helpers of the real-browser tests: constants, axe check with a screenshot, pages, register.

The fixtures (``server``, ``chromium``, ``axe_source``) live in ``conftest.py``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
AXE = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "artifacts" / "screenshots"
PASSWORD = "correct horse battery"


def check_page(page: Any, axe_source: str, name: str) -> None:
    """axe-core finds no serious or critical violation; then a full-page screenshot."""
    page.evaluate(axe_source)
    result = page.evaluate(
        "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact,"
        " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})); }"
    )
    bad = [v for v in result if v["impact"] in ("serious", "critical")]
    assert not bad, f"{name} ({page.url}): {json.dumps(bad, indent=1)}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def new_page(chromium: Any, **kw: Any) -> Any:
    context = chromium.new_context(bypass_csp=True, accept_downloads=True, **kw)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def register(page: Any, server: str, email: str, name: str, role: str = "athlete") -> None:
    page.goto(f"{server}/register")
    if role == "clinician":
        page.check("#f-role-clinician")
    page.fill("#f-display_name", name)
    page.fill("#f-email", email)
    page.fill("#f-password", PASSWORD)
    page.fill("#f-password_again", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/(\?welcome=1|clinic)$"))
