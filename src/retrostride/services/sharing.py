"""Sharing: an athlete invites a clinician by code or link; the grant is revocable at once.

A grant lets one clinician read one athlete's data, and change it only if ``can_write``. Either
side ends it by deleting it; nothing is cached, so the next request already sees it gone.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session as OrmSession

from retrostride.errors import RetrostrideError
from retrostride.services.accounts import AccountRules, InvalidToken, hash_secret
from retrostride.store.accounts import AccountRow, ShareGrantRow, ShareInviteRow
from retrostride.store.db import utc_now

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


def create_invite(
    db: OrmSession, rules: AccountRules, athlete: AccountRow, *, can_write: bool
) -> tuple[ShareInviteRow, str]:
    """An invitation from an athlete; returns the row and the code (shown once, stored hashed)."""
    if athlete.role != "athlete":
        raise SharingRefused("only an athlete account can invite a clinician")
    code = _new_code()
    now = utc_now()
    row = ShareInviteRow(
        athlete_id=athlete.id,
        code_hash=hash_secret(normalise_code(code)),
        can_write=can_write,
        created_at=now,
        expires_at=now + timedelta(seconds=rules.invite_ttl_s),
    )
    db.add(row)
    db.flush()
    return row, code


def invite_link(rules: AccountRules, code: str) -> str:
    return f"{rules.public_url.rstrip('/')}/share/accept?code={code}"


def list_invites(db: OrmSession, athlete_id: int) -> list[ShareInviteRow]:
    now = utc_now()
    return list(
        db.scalars(
            select(ShareInviteRow)
            .where(ShareInviteRow.athlete_id == athlete_id, ShareInviteRow.expires_at > now)
            .order_by(ShareInviteRow.id)
        )
    )


def revoke_invite(db: OrmSession, athlete_id: int, invite_id: int) -> bool:
    result = db.execute(
        delete(ShareInviteRow).where(
            ShareInviteRow.id == invite_id, ShareInviteRow.athlete_id == athlete_id
        )
    )
    db.flush()
    return bool(getattr(result, "rowcount", 0))


def redeem_invite(db: OrmSession, clinician: AccountRow, code: str) -> ShareGrantRow:
    """A clinician accepts an invitation: the grant is created (or its rights updated)."""
    if clinician.role != "clinician":
        raise SharingRefused("only a clinician account can accept an invitation")
    now = utc_now()
    invite = db.scalar(
        select(ShareInviteRow).where(ShareInviteRow.code_hash == hash_secret(normalise_code(code)))
    )
    if invite is None or invite.expires_at <= now:
        raise InvalidToken("the invitation code is unknown, used or expired")
    grant = db.scalar(
        select(ShareGrantRow).where(
            ShareGrantRow.athlete_id == invite.athlete_id,
            ShareGrantRow.clinician_id == clinician.id,
        )
    )
    if grant is None:
        grant = ShareGrantRow(
            athlete_id=invite.athlete_id,
            clinician_id=clinician.id,
            can_write=invite.can_write,
            created_at=now,
        )
        db.add(grant)
    else:
        grant.can_write = invite.can_write
    db.delete(invite)
    db.flush()
    return grant


def list_grants(db: OrmSession, account_id: int) -> list[ShareGrantRow]:
    """The grants where the account is the athlete or the clinician."""
    return list(
        db.scalars(
            select(ShareGrantRow)
            .where(
                or_(
                    ShareGrantRow.athlete_id == account_id,
                    ShareGrantRow.clinician_id == account_id,
                )
            )
            .order_by(ShareGrantRow.id)
        )
    )


def set_grant_write(db: OrmSession, athlete_id: int, grant_id: int, can_write: bool) -> bool:
    """The athlete changes what a grant allows; False when the athlete has no such grant."""
    grant = db.get(ShareGrantRow, grant_id)
    if grant is None or grant.athlete_id != athlete_id:
        return False
    grant.can_write = can_write
    db.flush()
    return True


def end_grant(db: OrmSession, account_id: int, grant_id: int) -> bool:
    """Either side ends a grant, at once; False when the account is on neither side of it."""
    result = db.execute(
        delete(ShareGrantRow).where(
            ShareGrantRow.id == grant_id,
            or_(ShareGrantRow.athlete_id == account_id, ShareGrantRow.clinician_id == account_id),
        )
    )
    db.flush()
    return bool(getattr(result, "rowcount", 0))
