"""The upload page words what a person can do about a refused file in its own terms."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from web_helpers import register


def test_upload_page_words_remedies_with_its_checkboxes(browser: Any) -> None:
    register(browser, "ada@example.org", name="Ada")
    page = browser.get("/athletes/me/upload").text
    found = re.search(r'data-remedies="([^"]*)"', page)
    assert found is not None
    words = json.loads(html.unescape(found.group(1)))
    assert set(words) == {"salvage", "allow_duplicate", "raise_size_limit"}
    assert "Salvage damaged files" in words["salvage"]
    assert "Import probable duplicates too" in words["allow_duplicate"]
    # the page's checkboxes exist under those labels, and no command-line option is offered
    assert "Salvage damaged files" in page and "Import probable duplicates too" in page
    assert not any("--" in text for text in words.values())
    script = browser.get("/static/app.js").text
    assert "--salvage" not in script and "data-remedies" in script
