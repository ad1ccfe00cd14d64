"""The web API (FastAPI): every toolkit capability over HTTP, each person's data kept private.

``create_app(settings)`` in :mod:`retrostride.api.app` builds the application; ``retrostride
serve`` runs it with uvicorn. One package per domain (``router.py``, ``schemas.py``,
``dependencies.py``); domain errors become HTTP errors in :mod:`retrostride.api.errors`; who may
read or change whose data is decided in :mod:`retrostride.api.policy` only.
"""
