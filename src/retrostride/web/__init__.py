"""The web pages: server-rendered (Jinja2), progressively enhanced with a little JavaScript.

:func:`mount` adds the pages and their static assets to the API's FastAPI application. The
pages reuse the API's authentication (its session cookie and CSRF token, see
:mod:`retrostride.api.principal`) and its one privacy policy (:func:`retrostride.api.policy.
resolve_subject`); they call the same services the API and the CLI call. Every asset ships in
``web/static``: nothing is fetched from another site.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).parent / "static"


def mount(app: FastAPI) -> None:
    """Add the web pages, their error handling and ``/static`` to ``app``."""
    from retrostride.web import (
        pages_account,
        pages_auth,
        pages_data,
        pages_energy,
        pages_gait,
        pages_log,
        pages_map,
        pages_program,
        pages_security,
        pages_session_form,
        pages_sharing,
        pages_views,
    )
    from retrostride.web.auth import install_page_handlers

    install_page_handlers(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.mount("/vendor/leaflet", StaticFiles(directory=pages_map.leaflet_dir()), name="leaflet")
    for module in (
        pages_auth, pages_session_form, pages_log, pages_energy, pages_program, pages_sharing,
        pages_account, pages_data, pages_security, pages_gait, pages_views, pages_map,
    ):
        app.include_router(module.router)
