"""Accounts of the web app: registration, passwords (argon2), logins, API tokens, resets, admins.

Secrets handed out (login cookies, API tokens, reset tokens, codes) are 256-bit random values
stored only as SHA-256 hashes, so one indexed lookup authenticates a request; argon2 (RFC 9106)
runs only on passwords, at login. No function here says whether an e-mail address has an
account, except registration refusing a taken address.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session as OrmSession

from retrostride.errors import InputError, RetrostrideError
from retrostride.services.mail import MailSettings, deliver
from retrostride.store.accounts import (
    ROLES,
    AccountRow,
    ApiTokenRow,
    LoginSessionRow,
    LoginThrottleRow,
    MailOutboxRow,
    PasswordResetRow,
    SignupCodeRow,
)
from retrostride.store.db import utc_now
from retrostride.store.models import PersonRow

PASSWORD_MIN_CHARS = 10
"""Shortest accepted password (NIST SP 800-63B section 3.1.1.2 asks at least 8; we ask 10)."""
PASSWORD_MAX_CHARS = 1024
_EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s.]{1,63}$")
API_TOKEN_PREFIX = "rs_"


class AccountError(RetrostrideError):
    """Base of the accounts domain's refusals."""


class AuthenticationFailed(AccountError):
    """Wrong e-mail address or password (never says which)."""


class AccountLocked(AccountError):
    """Too many failed logins for this address; ``retry_after_s`` until it unlocks."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"too many failed logins; try again in {retry_after_s} s")
        self.retry_after_s = retry_after_s


class RegistrationRefused(AccountError):
    """Registration is closed to this request (invite-only, bad code, or address taken)."""


class WrongPassword(AccountError):
    """A logged-in account confirmed an action with a wrong password."""


class InvalidToken(AccountError):
    """A reset token or code that is unknown, used or expired."""


@dataclass(frozen=True, slots=True)
class AccountRules:
    """The instance's account rules (see :class:`retrostride.api.settings.Settings`)."""

    registration: str = "open"
    login_max_failures: int = 5
    login_window_s: int = 900
    lockout_s: int = 900
    session_ttl_s: int = 14 * 24 * 3600
    reset_ttl_s: int = 3600
    invite_ttl_s: int = 7 * 24 * 3600
    public_url: str = "http://127.0.0.1:8000"
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    mail: MailSettings = field(default_factory=MailSettings)
    """How messages leave the server (SMTP, or nowhere; see :mod:`retrostride.services.mail`)."""

    def hasher(self) -> PasswordHasher:
        return _hasher(self.argon2_time_cost, self.argon2_memory_kib)


_HASHERS: dict[tuple[int, int], PasswordHasher] = {}


def _hasher(time_cost: int, memory_kib: int) -> PasswordHasher:
    key = (time_cost, memory_kib)
    if key not in _HASHERS:
        _HASHERS[key] = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)
    return _HASHERS[key]


def hash_secret(secret: str) -> str:
    """SHA-256 hex of a high-entropy secret (token or code); never used for passwords."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_secret() -> str:
    """A 256-bit random URL-safe secret."""
    return secrets.token_urlsafe(32)


def normalise_email(text: str) -> str:
    """The address stripped and lower-cased; :class:`InputError` when it is not one."""
    email = text.strip().lower()
    if not _EMAIL_RE.match(email):
        raise InputError("email", text, "an e-mail address such as name@example.org")
    return email


def check_password(password: str) -> None:
    """Refuse a password that is too short or too long (the value is never echoed)."""
    if not PASSWORD_MIN_CHARS <= len(password) <= PASSWORD_MAX_CHARS:
        raise InputError(
            "password",
            "(hidden)",
            f"between {PASSWORD_MIN_CHARS} and {PASSWORD_MAX_CHARS} characters",
        )


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise InputError("role", role, " or ".join(ROLES))
    return role


def _unique_person_name(db: OrmSession, base: str) -> str:
    name, n = base, 1
    while db.scalar(select(PersonRow.id).where(PersonRow.name == name)) is not None:
        n += 1
        name = f"{base} ({n})"
    return name


def register(
    db: OrmSession,
    rules: AccountRules,
    *,
    email: str,
    password: str,
    role: str,
    display_name: str = "",
    signup_code: str | None = None,
) -> AccountRow:
    """Create an account (and, for an athlete, the person row that owns their log)."""
    email = normalise_email(email)
    check_password(password)
    _check_role(role)
    now = utc_now()
    code_row: SignupCodeRow | None = None
    if rules.registration != "open":
        if not signup_code:
            raise RegistrationRefused("registration on this instance needs an invitation code")
        code_row = db.scalar(
            select(SignupCodeRow).where(SignupCodeRow.code_hash == hash_secret(signup_code))
        )
        if code_row is None or code_row.used_at is not None or code_row.expires_at <= now:
            raise RegistrationRefused("the invitation code is unknown, used or expired")
        if code_row.role is not None and code_row.role != role:
            raise RegistrationRefused(f"this invitation code is for a {code_row.role} account")
    if db.scalar(select(AccountRow.id).where(AccountRow.email == email)) is not None:
        raise RegistrationRefused("an account cannot be created with this e-mail address")
    person_id: int | None = None
    if role == "athlete":
        person = PersonRow(
            # Named by the address (unique, never the CLI's default person "me").
            name=_unique_person_name(db, email),
            home_time_zone="UTC",
            created_at=now,
        )
        db.add(person)
        db.flush()
        person_id = person.id
    account = AccountRow(
        email=email,
        display_name=display_name.strip(),
        password_hash=rules.hasher().hash(password),
        role=role,
        is_admin=False,
        person_id=person_id,
        created_at=now,
    )
    db.add(account)
    if code_row is not None:
        code_row.used_at = now
    db.flush()
    return account


def _throttle_key(email: str) -> str:
    return hash_secret("login:" + email.strip().lower())


def authenticate(db: OrmSession, rules: AccountRules, email: str, password: str) -> AccountRow:
    """The account for these credentials, counting failures per address and locking it out.

    Unknown addresses are counted and hashed against a dummy hash too, so neither the answer,
    the lockout nor the timing tells whether an account exists.
    """
    now = utc_now()
    key = _throttle_key(email)
    throttle = db.get(LoginThrottleRow, key)
    if throttle is not None and throttle.locked_until is not None and throttle.locked_until > now:
        raise AccountLocked(int((throttle.locked_until - now).total_seconds()) + 1)
    account = db.scalar(select(AccountRow).where(AccountRow.email == email.strip().lower()))
    hasher = rules.hasher()
    ok = False
    try:
        if account is not None:
            ok = hasher.verify(account.password_hash, password)
        else:
            hasher.verify(_dummy_hash(rules), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if ok and account is not None:
        if throttle is not None:
            db.delete(throttle)
        if hasher.check_needs_rehash(account.password_hash):
            account.password_hash = hasher.hash(password)
        db.flush()
        return account
    _count_failure(db, rules, key, throttle, now)
    raise AuthenticationFailed("wrong e-mail address or password")


def _count_failure(
    db: OrmSession, rules: AccountRules, key: str, row: LoginThrottleRow | None, now: datetime
) -> None:
    window = timedelta(seconds=rules.login_window_s)
    if row is None:
        row = LoginThrottleRow(key=key, failures=0, window_start=now, locked_until=None)
        db.add(row)
    elif now - row.window_start > window:
        row.failures, row.window_start, row.locked_until = 0, now, None
    row.failures += 1
    if row.failures >= rules.login_max_failures:
        row.locked_until = now + timedelta(seconds=rules.lockout_s)
        row.failures, row.window_start = 0, now
    db.flush()


_DUMMY: dict[tuple[int, int], str] = {}


def _dummy_hash(rules: AccountRules) -> str:
    key = (rules.argon2_time_cost, rules.argon2_memory_kib)
    if key not in _DUMMY:
        _DUMMY[key] = rules.hasher().hash(new_secret())
    return _DUMMY[key]


def create_login(db: OrmSession, rules: AccountRules, account: AccountRow) -> tuple[str, str]:
    """A new browser login: returns (cookie token, CSRF token)."""
    token, csrf = new_secret(), new_secret()
    now = utc_now()
    db.add(
        LoginSessionRow(
            account_id=account.id,
            token_hash=hash_secret(token),
            csrf_token=csrf,
            created_at=now,
            expires_at=now + timedelta(seconds=rules.session_ttl_s),
        )
    )
    db.execute(
        delete(LoginSessionRow).where(
            LoginSessionRow.account_id == account.id, LoginSessionRow.expires_at <= now
        )
    )
    db.flush()
    return token, csrf


def end_login(db: OrmSession, token: str) -> None:
    """Forget a browser login (logout)."""
    db.execute(delete(LoginSessionRow).where(LoginSessionRow.token_hash == hash_secret(token)))
    db.flush()


def create_api_token(
    db: OrmSession, account_id: int, name: str, expires_in_days: int | None = None
) -> tuple[ApiTokenRow, str]:
    """A new bearer token for scripts; the plain token is returned once and never stored."""
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise InputError("name", name, "a token name of 1 to 100 characters")
    if expires_in_days is not None and not 1 <= expires_in_days <= 3650:
        raise InputError("expires_in_days", expires_in_days, "1 to 3650 days, or none")
    token = API_TOKEN_PREFIX + new_secret()
    now = utc_now()
    row = ApiTokenRow(
        account_id=account_id,
        name=name,
        token_hash=hash_secret(token),
        prefix=token[:8],
        created_at=now,
        expires_at=None if expires_in_days is None else now + timedelta(days=expires_in_days),
    )
    db.add(row)
    db.flush()
    return row, token


def list_api_tokens(db: OrmSession, account_id: int) -> list[ApiTokenRow]:
    return list(
        db.scalars(
            select(ApiTokenRow).where(ApiTokenRow.account_id == account_id).order_by(ApiTokenRow.id)
        )
    )


def revoke_api_token(db: OrmSession, account_id: int, token_id: int) -> bool:
    """Delete one of the account's tokens; False when it has no such token."""
    result = db.execute(
        delete(ApiTokenRow).where(ApiTokenRow.id == token_id, ApiTokenRow.account_id == account_id)
    )
    db.flush()
    return bool(getattr(result, "rowcount", 0))


def send_mail(
    db: OrmSession, recipient: str, subject: str, body: str, settings: MailSettings | None = None
) -> bool:
    """Keep a message in the outbox and send it (SMTP when configured); True when sent."""
    db.add(MailOutboxRow(recipient=recipient, subject=subject, body=body, created_at=utc_now()))
    return deliver(settings or MailSettings(), recipient, subject, body)


def create_reset_link(db: OrmSession, rules: AccountRules, account: AccountRow) -> str:
    """A one-time link [URL] that sets a new password for ``account`` within ``reset_ttl_s``."""
    token = new_secret()
    now = utc_now()
    db.add(
        PasswordResetRow(
            account_id=account.id,
            token_hash=hash_secret(token),
            created_at=now,
            expires_at=now + timedelta(seconds=rules.reset_ttl_s),
            used_at=None,
        )
    )
    db.flush()
    return f"{rules.public_url.rstrip('/')}/reset-password?token={token}"


def reset_link_for(db: OrmSession, rules: AccountRules, email: str) -> str:
    """A one-time reset link for the account of ``email`` (an administrator hands it over)."""
    address = normalise_email(email)
    account = db.scalar(select(AccountRow).where(AccountRow.email == address))
    if account is None:
        raise InputError("email", email, "the address of an existing account")
    return create_reset_link(db, rules, account)


def request_password_reset(db: OrmSession, rules: AccountRules, email: str) -> None:
    """Mail a reset link if the address has an account; the caller always answers the same."""
    try:
        email = normalise_email(email)
    except InputError:
        return
    account = db.scalar(select(AccountRow).where(AccountRow.email == email))
    if account is None:
        return
    link = create_reset_link(db, rules, account)
    token = link.rsplit("token=", 1)[1]
    send_mail(
        db,
        account.email,
        "retrostride: reset your password",
        f"Someone asked to reset the password of this account. To choose a new one, open\n{link}\n"
        f"within {rules.reset_ttl_s // 60} minutes, or send this token to POST "
        f"/api/auth/password-reset/confirm:\n{token}\nIf it was not you, ignore this message.",
        rules.mail,
    )
    db.flush()


def reset_password(db: OrmSession, rules: AccountRules, token: str, new_password: str) -> None:
    """Set a new password with a reset token; ends every login and reset token of the account."""
    check_password(new_password)
    now = utc_now()
    row = db.scalar(
        select(PasswordResetRow).where(PasswordResetRow.token_hash == hash_secret(token))
    )
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise InvalidToken("the reset token is unknown, used or expired")
    account = db.get(AccountRow, row.account_id)
    if account is None:
        raise InvalidToken("the reset token is unknown, used or expired")
    set_password(db, rules, account, new_password)
    db.execute(delete(PasswordResetRow).where(PasswordResetRow.account_id == account.id))
    db.flush()


def set_password(db: OrmSession, rules: AccountRules, account: AccountRow, password: str) -> None:
    """Store a new password hash and end the account's browser logins."""
    check_password(password)
    account.password_hash = rules.hasher().hash(password)
    db.execute(delete(LoginSessionRow).where(LoginSessionRow.account_id == account.id))
    db.execute(delete(LoginThrottleRow).where(LoginThrottleRow.key == _throttle_key(account.email)))
    db.flush()


def verify_password(rules: AccountRules, account: AccountRow, password: str) -> None:
    """:class:`AuthenticationFailed` unless ``password`` is the account's."""
    try:
        rules.hasher().verify(account.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        raise WrongPassword("the password is wrong") from None


def change_password(
    db: OrmSession, rules: AccountRules, account: AccountRow, current: str, new: str
) -> None:
    """Change the password after checking the current one."""
    verify_password(rules, account, current)
    set_password(db, rules, account, new)


def create_signup_code(db: OrmSession, rules: AccountRules, role: str | None = None) -> str:
    """A one-use registration code for an invite-only instance."""
    if role is not None:
        _check_role(role)
    code = new_secret()
    now = utc_now()
    db.add(
        SignupCodeRow(
            code_hash=hash_secret(code),
            role=role,
            created_at=now,
            expires_at=now + timedelta(seconds=rules.invite_ttl_s),
            used_at=None,
        )
    )
    db.flush()
    return code


def set_admin(db: OrmSession, email: str, is_admin: bool) -> AccountRow:
    """Give or take the administrator flag (the CLI's ``retrostride admin grant|revoke``)."""
    account = db.scalar(select(AccountRow).where(AccountRow.email == normalise_email(email)))
    if account is None:
        raise InputError("EMAIL", email, "the e-mail address of an existing account")
    account.is_admin = is_admin
    db.flush()
    return account


def delete_account(db: OrmSession, account: AccountRow) -> None:
    """Delete the account and all its data: its person (the log, programs, assessments cascade),
    logins, tokens, grants in both directions and queued mail."""
    person_id = account.person_id
    db.execute(delete(MailOutboxRow).where(MailOutboxRow.recipient == account.email))
    db.execute(delete(LoginThrottleRow).where(LoginThrottleRow.key == _throttle_key(account.email)))
    db.delete(account)
    db.flush()
    if person_id is not None:
        # The database cascades (ON DELETE CASCADE) to every table that references the person.
        db.execute(delete(PersonRow).where(PersonRow.id == person_id))
    db.flush()
