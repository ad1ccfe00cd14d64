"""Security headers on every response, and the API description's page without a CDN.

:class:`SecurityHeaders` is a plain ASGI middleware (no per-request task or body copy): it adds
to every response what a browser needs to keep the app's origin safe, unless the response set
its own value (the pages set a content security policy fitted to them):

- ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin``,
  ``X-Frame-Options: DENY`` and a ``Content-Security-Policy`` with ``frame-ancestors 'none'``
  (an API answer: ``default-src 'none'``: it runs nothing, loads nothing);
- ``Cache-Control: no-store`` on everything under ``/api/`` (JSON and downloads hold health
  data: no shared or browser cache keeps a copy).

``/docs`` is Swagger UI from the ``swagger-ui-bundle`` package, served from this origin with its
start-up script as a file (no inline script, nothing from another site).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'none'"
)
_COMMON = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
)


class SecurityHeaders:
    """Adds the security headers (see the module) to every HTTP response of ``app``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        is_api = path.startswith("/api/")
        csp = (DOCS_CSP if path.startswith("/docs") else API_CSP).encode()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[tuple[bytes, bytes]] = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = [(n, v) for n, v in _COMMON if n not in present]
                if b"content-security-policy" not in present:
                    extra.append((b"content-security-policy", csp))
                if is_api and b"cache-control" not in present:
                    extra.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers + extra}
            await send(message)

        await self.app(scope, receive, send_with_headers)


_DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>retrostride API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/start.js"></script></body></html>
"""
_DOCS_START = """window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui",
  deepLinking: true, presets: [SwaggerUIBundle.presets.apis]});
"""


def swagger_ui_dir() -> Path:
    """Swagger UI's files as the ``swagger-ui-bundle`` package ships them."""
    import swagger_ui_bundle

    return Path(swagger_ui_bundle.swagger_ui_path)


def install_docs(app: FastAPI) -> None:
    """``/docs``: Swagger UI from this origin (create the app with ``docs_url=None``)."""

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(_DOCS_PAGE)

    @app.get("/docs/start.js", include_in_schema=False)
    def docs_start() -> Any:
        from fastapi.responses import Response

        return Response(_DOCS_START, media_type="text/javascript")

    app.mount("/docs/assets", StaticFiles(directory=swagger_ui_dir()), name="swagger-ui")


def install(app: FastAPI) -> None:
    """The security headers and ``/docs``."""
    install_docs(app)
    app.add_middleware(SecurityHeaders)
