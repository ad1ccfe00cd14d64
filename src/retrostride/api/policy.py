"""Whose data may the caller read or change: the ONE place where privacy is decided.

Every route that touches an athlete's data takes its athlete from the path
(``/api/athletes/{athlete_id}/...``, ``me`` for oneself) through :data:`ReadSubject` or
:data:`WriteSubject`, and then only ever queries by the resolved ``person_id``. An athlete
reaches their own data; a clinician reaches an athlete's data only through a live sharing grant
(read-only unless the grant says otherwise); administrators get no access to anyone's data. Data
the caller may not see answers 404, as data that does not exist, so existence is not disclosed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session as OrmSession
from starlette.concurrency import run_in_threadpool

from retrostride.api.database import ReadDb
from retrostride.api.errors import Forbidden, NotFound
from retrostride.api.params import MAX_ID
from retrostride.api.principal import (
    CurrentPrincipal,
    Principal,
    authenticate,
    bearer_scheme,
    cookie_scheme,
)
from retrostride.store.accounts import AccountRow, ShareGrantRow
from retrostride.store.models import PersonRow

ATHLETE_ID_PATTERN = r"^(me|[1-9][0-9]{0,9})$"


@dataclass(frozen=True, slots=True)
class Subject:
    """The athlete whose data a request works on, as the caller may reach it."""

    account_id: int
    person_id: int
    person_name: str
    """The log's name of the person (the toolkit's services are keyed by it)."""
    can_write: bool
    is_self: bool


def resolve_subject(
    db: OrmSession | Connection, principal: Principal, athlete_id: str, *, need_write: bool
) -> Subject:
    """The athlete ``athlete_id`` (an account id, or ``me``) as ``principal`` may reach them.

    Raises :class:`NotFound` when the caller has no access at all and :class:`Forbidden` when a
    read-only grant is used to change data.
    """
    if athlete_id == "me" or (athlete_id.isdigit() and int(athlete_id) == principal.account_id):
        if principal.person_id is None or principal.person_name is None:
            raise NotFound("this account keeps no training data of its own (clinician account)")
        return Subject(
            principal.account_id, principal.person_id, principal.person_name, True, True
        )
    if not athlete_id.isdigit() or int(athlete_id) > MAX_ID:
        raise NotFound(f"no athlete {athlete_id!r}")
    row = db.execute(
        select(PersonRow.id, PersonRow.name, ShareGrantRow.can_write)
        .join(AccountRow, AccountRow.id == ShareGrantRow.athlete_id)
        .join(PersonRow, PersonRow.id == AccountRow.person_id)
        .where(
            ShareGrantRow.athlete_id == int(athlete_id),
            ShareGrantRow.clinician_id == principal.account_id,
        )
    ).first()
    if row is None:
        raise NotFound(f"no athlete {athlete_id} is shared with this account")
    if need_write and not row[2]:
        raise Forbidden("the athlete shared their data read-only with this account")
    return Subject(int(athlete_id), row[0], row[1], bool(row[2]), False)


AthleteId = Annotated[
    str,
    Path(
        pattern=ATHLETE_ID_PATTERN,
        description="The athlete's account id, or `me`.",
        examples=["me"],
    ),
]


def _is_self(principal: Principal, athlete_id: str) -> bool:
    return athlete_id == "me" or athlete_id == str(principal.account_id)


async def read_subject(athlete_id: AthleteId, principal: CurrentPrincipal, db: ReadDb) -> Subject:
    # One's own data needs no query: decided here, without a thread-pool hop; anyone else's
    # through a grant, looked up in the thread pool (the loop never waits on the database).
    if _is_self(principal, athlete_id):
        return resolve_subject(db, principal, athlete_id, need_write=False)
    return await run_in_threadpool(resolve_subject, db, principal, athlete_id, need_write=False)


async def write_subject(athlete_id: AthleteId, principal: CurrentPrincipal, db: ReadDb) -> Subject:
    if _is_self(principal, athlete_id):
        return resolve_subject(db, principal, athlete_id, need_write=True)
    return await run_in_threadpool(resolve_subject, db, principal, athlete_id, need_write=True)


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
    return resolve_subject(conn, principal, athlete_id, need_write=False)


Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)]
"""The bearer token as presented (checked later, by :func:`read_subject_now`)."""
LoginCookie = Annotated[str | None, Depends(cookie_scheme)]
"""The login cookie as presented (checked later, by :func:`read_subject_now`)."""
WriteSubject = Annotated[Subject, Depends(write_subject)]
