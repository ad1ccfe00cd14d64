"""Sharing: an athlete invites a clinician by code or link; the grant is revocable at once.

A grant lets one clinician read one athlete's data, and change it only if ``can_write``. Either
side ends it by deleting it; nothing is cached, so the next request already sees it gone.

Functions take the open :class:`Database` and account ids, own their transactions and return
the dataclasses below, never ORM rows.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import aliased

from retrostride.errors import RetrostrideError
from retrostride.services.accounts import AccountRules, InvalidToken, hash_secret
from retrostride.store.accounts import AccountRow, ShareGrantRow, ShareInviteRow
from retrostride.store.db import Database, utc_now

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand
CODE_GROUPS = 4
"""An invitation code is 4 groups of 5 characters: 100 bits, ``XXXXX-XXXXX-XXXXX-XXXXX``."""


class SharingRefused(RetrostrideError):
    """A sharing action the principal may not take (wrong role, own invitation, ...)."""


def _new_code() -> str:
    groups = ("".join(secrets.choice(_CODE_ALPHABET) for _ in range(5)) for _ in range(CODE_GROUPS))
    return "-".join(groups)


def normalise_code(code: str) -> str:
    """Upper-case, without spaces; dashes put back every 5 characters."""
    raw = "".join(ch for ch in code.upper() if ch.isalnum())
    return "-".join(raw[i : i + 5] for i in range(0, len(raw), 5))


@dataclass(frozen=True, slots=True)
class Invite:
    """An athlete's open invitation (its code is shown once, when made)."""

    id: int
    athlete_id: int
    can_write: bool
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Grant:
    """A live grant, with both sides' names (display name, else e-mail address)."""

    id: int
    athlete_id: int
    athlete_name: str
    clinician_id: int
    clinician_name: str
    can_write: bool
    created_at: datetime


def _invite(row: ShareInviteRow) -> Invite:
    return Invite(row.id, row.athlete_id, row.can_write, row.created_at, row.expires_at)


def _role(db: OrmSession, account_id: int) -> str | None:
    return db.scalar(select(AccountRow.role).where(AccountRow.id == account_id))


_ATHLETE, _CLINICIAN = aliased(AccountRow), aliased(AccountRow)


def _grants(db: OrmSession, *conditions: object) -> list[Grant]:
    rows = db.execute(
        select(
            ShareGrantRow.id, ShareGrantRow.athlete_id, _ATHLETE.display_name, _ATHLETE.email,
            ShareGrantRow.clinician_id, _CLINICIAN.display_name, _CLINICIAN.email,
            ShareGrantRow.can_write, ShareGrantRow.created_at,
        )
        .join(_ATHLETE, _ATHLETE.id == ShareGrantRow.athlete_id)
        .join(_CLINICIAN, _CLINICIAN.id == ShareGrantRow.clinician_id)
        .where(*conditions)  # type: ignore[arg-type]
        .order_by(ShareGrantRow.id)
    )
    return [
        Grant(r[0], r[1], r[2] or r[3], r[4], r[5] or r[6], bool(r[7]), r[8]) for r in rows
    ]


def create_invite(
    database: Database, rules: AccountRules, athlete_id: int, *, can_write: bool
) -> tuple[Invite, str]:
    """An invitation from an athlete; returns it and the code (shown once, stored hashed)."""
    code = _new_code()
    now = utc_now()
    with database.transaction() as db:
        if _role(db, athlete_id) != "athlete":
            raise SharingRefused("only an athlete account can invite a clinician")
        row = ShareInviteRow(
            athlete_id=athlete_id,
            code_hash=hash_secret(normalise_code(code)),
            can_write=can_write,
            created_at=now,
            expires_at=now + timedelta(seconds=rules.invite_ttl_s),
        )
        db.add(row)
        db.flush()
        return _invite(row), code


def invite_link(rules: AccountRules, code: str) -> str:
    return f"{rules.public_url.rstrip('/')}/share/accept?code={code}"


def list_invites(database: Database, athlete_id: int) -> list[Invite]:
    now = utc_now()
    with database.sessions() as db:
        rows = db.scalars(
            select(ShareInviteRow)
            .where(ShareInviteRow.athlete_id == athlete_id, ShareInviteRow.expires_at > now)
            .order_by(ShareInviteRow.id)
        )
        return [_invite(r) for r in rows]


def revoke_invite(database: Database, athlete_id: int, invite_id: int) -> bool:
    with database.transaction() as db:
        result = db.execute(
            delete(ShareInviteRow).where(
                ShareInviteRow.id == invite_id, ShareInviteRow.athlete_id == athlete_id
            )
        )
        return bool(getattr(result, "rowcount", 0))


def redeem_invite(database: Database, clinician_id: int, code: str) -> Grant:
    """A clinician accepts an invitation: the grant is created (or its rights updated)."""
    now = utc_now()
    with database.transaction() as db:
        if _role(db, clinician_id) != "clinician":
            raise SharingRefused("only a clinician account can accept an invitation")
        invite = db.scalar(
            select(ShareInviteRow).where(
                ShareInviteRow.code_hash == hash_secret(normalise_code(code))
            )
        )
        if invite is None or invite.expires_at <= now:
            raise InvalidToken("the invitation code is unknown, used or expired")
        grant = db.scalar(
            select(ShareGrantRow).where(
                ShareGrantRow.athlete_id == invite.athlete_id,
                ShareGrantRow.clinician_id == clinician_id,
            )
        )
        if grant is None:
            grant = ShareGrantRow(
                athlete_id=invite.athlete_id,
                clinician_id=clinician_id,
                can_write=invite.can_write,
                created_at=now,
            )
            db.add(grant)
        else:
            grant.can_write = invite.can_write
        db.delete(invite)
        db.flush()
        return _grants(db, ShareGrantRow.id == grant.id)[0]


def list_grants(database: Database, account_id: int) -> list[Grant]:
    """The grants where the account is the athlete or the clinician."""
    with database.sessions() as db:
        return _grants(
            db,
            or_(ShareGrantRow.athlete_id == account_id, ShareGrantRow.clinician_id == account_id),
        )


def set_grant_write(
    database: Database, athlete_id: int, grant_id: int, can_write: bool
) -> Grant | None:
    """The athlete changes what a grant allows; None when the athlete has no such grant."""
    with database.transaction() as db:
        grant = db.get(ShareGrantRow, grant_id)
        if grant is None or grant.athlete_id != athlete_id:
            return None
        grant.can_write = can_write
        db.flush()
        return _grants(db, ShareGrantRow.id == grant_id)[0]


def end_grant(database: Database, account_id: int, grant_id: int) -> bool:
    """Either side ends a grant, at once; False when the account is on neither side of it."""
    with database.transaction() as db:
        result = db.execute(
            delete(ShareGrantRow).where(
                ShareGrantRow.id == grant_id,
                or_(
                    ShareGrantRow.athlete_id == account_id,
                    ShareGrantRow.clinician_id == account_id,
                ),
            )
        )
        return bool(getattr(result, "rowcount", 0))
