"""Whose data may the caller read or change: thin dependencies over the privacy policy of
:mod:`retrostride.services.access` (the one place where it is decided).

Every route that touches an athlete's data takes its athlete from the path
(``/api/athletes/{athlete_id}/...``, ``me`` for oneself) through :data:`ReadSubject` or
:data:`WriteSubject`, and then only ever queries by the resolved ``person_id``. An athlete
reaches their own data; a clinician reaches an athlete's data only through a live sharing grant
(read-only unless the grant says otherwise); administrators get no access to anyone's data. Data
the caller may not see answers 404, as data that does not exist, so existence is not disclosed.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool

from retrostride.api.database import ReadDb
from retrostride.api.errors import Forbidden, NotFound
from retrostride.api.principal import (
    CurrentPrincipal,
    Principal,
    authenticate,
    bearer_scheme,
    cookie_scheme,
)
from retrostride.services import access
from retrostride.services.access import Reader, Subject

__all__ = ["ReadSubject", "Subject", "WriteSubject", "resolve_subject"]

ATHLETE_ID_PATTERN = r"^(me|[1-9][0-9]{0,9})$"


def resolve_subject(
    db: Reader,
    principal: Principal,
    athlete_id: str,
    *,
    need_write: bool,
    request: Request | None = None,
) -> Subject:
    """The athlete ``athlete_id`` (an account id, or ``me``) as ``principal`` may reach them
    (:func:`retrostride.services.access.resolve_subject`); a clinician's access is noted in the
    athlete's access log as ``request``'s method and path.

    Raises :class:`NotFound` when the caller has no access at all and :class:`Forbidden` when a
    read-only grant is used to change data.
    """
    try:
        return access.resolve_subject(
            db,
            principal,
            athlete_id,
            need_write=need_write,
            log_to=None if request is None else request.app.state.database,
            method="GET" if request is None else request.method,
            what="" if request is None else request.url.path,
        )
    except access.NoSuchSubject as exc:
        raise NotFound(str(exc)) from None
    except access.AccessRefused as exc:
        raise Forbidden(str(exc)) from None


AthleteId = Annotated[
    str,
    Path(
        pattern=ATHLETE_ID_PATTERN,
        description="The athlete's account id, or `me`.",
        examples=["me"],
    ),
]


async def read_subject(
    request: Request, athlete_id: AthleteId, principal: CurrentPrincipal, db: ReadDb
) -> Subject:
    # One's own data needs no query: decided here, without a thread-pool hop; anyone else's
    # through a grant, looked up in the thread pool (the loop never waits on the database).
    if access.is_self(principal, athlete_id):
        return resolve_subject(db, principal, athlete_id, need_write=False)
    return await run_in_threadpool(
        partial(resolve_subject, need_write=False, request=request), db, principal, athlete_id
    )


async def write_subject(
    request: Request, athlete_id: AthleteId, principal: CurrentPrincipal, db: ReadDb
) -> Subject:
    if access.is_self(principal, athlete_id):
        return resolve_subject(db, principal, athlete_id, need_write=True)
    return await run_in_threadpool(
        partial(resolve_subject, need_write=True, request=request), db, principal, athlete_id
    )


ReadSubject = Annotated[Subject, Depends(read_subject)]


def read_subject_now(
    request: Request,
    conn: Connection,
    athlete_id: str,
    bearer: HTTPAuthorizationCredentials | None,
    cookie: str | None,
) -> Subject:
    """What :data:`ReadSubject` gives, computed on ``conn`` within the caller's own thread:
    for hot read routes that do all of a request's database work in ONE thread-pool call
    (authentication, this policy, then their queries) instead of one hop per dependency."""
    principal = authenticate(request, conn, bearer, cookie, None)
    return resolve_subject(conn, principal, athlete_id, need_write=False, request=request)


Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)]
"""The bearer token as presented (checked later, by :func:`read_subject_now`)."""
LoginCookie = Annotated[str | None, Depends(cookie_scheme)]
"""The login cookie as presented (checked later, by :func:`read_subject_now`)."""
WriteSubject = Annotated[Subject, Depends(write_subject)]
