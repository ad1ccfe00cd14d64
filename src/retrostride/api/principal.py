"""Who is calling: a browser login (cookie + CSRF token) or a script (bearer API token).

One indexed lookup by the SHA-256 of the presented secret; argon2 never runs per request.
Cookie-authenticated requests with an unsafe method must carry the login's CSRF token (header
``X-CSRF-Token``, or the field ``csrf_token`` of a urlencoded form post) and must not come from
another origin; bearer-token calls need neither (a browser never adds that header by itself).
"""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import parse_qs, urlsplit

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from retrostride.api.database import ReadDb
from retrostride.api.errors import Forbidden, Unauthorized
from retrostride.api.settings import Settings
from retrostride.services import access
from retrostride.services.access import Principal, Reader
from retrostride.services.accounts import AccountRules

__all__ = [
    "AppSettings", "ClientAddress", "CurrentPrincipal", "Principal", "Rules", "authenticate",
    "client_address", "current_principal",
]

SESSION_COOKIE = "retrostride_session"
CSRF_COOKIE = "retrostride_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

bearer_scheme = HTTPBearer(auto_error=False, description="An API token (``rs_...``)")
cookie_scheme = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False, description="A browser login (with X-CSRF-Token)"
)


async def form_csrf_token(request: Request) -> str | None:
    """The ``csrf_token`` field of a urlencoded form post (browsers' plain forms), else None.

    Async and free of database work: it only reads the (small) form body when there is one.
    """
    if request.method in SAFE_METHODS or not request.headers.get("content-type", "").startswith(
        "application/x-www-form-urlencoded"
    ):
        return None
    body = await request.body()
    values = parse_qs(body.decode("latin-1")).get("csrf_token")
    return values[0] if values else None


def _csrf_ok(request: Request, form_token: str | None, expected: str) -> bool:
    given = request.headers.get(CSRF_HEADER) or form_token
    return given is not None and secrets.compare_digest(given.encode(), expected.encode())


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    host = request.headers.get("host", "")
    return urlsplit(origin).netloc.lower() == host.lower()


def _cookie_principal(
    request: Request, db: Reader, token: str, form_token: str | None
) -> Principal:
    try:
        principal, csrf = access.login_principal(db, token)
    except access.NotAuthenticated as exc:
        raise Unauthorized(str(exc)) from None
    if request.method not in SAFE_METHODS:
        if not _same_origin(request):
            raise Forbidden("cross-origin request refused")
        if not _csrf_ok(request, form_token, csrf):
            raise Forbidden(f"missing or wrong CSRF token (send the {CSRF_HEADER} header)")
    return principal


def _token_principal(request: Request, db: Reader, token: str) -> Principal:
    try:
        return access.token_principal(
            db, token, method_is_safe=request.method in SAFE_METHODS, path=request.url.path
        )
    except access.NotAuthenticated as exc:
        raise Unauthorized(str(exc)) from None
    except access.AccessRefused as exc:
        raise Forbidden(str(exc)) from None


def authenticate(
    request: Request,
    db: Reader,
    bearer: HTTPAuthorizationCredentials | None,
    cookie: str | None,
    form_token: str | None,
) -> Principal:
    """The caller, or 401 (403 for a cookie-authenticated unsafe request without its CSRF
    token, or from another origin). A bearer token wins over a cookie. Runs the one indexed
    lookup on ``db``: call it where database work may block (a worker thread)."""
    if request.headers.get("authorization") is not None:
        if bearer is None or not bearer.credentials:
            raise Unauthorized("give the API token as 'Authorization: Bearer rs_...'")
        return _token_principal(request, db, bearer.credentials)
    if cookie:
        return _cookie_principal(request, db, cookie, form_token)
    raise Unauthorized("log in, or send an API token as 'Authorization: Bearer rs_...'")


def request_principal(
    request: Request,
    db: ReadDb,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    cookie: Annotated[str | None, Depends(cookie_scheme)],
    form_token: Annotated[str | None, Depends(form_csrf_token)],
) -> Principal:
    """The caller, or 401 (see :func:`authenticate`).

    A plain (sync) function: FastAPI runs it in its thread pool, so waiting for a database
    connection never blocks the event loop.
    """
    return authenticate(request, db.connection(), bearer, cookie, form_token)  # Core: no ORM


async def current_principal(
    request: Request,
    db: ReadDb,
    bearer: HTTPAuthorizationCredentials | None,
    cookie: str | None,
) -> Principal:
    """The caller, awaitable (for callers outside dependency injection, such as the pages):
    the same checks as :func:`request_principal`, its database work in the thread pool."""
    form_token = await form_csrf_token(request)
    return await run_in_threadpool(request_principal, request, db, bearer, cookie, form_token)


CurrentPrincipal = Annotated[Principal, Depends(request_principal)]


def settings(request: Request) -> Settings:
    """The server's settings."""
    s: Settings = request.app.state.settings
    return s


def account_rules(request: Request) -> AccountRules:
    """The instance's account rules (from the settings)."""
    rules: AccountRules = request.app.state.account_rules
    return rules


def client_address(request: Request) -> str:
    """The caller's IP address as the server sees it (behind a proxy: run uvicorn with
    ``--proxy-headers`` and ``--forwarded-allow-ips`` so that this is the client's)."""
    return request.client.host if request.client else "unknown"


Rules = Annotated[AccountRules, Depends(account_rules)]
AppSettings = Annotated[Settings, Depends(settings)]
ClientAddress = Annotated[str, Depends(client_address)]
