"""The composition root: ``retrostride.server`` serves the API with the pages; the API alone
(``api.app.create_api``) has no pages, so the API never needs to import them."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from retrostride.api.app import create_api
from retrostride.api.settings import Settings
from retrostride.server import create_app


def _settings(tmp_path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 's.sqlite'}", secure_cookies=False,
        argon2_time_cost=1, argon2_memory_kib=1024,
    )


def test_the_served_app_has_the_api_and_the_pages(tmp_path: Path) -> None:
    with TestClient(create_app(_settings(tmp_path))) as client:
        assert client.get("/openapi.json").status_code == 200
        page = client.get("/energy")
        assert page.status_code == 200
        assert "text/html" in page.headers["content-type"]
        assert "content-security-policy" in page.headers  # headers installed after the pages


def test_the_api_alone_has_no_pages(tmp_path: Path) -> None:
    with TestClient(create_api(_settings(tmp_path))) as client:
        assert client.get("/openapi.json").status_code == 200
        assert client.get("/energy").status_code == 404
