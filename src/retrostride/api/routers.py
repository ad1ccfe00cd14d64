"""The domain routers the application serves, in the order of its OpenAPI description."""

from __future__ import annotations

from fastapi import APIRouter


def all_routers() -> list[APIRouter]:
    from retrostride.api.accounts.router import router as accounts
    from retrostride.api.assessments.router import router as assessments
    from retrostride.api.energy.router import router as energy
    from retrostride.api.export.router import router as export
    from retrostride.api.gait.router import router as gait
    from retrostride.api.log.router import router as log
    from retrostride.api.programs.router import router as programs
    from retrostride.api.sessions.router import router as sessions
    from retrostride.api.sharing.router import router as sharing
    from retrostride.api.uploads.router import router as uploads

    return [accounts, sharing, energy, sessions, uploads, log, programs, assessments, gait, export]
