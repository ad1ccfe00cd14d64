"""Two-factor login: a time-based one-time code (TOTP, RFC 6238) from an authenticator app, and
single-use recovery codes for when the phone is gone.

The owner turns it on in two steps: :func:`start` keeps a new secret (shown as a QR code and as
text), :func:`confirm` turns it on once a first code from the app matches, and returns ten
recovery codes, shown once and kept only as SHA-256 hashes. A login then needs a code:
:func:`accept_code` takes a TOTP code (30-s steps, one step of clock drift either way, never the
same step twice) or a recovery code (deleted on use). The login service counts wrong codes like
wrong passwords, per (address, client) pair, so the six digits cannot be guessed.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

import pyotp
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session as OrmSession

from retrostride.errors import InputError
from retrostride.store.accounts import AccountRow, RecoveryCodeRow
from retrostride.store.db import Database, utc_now

ISSUER = "retrostride"
STEP_S = 30
"""RFC 6238's default time step [s], the one authenticator apps use."""
DRIFT_STEPS = 1
"""Codes of the step before and after are accepted too (a phone's clock a little off)."""
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


@dataclass(frozen=True, slots=True)
class Setup:
    """A secret waiting for its first code: ``secret`` (base32) and the app's ``uri``."""

    secret: str
    uri: str


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def _normalise(code: str) -> str:
    return "".join(code.split()).lower()


def is_enabled(db: OrmSession, account_id: int) -> bool:
    """Whether a login of this account needs a second factor."""
    enabled = db.scalar(select(AccountRow.totp_enabled_at).where(AccountRow.id == account_id))
    return enabled is not None


def start(database: Database, account_id: int) -> Setup:
    """Keep a new secret for the account (not yet needed at login: see :func:`confirm`)."""
    secret = pyotp.random_base32()
    with database.transaction() as db:
        account = db.get(AccountRow, account_id)
        if account is None:
            raise InputError("account", account_id, "an existing account")
        if account.totp_enabled_at is not None:
            raise InputError("two_factor", "on", "two-factor login turned off first")
        account.totp_secret, account.totp_last_step = secret, None
        email = account.email
    return Setup(secret, pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER))


def pending(database: Database, account_id: int) -> Setup | None:
    """The secret kept by :func:`start` that still waits for its first code, else None."""
    with database.sessions() as db:
        account = db.get(AccountRow, account_id)
        if account is None or account.totp_secret is None or account.totp_enabled_at is not None:
            return None
        secret, email = account.totp_secret, account.email
    return Setup(secret, pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER))


def _matching_step(secret: str, code: str, last_step: int | None, now_s: float) -> int | None:
    """The time step whose TOTP is ``code`` (within the drift, after ``last_step``), else None."""
    if not (code.isdigit() and len(code) == 6):
        return None
    totp, step = pyotp.TOTP(secret), int(now_s // STEP_S)
    for candidate in range(step - DRIFT_STEPS, step + DRIFT_STEPS + 1):
        if last_step is not None and candidate <= last_step:
            continue
        if secrets.compare_digest(totp.at(candidate * STEP_S), code):
            return candidate
    return None


def confirm(
    database: Database, account_id: int, code: str, *, now_s: float | None = None
) -> list[str]:
    """Turn two-factor login on once ``code`` matches the secret of :func:`start`; returns the
    recovery codes (shown once: only their hashes are kept). :class:`InputError` otherwise."""
    codes = [new_recovery_code() for _ in range(RECOVERY_CODES)]
    with database.transaction() as db:
        account = db.get(AccountRow, account_id)
        if account is None or account.totp_secret is None or account.totp_enabled_at is not None:
            raise InputError("two_factor", "off", "a started setup (turn it on first)")
        step = _matching_step(
            account.totp_secret, _normalise(code), None, time.time() if now_s is None else now_s
        )
        if step is None:
            raise InputError("code", "(hidden)", "the 6-digit code your app shows now")
        account.totp_enabled_at, account.totp_last_step = utc_now(), step
        db.execute(delete(RecoveryCodeRow).where(RecoveryCodeRow.account_id == account_id))
        db.add_all(RecoveryCodeRow(account_id=account_id, code_hash=_hash(c)) for c in codes)
    return codes


def new_recovery_code() -> str:
    """Ten random characters of an unambiguous alphabet as ``xxxxx-xxxxx`` (about 50 bits)."""
    chars = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
    return f"{chars[:5]}-{chars[5:]}"


def accept_code(db: OrmSession, account_id: int, code: str, *, now_s: float | None = None) -> bool:
    """Whether ``code`` is a TOTP code of the account not used before, or one of its recovery
    codes (which is then deleted). Call inside the transaction that completes the login."""
    account = db.get(AccountRow, account_id)
    if account is None or account.totp_secret is None or account.totp_enabled_at is None:
        return False
    given = _normalise(code)
    step = _matching_step(
        account.totp_secret, given, account.totp_last_step, time.time() if now_s is None else now_s
    )
    if step is not None:
        account.totp_last_step = step
        return True
    used = db.execute(
        delete(RecoveryCodeRow).where(
            RecoveryCodeRow.account_id == account_id,
            RecoveryCodeRow.code_hash == _hash(given),
        )
    )
    return bool(getattr(used, "rowcount", 0))


def recovery_codes_left(database: Database, account_id: int) -> int:
    """How many unused recovery codes the account has."""
    with database.sessions() as db:
        return int(
            db.scalar(
                select(func.count())
                .select_from(RecoveryCodeRow)
                .where(RecoveryCodeRow.account_id == account_id)
            )
            or 0
        )


def turn_off(db: OrmSession, account_id: int) -> None:
    """Forget the secret and the recovery codes (the caller has checked the password)."""
    account = db.get(AccountRow, account_id)
    if account is not None:
        account.totp_secret = account.totp_enabled_at = account.totp_last_step = None
    db.execute(delete(RecoveryCodeRow).where(RecoveryCodeRow.account_id == account_id))
