"""Fixtures of the web page tests: the whole application (API + pages) on a SQLite file.

Argon2 runs with cheap parameters here so that tests stay fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_helpers import TestClient, make_client, web_settings

from retrostride.api.app import create_app


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
