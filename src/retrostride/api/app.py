"""``create_api(settings)``: the retrostride web API as one FastAPI application.

The application served (the API with the web pages mounted on it) is composed above both
surfaces, in :mod:`retrostride.server`: this module never imports the pages.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.routing import APIRouter

import retrostride
from retrostride.api import domain_schemas, routers, routing
from retrostride.api.errors import install_error_handlers
from retrostride.api.settings import Settings
from retrostride.services.accounts import AccountRules
from retrostride.services.database import Database, open_database
from retrostride.services.jobs import JobLimits, Workers
from retrostride.services.mail import MailSettings

DESCRIPTION = """\
Every retrostride capability over HTTP: the energy calculator, the training log (sessions,
uploads, export), programs and enrolment, assessments and gait analyses.

**Authentication**: a browser logs in with `POST /api/auth/login` (an HttpOnly session cookie;
every cookie-authenticated POST, PUT, PATCH or DELETE must send the login's CSRF token in the
`X-CSRF-Token` header); a script sends an API token (`POST /api/account/tokens`) as
`Authorization: Bearer rs_...`.

**Whose data**: athlete data lives under `/api/athletes/{athlete_id}/...`, where `athlete_id` is
`me` or the id of an athlete who shared their data with the calling clinician. Data the caller
may not see answers 404.
"""


def account_rules(settings: Settings) -> AccountRules:
    """The accounts service's rules from the server settings."""
    return AccountRules(
        registration=settings.registration,
        login_max_failures=settings.login_max_failures,
        login_window_s=settings.login_window_s,
        lockout_s=settings.lockout_s,
        session_ttl_s=settings.session_ttl_s,
        reset_ttl_s=settings.reset_ttl_s,
        invite_ttl_s=settings.invite_ttl_s,
        public_url=settings.public_url,
        argon2_time_cost=settings.argon2_time_cost,
        argon2_memory_kib=settings.argon2_memory_kib,
        mail=MailSettings(
            host=settings.smtp_host, port=settings.smtp_port, user=settings.smtp_user,
            password=settings.smtp_password, sender=settings.smtp_from,
            tls=settings.smtp_tls,  # type: ignore[arg-type]  # checked by Settings.check
            log_links=settings.log_reset_links,
        ),
        register_rate_per_hour=settings.register_rate_per_hour,
        reset_rate_per_hour=settings.reset_rate_per_hour,
    )


def create_api(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    mount: Callable[[FastAPI], None] | None = None,
) -> FastAPI:
    """The API; opens (and migrates) ``settings.database_url`` unless given ``database``.

    ``mount`` adds more routes after the API's own (the composition root passes the web
    pages' ``web.mount``), before the security headers and the OpenAPI components.
    """
    settings = settings or Settings.from_env()
    settings.check()
    if settings.upload_dir:  # received files go there: a missing folder would fail each upload
        Path(settings.upload_dir).mkdir(parents=True, exist_ok=True)
    db = database or open_database(settings.database_url)
    job_workers = Workers(
        db, slots=settings.job_workers, limits=JobLimits(settings.job_memory_mb, settings.job_cpu_s)
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        job_workers.stop()
        if database is None:
            db.close()

    app = FastAPI(
        title="retrostride",
        version=retrostride.__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served by api.headers from the swagger-ui-bundle package, no CDN
        redoc_url=None,  # ReDoc loads its script from a CDN: not offered
    )
    app.state.settings = settings
    app.state.database = db
    app.state.job_workers = job_workers
    app.state.account_rules = account_rules(settings)
    install_error_handlers(app)
    router: APIRouter
    for router in routers.all_routers():
        app.include_router(router)
    if mount is not None:
        mount(app)
    from retrostride.api import headers

    headers.install(app)
    domain_schemas.add_components(app)
    routing.install(app)  # last: the routes are all there
    return app
