"""Who is calling, and whose data they may see: the ONE place both are decided.

A caller presents a browser login (a cookie's secret) or an API token; :func:`login_principal`
and :func:`token_principal` turn it into a :class:`Principal` with one indexed lookup by the
secret's SHA-256 (argon2 never runs per request). :func:`resolve_subject` is the privacy
policy: an athlete reaches their own data; a clinician reaches an athlete's data only through a
live sharing grant (read-only unless the grant says otherwise); administrators get no access to
anyone's data. Data the caller may not see is refused as data that does not exist
(:class:`NoSuchSubject`), so existence is not disclosed.

These functions read through a read handle (``reader``: an ORM session or a connection of the
read-only engine) so that a request can authenticate, apply the policy and run its queries in
one thread-pool call; they never write, but for the one short insert of the athletes' access
log (:mod:`retrostride.services.access_log`) when a clinician reaches an athlete's data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session as OrmSession

from retrostride.errors import RetrostrideError
from retrostride.services import access_log
from retrostride.services.accounts import hash_secret
from retrostride.services.preferences import Preferences
from retrostride.store.accounts import AccountRow, ApiTokenRow, LoginSessionRow, ShareGrantRow
from retrostride.store.db import Database, utc_now
from retrostride.store.models import PersonRow

Reader = OrmSession | Connection

MAX_ID = 2**31 - 1
READ_SCOPE_POSTS = frozenset({"/api/energy"})
"""Unsafe-method paths that store nothing (a calculation): a ``read`` token may call them."""


class AccessError(RetrostrideError):
    """Base of the access domain's refusals."""


class NotAuthenticated(AccessError):
    """No valid login or token (ended, revoked, expired or unknown)."""


class AccessRefused(AccessError):
    """The caller is known but may not do this (a read-only token or grant used to write)."""


class NoSuchSubject(AccessError):
    """No athlete the caller may reach (whether or not one exists)."""


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
    preferences: Preferences = field(default_factory=Preferences)
    """The account's display preferences, read with the caller (no second query per page)."""
    home_time_zone: str | None = None
    """The athlete's home time zone (None for an account without a log)."""


@dataclass(frozen=True, slots=True)
class Subject:
    """The athlete whose data a request works on, as the caller may reach it."""

    account_id: int
    person_id: int
    person_name: str
    """The log's name of the person (the toolkit's services are keyed by it)."""
    can_write: bool
    is_self: bool


_account = AccountRow.__table__.c
_person = PersonRow.__table__.c
_login = LoginSessionRow.__table__.c
_token = ApiTokenRow.__table__.c
_CALLER = (
    _account.id, _account.role, _account.is_admin, _account.person_id, _person.name,
    _account.speed_unit, _account.mass_unit, _account.time_zone, _account.date_format,
    _person.home_time_zone,
)
_N = len(_CALLER)

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


def _expired(expires_at: datetime | None) -> bool:
    return expires_at is not None and expires_at <= utc_now()


def login_principal(reader: Reader, token: str) -> tuple[Principal, str]:
    """The caller of a browser login and the login's CSRF token; :class:`NotAuthenticated`
    when the login has ended. (The surface checks the CSRF token and the origin.)"""
    row = reader.execute(_LOGIN_LOOKUP, {"token_hash": hash_secret(token)}).first()
    if row is None or _expired(row[_N + 2]):
        raise NotAuthenticated("the login has ended; log in again")
    return _principal(row, "cookie", row[_N], True), row[_N + 1]


def _principal(
    row: Any, via: Literal["cookie", "token"], login_id: int | None, can_write: bool
) -> Principal:
    return Principal(
        row[0], row[1], row[2], row[3], row[4], via, login_id, can_write,
        Preferences(row[5], row[6], row[7], row[8]), row[9],
    )


def token_principal(reader: Reader, token: str, *, method_is_safe: bool, path: str) -> Principal:
    """The caller of an API token. :class:`NotAuthenticated` when it is unknown, revoked or
    expired; :class:`AccessRefused` when a ``read`` token is used for an unsafe method (other
    than the calculations of :data:`READ_SCOPE_POSTS`)."""
    row = reader.execute(_TOKEN_LOOKUP, {"token_hash": hash_secret(token)}).first()
    if row is None or _expired(row[_N]):
        raise NotAuthenticated("unknown, revoked or expired API token")
    can_write = row[_N + 1] != "read"
    if not can_write and not method_is_safe and path not in READ_SCOPE_POSTS:
        raise AccessRefused("this API token has scope 'read': it may not change anything")
    return _principal(row, "token", None, can_write)


def is_self(principal: Principal, athlete_id: str) -> bool:
    """Whether ``athlete_id`` (an account id, or ``me``) names the caller."""
    return athlete_id == "me" or athlete_id == str(principal.account_id)


def resolve_subject(
    reader: Reader,
    principal: Principal,
    athlete_id: str,
    *,
    need_write: bool,
    log_to: Database | None = None,
    method: str = "GET",
    what: str = "",
) -> Subject:
    """The athlete ``athlete_id`` (an account id, or ``me``) as ``principal`` may reach them.

    :class:`NoSuchSubject` when the caller has no access at all, :class:`AccessRefused` when a
    read-only grant is used to change data. A clinician reaching an athlete's data is noted in
    the athlete's access log (``method`` and ``what``, the path) when ``log_to`` is given.
    """
    if is_self(principal, athlete_id):
        if principal.person_id is None or principal.person_name is None:
            raise NoSuchSubject(
                "this account keeps no training data of its own (clinician account)"
            )
        return Subject(
            principal.account_id, principal.person_id, principal.person_name, True, True
        )
    if not athlete_id.isdigit() or int(athlete_id) > MAX_ID:
        raise NoSuchSubject(f"no athlete {athlete_id!r}")
    row = reader.execute(
        select(PersonRow.id, PersonRow.name, ShareGrantRow.can_write)
        .join(AccountRow, AccountRow.id == ShareGrantRow.athlete_id)
        .join(PersonRow, PersonRow.id == AccountRow.person_id)
        .where(
            ShareGrantRow.athlete_id == int(athlete_id),
            ShareGrantRow.clinician_id == principal.account_id,
        )
    ).first()
    if row is None:
        raise NoSuchSubject(f"no athlete {athlete_id} is shared with this account")
    if need_write and not row[2]:
        raise AccessRefused("the athlete shared their data read-only with this account")
    if log_to is not None:
        access_log.record(
            log_to,
            athlete_id=int(athlete_id),
            clinician_id=principal.account_id,
            method=method,
            what=what,
        )
    return Subject(int(athlete_id), row[0], row[1], bool(row[2]), False)


def home_time_zone(reader: Reader, person_id: int) -> str | None:
    """The person's home time zone (IANA name)."""
    return reader.execute(
        select(PersonRow.home_time_zone).where(PersonRow.id == person_id)
    ).scalar()


def account_name(reader: Reader, account_id: int) -> str | None:
    """How an account is named to others: its display name, else its e-mail address."""
    row = reader.execute(
        select(AccountRow.display_name, AccountRow.email).where(AccountRow.id == account_id)
    ).first()
    return None if row is None else (row[0] or row[1])


def shown_account_name(database: Database, account_id: int) -> str | None:
    """:func:`account_name` in its own read (never the write lock)."""
    with database.reading() as db:
        return account_name(db, account_id)
