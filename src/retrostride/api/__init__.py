"""The web API (FastAPI): every toolkit capability over HTTP, each person's data kept private.

``create_api(settings)`` in :mod:`retrostride.api.app` builds the API; the application
``retrostride serve`` runs with uvicorn (the API with the web pages) is composed above both in
:mod:`retrostride.server`. One package per domain (``router.py``, ``schemas.py``,
``dependencies.py``); domain errors become HTTP errors in :mod:`retrostride.api.errors`; who may
read or change whose data is decided in :mod:`retrostride.api.policy` only.
"""
