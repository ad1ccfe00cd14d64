"""The domain routers the application serves, in the order of its OpenAPI description."""

from __future__ import annotations

from fastapi import APIRouter


def all_routers() -> list[APIRouter]:
    from retrostride.api.accounts.router import router as accounts
    from retrostride.api.log.router import router as log
    from retrostride.api.sessions.router import router as sessions
    from retrostride.api.sharing.router import router as sharing
    from retrostride.api.uploads.router import router as uploads

    return [accounts, sharing, sessions, uploads, log]
