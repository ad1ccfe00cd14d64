"""The composition root: the application ``retrostride serve`` runs, the API with the pages.

It sits above every surface (no layer imports it), so that the API (:mod:`retrostride.api.app`)
never imports the web pages that are mounted on it: ``create_app`` builds the API with
``web.mount`` as its extra routes. ``app_from_env`` is uvicorn's factory
(``uvicorn retrostride.server:app_from_env --factory``).
"""

from __future__ import annotations

import gc

from fastapi import FastAPI

from retrostride import web
from retrostride.api.app import create_api
from retrostride.api.settings import Settings
from retrostride.services.database import Database


def create_app(settings: Settings | None = None, *, database: Database | None = None) -> FastAPI:
    """The API with the web pages; opens (and migrates) ``settings.database_url`` unless given
    ``database``."""
    return create_api(settings, database=database, mount=web.mount)


def app_from_env() -> FastAPI:
    """The application configured from ``RETROSTRIDE_*`` variables (uvicorn's factory).

    Also moves every object alive after start-up (the imported libraries: about 240,000) out
    of the garbage collector's reach (``gc.freeze``): a full collection over them takes 0.1 to
    0.2 s, a pause that would otherwise hit whichever requests are in flight every few
    thousand requests (on SQLite, the 99th percentile of ``bench.api``'s session list went
    from 270-300 ms to 48 ms with it, on the same shared machine).
    """
    app = create_app(Settings.from_env())
    gc.collect()
    gc.freeze()
    return app
