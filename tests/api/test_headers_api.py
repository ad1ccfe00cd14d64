"""Security headers on every response, no caching of health data, /docs without a CDN.

Issue 17 item 7: the headers were set on HTML pages only; API JSON (the account export
included) had no ``Cache-Control: no-store``; /docs loaded Swagger UI's script from a CDN.
"""

from __future__ import annotations

import re

from api_helpers import TestClient, signup


def _secured(r: object) -> None:
    headers = r.headers  # type: ignore[attr-defined]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    ada = signup(client, "ada@example.org")
    responses = [
        client.get("/api/account"),  # 401
        ada.get("/api/account"),
        client.get("/openapi.json"),
        client.get("/login"),
        client.get("/docs"),
        client.get("/api/no-such-route"),
        client.get("/static/style.css"),
    ]
    for r in responses:
        _secured(r)


def test_api_json_and_downloads_are_never_cached(client: TestClient) -> None:
    ada = signup(client, "ada@example.org")
    for r in (ada.get("/api/account"), ada.get("/api/account/export"), client.get("/api/x")):
        assert r.headers["cache-control"] == "no-store", r.url


def test_docs_load_nothing_from_another_site(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith("/") and not s.startswith("//") for s in sources)
    for source in sources:
        assert client.get(source).status_code == 200, source
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "unsafe-inline" not in page.headers["content-security-policy"].split("script-src")[1]
    assert "<script>" not in page.text  # no inline script
    assert client.get("/redoc").status_code == 404
