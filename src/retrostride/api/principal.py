"""Who is calling: a browser login (cookie + CSRF token) or a script (bearer API token).

One indexed lookup by the SHA-256 of the presented secret; argon2 never runs per request.
Cookie-authenticated requests with an unsafe method must carry the login's CSRF token (header
``X-CSRF-Token``, or the field ``csrf_token`` of a urlencoded form post) and must not come from
another origin; bearer-token calls need neither (a browser never adds that header by itself).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated, Literal
from urllib.parse import parse_qs, urlsplit

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session as OrmSession
from starlette.concurrency import run_in_threadpool

from retrostride.api.database import ReadDb
from retrostride.api.errors import Forbidden, Unauthorized
from retrostride.services.accounts import hash_secret
from retrostride.store.accounts import AccountRow, ApiTokenRow, LoginSessionRow
from retrostride.store.db import utc_now
from retrostride.store.models import PersonRow

SESSION_COOKIE = "retrostride_session"
CSRF_COOKIE = "retrostride_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

bearer_scheme = HTTPBearer(auto_error=False, description="An API token (``rs_...``)")
cookie_scheme = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False, description="A browser login (with X-CSRF-Token)"
)


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller."""

    account_id: int
    role: str
    is_admin: bool
    person_id: int | None
    person_name: str | None
    via: Literal["cookie", "token"]
    login_id: int | None = None
    can_write: bool = True
    """False for an API token of scope ``read``: it may only read."""


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


_account = AccountRow.__table__.c
_person = PersonRow.__table__.c
_login = LoginSessionRow.__table__.c
_token = ApiTokenRow.__table__.c
_CALLER = (_account.id, _account.role, _account.is_admin, _account.person_id, _person.name)

# Built once (bound parameters): SQLAlchemy reuses their compiled form on every request.
_LOGIN_LOOKUP = (
    select(*_CALLER, _login.id, _login.csrf_token, _login.expires_at)
    .select_from(LoginSessionRow.__table__)
    .join(AccountRow.__table__, _account.id == _login.account_id)
    .outerjoin(PersonRow.__table__, _person.id == _account.person_id)
    .where(_login.token_hash == bindparam("token_hash"))
)
_TOKEN_LOOKUP = (
    select(*_CALLER, _token.expires_at, _token.scope)
    .select_from(ApiTokenRow.__table__)
    .join(AccountRow.__table__, _account.id == _token.account_id)
    .outerjoin(PersonRow.__table__, _person.id == _account.person_id)
    .where(_token.token_hash == bindparam("token_hash"))
)

Reader = OrmSession | Connection


def _cookie_principal(
    request: Request, db: Reader, token: str, form_token: str | None
) -> Principal:
    row = db.execute(_LOGIN_LOOKUP, {"token_hash": hash_secret(token)}).first()
    if row is None or row[7] <= utc_now():
        raise Unauthorized("the login has ended; log in again")
    if request.method not in SAFE_METHODS:
        if not _same_origin(request):
            raise Forbidden("cross-origin request refused")
        if not _csrf_ok(request, form_token, row[6]):
            raise Forbidden(f"missing or wrong CSRF token (send the {CSRF_HEADER} header)")
    return Principal(row[0], row[1], row[2], row[3], row[4], "cookie", row[5])


READ_SCOPE_POSTS = frozenset({"/api/energy"})
"""Unsafe-method routes that store nothing (a calculation): a ``read`` token may call them."""


def _token_principal(request: Request, db: Reader, token: str) -> Principal:
    row = db.execute(_TOKEN_LOOKUP, {"token_hash": hash_secret(token)}).first()
    if row is None or (row[5] is not None and row[5] <= utc_now()):
        raise Unauthorized("unknown, revoked or expired API token")
    can_write = row[6] != "read"
    if (
        not can_write
        and request.method not in SAFE_METHODS
        and request.url.path not in READ_SCOPE_POSTS
    ):
        raise Forbidden("this API token has scope 'read': it may not change anything")
    return Principal(row[0], row[1], row[2], row[3], row[4], "token", None, can_write)


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
    return authenticate(request, db, bearer, cookie, form_token)


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
