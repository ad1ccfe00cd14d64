"""Fixtures of the API tests: an application on a real database, and callers with accounts.

The application runs in-process (Starlette's test client over ASGI); nothing listens on a port.
Argon2 runs with cheap parameters here so that tests stay fast; the production defaults are
tested in ``test_accounts_api.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from api_helpers import TestClient

from retrostride.api.settings import Settings
from retrostride.server import create_app


def make_settings(database_url: str, **overrides: Any) -> Settings:
    base: dict[str, Any] = {
        "database_url": database_url,
        "secure_cookies": False,
        "argon2_time_cost": 1,
        "argon2_memory_kib": 1024,
        "login_rate_per_minute": 1000,
    }
    base.update(overrides)
    return Settings(**base)


@pytest.fixture
def app_factory(database_url: str) -> Iterator[Any]:
    """Builds applications on this test's database (closed at the end)."""
    clients: list[TestClient] = []

    def build(**overrides: Any) -> TestClient:
        client = TestClient(create_app(make_settings(database_url, **overrides)))
        client.__enter__()
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(app_factory: Any) -> TestClient:
    """An anonymous client of a fresh application (open registration)."""
    result: TestClient = app_factory()
    return result


