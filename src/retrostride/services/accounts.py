"""Accounts of the web app: registration, passwords (argon2), logins, API tokens, resets, admins.

Secrets handed out (login cookies, API tokens, reset tokens, codes) are 256-bit random values
stored only as SHA-256 hashes, so one indexed lookup authenticates a request; argon2 (RFC 9106)
runs only on passwords, and never inside a database transaction (it takes a tenth of a second
or more; on SQLite a transaction that writes holds the one write lock). No function here says
whether an e-mail address has an account, except registration refusing a taken address.

Every function takes the open :class:`Database`, ids and plain values, owns its transactions
and returns the dataclasses below, never ORM rows.

What ends a credential:
- a password change ends every other browser login and every API token of the account; a
  password reset ends every login and every API token;
- failed logins are counted per (address, client address) pair: ``login_max_failures`` within
  ``login_window_s`` lock that pair for ``lockout_s``, doubled at each further lockout (at most
  :data:`MAX_LOCKOUT_S`), so a stranger elsewhere cannot lock the owner out;
- requests that cost the server (login, registration, reset) are counted per client address in
  the database (:func:`count_request`), so the limit holds across worker processes and servers.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session as OrmSession

from retrostride.errors import InputError, RetrostrideError
from retrostride.services import jobs, two_factor
from retrostride.services.mail import MailSettings, deliver
from retrostride.store.accounts import (
    ROLES,
    AccountRow,
    ApiTokenRow,
    LoginChallengeRow,
    LoginSessionRow,
    LoginThrottleRow,
    MailOutboxRow,
    PasswordResetRow,
    RateLimitRow,
    SignupCodeRow,
)
from retrostride.store.db import Database, utc_now
from retrostride.store.models import PersonRow

PASSWORD_MIN_CHARS = 10
"""Shortest accepted password (NIST SP 800-63B section 3.1.1.2 asks at least 8; we ask 10)."""
PASSWORD_MAX_CHARS = 1024
_NOT_IN_ADDRESS = (  # "@", control characters and Unicode white space (Python's and ECMA's \s)
    r"@\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
EMAIL_PATTERN = (
    rf"^[^{_NOT_IN_ADDRESS}]{{1,64}}@[^{_NOT_IN_ADDRESS}]{{1,255}}\.[^{_NOT_IN_ADDRESS}.]{{1,63}}$"
)
"""What an e-mail address must look like (after stripping and lower-casing)."""
_EMAIL_RE = re.compile(EMAIL_PATTERN)
API_TOKEN_PREFIX = "rs_"
TOKEN_SCOPES = ("read", "read-write")
MAX_LOCKOUT_S = 24 * 3600
"""Longest lockout of one (address, client address) pair, however often it is locked."""


class AccountError(RetrostrideError):
    """Base of the accounts domain's refusals."""


class AuthenticationFailed(AccountError):
    """Wrong e-mail address or password (never says which)."""


class Throttled(AccountError):
    """Too many attempts from here; ``retry_after_s`` until the next is accepted."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = max(1, retry_after_s)


class AccountLocked(Throttled):
    """Too many failed logins for this address from this client; ``retry_after_s`` to wait."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"too many failed logins; try again in {retry_after_s} s", retry_after_s)


class TooManyAttempts(Throttled):
    """Over the per-client limit of an action (login, registration, password reset)."""

    def __init__(self, action: str, retry_after_s: int) -> None:
        super().__init__(f"too many {action} requests from here; try again later", retry_after_s)


class NeedsBrowserLogin(AccountError):
    """An action that an API token may not take (making or revoking tokens)."""


class AccountGone(AccountError):
    """The account was deleted (a login or token of it is no longer valid)."""


class RegistrationRefused(AccountError):
    """Registration is closed to this request (invite-only, bad code, or address taken)."""


class WrongPassword(AccountError):
    """A logged-in account confirmed an action with a wrong password."""


class InvalidToken(AccountError):
    """A reset token or code that is unknown, used or expired."""


class SecondFactorNeeded(AccountError):
    """The password was right; the account has two-factor login: the login needs a code.

    ``challenge`` is a secret that :func:`finish_login` takes with the code (a browser keeps it
    in a short-lived cookie); a script sends the code with the password instead.
    """

    def __init__(self, challenge: str) -> None:
        super().__init__("this account has two-factor login: enter the code from your app")
        self.challenge = challenge


CHALLENGE_TTL_S = 300
"""How long a right password waits for its two-factor code [s]."""


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
    register_rate_per_hour: int = 20
    reset_rate_per_hour: int = 20

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


@dataclass(frozen=True, slots=True)
class Account:
    """An account as the surfaces show it (never its password hash)."""

    id: int
    email: str
    display_name: str
    role: str
    is_admin: bool
    person_id: int | None
    created_at: datetime

    @property
    def keeps_training_data(self) -> bool:
        return self.person_id is not None


@dataclass(frozen=True, slots=True)
class ApiToken:
    """An API token as listed (its prefix, never the token)."""

    id: int
    name: str
    prefix: str
    scope: str
    created_at: datetime
    expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class NewLogin:
    """A browser login just made: the cookie's token and its CSRF token (shown once)."""

    account: Account
    token: str
    csrf_token: str


def _account(row: AccountRow) -> Account:
    return Account(
        row.id, row.email, row.display_name, row.role, row.is_admin, row.person_id, row.created_at
    )


def _token(row: ApiTokenRow) -> ApiToken:
    return ApiToken(row.id, row.name, row.prefix, row.scope, row.created_at, row.expires_at)


def _unique_person_name(db: OrmSession, base: str) -> str:
    name, n = base, 1
    while db.scalar(select(PersonRow.id).where(PersonRow.name == name)) is not None:
        n += 1
        name = f"{base} ({n})"
    return name


def _hash_password(rules: AccountRules, password: str) -> str:
    """argon2 of ``password``: call it outside any transaction."""
    return rules.hasher().hash(password)


def _password_matches(rules: AccountRules, password_hash: str, password: str) -> bool:
    """argon2 verification: call it outside any transaction."""
    try:
        return rules.hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _client_key(prefix: str, *parts: str) -> str:
    return hash_secret(prefix + ":" + "\x00".join(parts))


def count_request(
    database: Database, action: str, client: str, limit: int, window_s: int = 60
) -> None:
    """Count one ``action`` request from ``client`` (an IP address); :class:`TooManyAttempts`
    when it is over ``limit`` in the current window of ``window_s`` seconds.

    The counter is a row in the database (fixed windows), so every worker process and every
    server behind one database shares it.
    """
    key = _client_key("rate", action, client)
    now = utc_now()
    with database.transaction() as db:
        row = db.get(RateLimitRow, key)
        if row is None:
            db.add(RateLimitRow(key=key, window_start=now, hits=1))
            return
        elapsed = (now - row.window_start).total_seconds()
        if elapsed >= window_s:
            row.window_start, row.hits = now, 1
            return
        if row.hits >= limit:
            raise TooManyAttempts(action, int(window_s - elapsed) + 1)
        row.hits += 1
        if secrets.randbelow(100) == 0:  # now and then, forget windows long over
            db.execute(
                delete(RateLimitRow).where(RateLimitRow.window_start < now - timedelta(days=1))
            )


def register(
    database: Database,
    rules: AccountRules,
    *,
    email: str,
    password: str,
    role: str,
    display_name: str = "",
    signup_code: str | None = None,
) -> Account:
    """Create an account (and, for an athlete, the person row that owns their log)."""
    email = normalise_email(email)
    check_password(password)
    _check_role(role)
    password_hash = _hash_password(rules, password)
    now = utc_now()
    with database.transaction() as db:
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
            password_hash=password_hash,
            role=role,
            is_admin=False,
            person_id=person_id,
            created_at=now,
        )
        db.add(account)
        if code_row is not None:
            code_row.used_at = now
        db.flush()
        return _account(account)


def _throttle_key(email: str, client: str) -> str:
    return _client_key("login", email.strip().lower(), client)


def authenticate(
    database: Database, rules: AccountRules, email: str, password: str, client: str = ""
) -> Account:
    """The account for these credentials, counting failures per (address, client) pair.

    Unknown addresses are counted and hashed against a dummy hash too, so neither the answer,
    the lockout nor the timing tells whether an account exists. The password is checked
    between two short transactions, never inside one.
    """
    key = _throttle_key(email, client)
    with database.sessions() as db:
        now = utc_now()
        throttle = db.get(LoginThrottleRow, key)
        locked_until = throttle.locked_until if throttle is not None else None
        if locked_until is not None and locked_until > now:
            raise AccountLocked(int((locked_until - now).total_seconds()) + 1)
        found = db.execute(
            select(AccountRow.id, AccountRow.password_hash).where(
                AccountRow.email == email.strip().lower()
            )
        ).first()
    ok = _password_matches(rules, found[1] if found else _dummy_hash(rules), password)
    if ok and found is not None:
        new_hash = (
            _hash_password(rules, password)
            if rules.hasher().check_needs_rehash(found[1])
            else None
        )
        with database.transaction() as db:
            account = db.get(AccountRow, found[0])
            if account is None:
                raise AuthenticationFailed("wrong e-mail address or password")
            if account.totp_enabled_at is None:  # else only a right code clears the failures
                db.execute(delete(LoginThrottleRow).where(LoginThrottleRow.key == key))
            if new_hash is not None and account.password_hash == found[1]:
                account.password_hash = new_hash
            return _account(account)
    with database.transaction() as db:
        _count_failure(db, rules, key, utc_now())
    raise AuthenticationFailed("wrong e-mail address or password")


def _count_failure(db: OrmSession, rules: AccountRules, key: str, now: datetime) -> None:
    row = db.get(LoginThrottleRow, key)
    if row is None:
        row = LoginThrottleRow(key=key, failures=0, window_start=now, locked_until=None, strikes=0)
        db.add(row)
    elif now - row.window_start > timedelta(seconds=max(rules.login_window_s, MAX_LOCKOUT_S)):
        row.failures, row.window_start, row.locked_until, row.strikes = 0, now, None, 0
    elif now - row.window_start > timedelta(seconds=rules.login_window_s):
        row.failures, row.window_start = 0, now
    row.failures += 1
    if row.failures >= rules.login_max_failures:
        lockout_s = min(rules.lockout_s * 2 ** min(row.strikes, 20), MAX_LOCKOUT_S)
        row.locked_until = now + timedelta(seconds=lockout_s)
        row.failures, row.window_start = 0, now
        row.strikes += 1


_DUMMY: dict[tuple[int, int], str] = {}


def _dummy_hash(rules: AccountRules) -> str:
    key = (rules.argon2_time_cost, rules.argon2_memory_kib)
    if key not in _DUMMY:
        _DUMMY[key] = rules.hasher().hash(new_secret())
    return _DUMMY[key]


def create_login(database: Database, rules: AccountRules, account: Account) -> NewLogin:
    """A new browser login for an authenticated account."""
    token, csrf = new_secret(), new_secret()
    now = utc_now()
    with database.transaction() as db:
        if db.get(AccountRow, account.id) is None:
            raise AccountGone("the account no longer exists")
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
    return NewLogin(account, token, csrf)


def log_in(
    database: Database,
    rules: AccountRules,
    email: str,
    password: str,
    client: str = "",
    code: str | None = None,
) -> NewLogin:
    """:func:`authenticate`, then :func:`create_login`.

    An account with two-factor login also needs ``code`` (a code of its app or a recovery
    code): without one, :class:`SecondFactorNeeded` carries a challenge for
    :func:`finish_login`; a wrong one counts as a failed login of the (address, client) pair.
    """
    account = authenticate(database, rules, email, password, client)
    with database.sessions() as db:
        needs_code = two_factor.is_enabled(db, account.id)
    if needs_code:
        if code is None:
            raise SecondFactorNeeded(_new_challenge(database, account.id, client))
        _second_factor(database, rules, account, code, client)
    return create_login(database, rules, account)


def _new_challenge(database: Database, account_id: int, client: str) -> str:
    token, now = new_secret(), utc_now()
    with database.transaction() as db:
        db.execute(delete(LoginChallengeRow).where(LoginChallengeRow.expires_at <= now))
        db.add(
            LoginChallengeRow(
                account_id=account_id,
                token_hash=hash_secret(token),
                client=client[:64],
                expires_at=now + timedelta(seconds=CHALLENGE_TTL_S),
            )
        )
    return token


def _second_factor(
    database: Database, rules: AccountRules, account: Account, code: str, client: str
) -> None:
    """Accept ``code`` for ``account`` or count a failed login of its (address, client) pair."""
    key = _throttle_key(account.email, client)
    with database.sessions() as db:
        throttle = db.get(LoginThrottleRow, key)
        now = utc_now()
        if throttle is not None and throttle.locked_until and throttle.locked_until > now:
            raise AccountLocked(int((throttle.locked_until - now).total_seconds()) + 1)
    with database.transaction() as db:
        accepted = two_factor.accept_code(db, account.id, code)
        if accepted:
            db.execute(delete(LoginThrottleRow).where(LoginThrottleRow.key == key))
        else:
            _count_failure(db, rules, key, utc_now())
    if not accepted:
        raise AuthenticationFailed("wrong two-factor code")


def finish_login(
    database: Database, rules: AccountRules, challenge: str, code: str, client: str = ""
) -> NewLogin:
    """The login a :class:`SecondFactorNeeded` challenge waited for, once ``code`` is right
    (from the same client address, within :data:`CHALLENGE_TTL_S`)."""
    with database.sessions() as db:
        row = db.scalar(
            select(LoginChallengeRow).where(LoginChallengeRow.token_hash == hash_secret(challenge))
        )
        if row is None or row.expires_at <= utc_now() or row.client != client[:64]:
            raise AuthenticationFailed("the login waited too long for its code; log in again")
        account_row = db.get(AccountRow, row.account_id)
        if account_row is None:
            raise AccountGone("the account no longer exists")
        account = _account(account_row)
    _second_factor(database, rules, account, code, client)
    with database.transaction() as db:
        db.execute(
            delete(LoginChallengeRow).where(LoginChallengeRow.token_hash == hash_secret(challenge))
        )
    return create_login(database, rules, account)


def turn_off_two_factor(
    database: Database, rules: AccountRules, account_id: int, password: str
) -> None:
    """Turn two-factor login off after checking the password (its secret and codes are gone)."""
    verify_password(database, rules, account_id, password)
    with database.transaction() as db:
        two_factor.turn_off(db, account_id)


def end_login(database: Database, token: str) -> None:
    """Forget a browser login (logout)."""
    with database.transaction() as db:
        db.execute(delete(LoginSessionRow).where(LoginSessionRow.token_hash == hash_secret(token)))


def get_account(database: Database, account_id: int) -> Account:
    """The account, or :class:`AccountGone`."""
    with database.sessions() as db:
        row = db.get(AccountRow, account_id)
        if row is None:
            raise AccountGone("the account no longer exists")
        return _account(row)


def person_name(database: Database, account_id: int) -> str | None:
    """The log's name of the account's person (None for a clinician)."""
    with database.sessions() as db:
        return db.scalar(
            select(PersonRow.name)
            .join(AccountRow, AccountRow.person_id == PersonRow.id)
            .where(AccountRow.id == account_id)
        )


def set_display_name(database: Database, account_id: int, display_name: str) -> Account:
    name = display_name.strip()
    if len(name) > 200:
        raise InputError("display_name", name[:20] + "...", "at most 200 characters")
    with database.transaction() as db:
        row = db.get(AccountRow, account_id)
        if row is None:
            raise AccountGone("the account no longer exists")
        row.display_name = name
        return _account(row)


def create_api_token(
    database: Database,
    account_id: int,
    name: str,
    expires_in_days: int | None = None,
    *,
    scope: str = "read",
    via: str = "cookie",
) -> tuple[ApiToken, str]:
    """A new bearer token for scripts; the plain token is returned once and never stored.

    ``via`` is how the caller logged in: only a browser login (``cookie``) makes tokens, so a
    leaked token cannot mint more.
    """
    if via != "cookie":
        raise NeedsBrowserLogin("API tokens are made and revoked from a browser login")
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise InputError("name", name, "a token name of 1 to 100 characters")
    if expires_in_days is not None and not 1 <= expires_in_days <= 3650:
        raise InputError("expires_in_days", expires_in_days, "1 to 3650 days, or none")
    if scope not in TOKEN_SCOPES:
        raise InputError("scope", scope, " or ".join(TOKEN_SCOPES))
    token = API_TOKEN_PREFIX + new_secret()
    now = utc_now()
    with database.transaction() as db:
        if db.get(AccountRow, account_id) is None:
            raise AccountGone("the account no longer exists")
        row = ApiTokenRow(
            account_id=account_id,
            name=name,
            token_hash=hash_secret(token),
            prefix=token[:8],
            scope=scope,
            created_at=now,
            expires_at=None if expires_in_days is None else now + timedelta(days=expires_in_days),
        )
        db.add(row)
        db.flush()
        return _token(row), token


def list_api_tokens(database: Database, account_id: int) -> list[ApiToken]:
    with database.sessions() as db:
        rows = db.scalars(
            select(ApiTokenRow).where(ApiTokenRow.account_id == account_id).order_by(ApiTokenRow.id)
        )
        return [_token(r) for r in rows]


def revoke_api_token(
    database: Database, account_id: int, token_id: int, *, via: str = "cookie"
) -> bool:
    """Delete one of the account's tokens; False when it has no such token."""
    if via != "cookie":
        raise NeedsBrowserLogin("API tokens are made and revoked from a browser login")
    with database.transaction() as db:
        result = db.execute(
            delete(ApiTokenRow).where(
                ApiTokenRow.id == token_id, ApiTokenRow.account_id == account_id
            )
        )
        return bool(getattr(result, "rowcount", 0))


def _keep_mail(db: OrmSession, recipient: str, subject: str, body: str) -> None:
    """Keep a message in the outbox (sent by :func:`_deliver` once the transaction is over)."""
    db.add(MailOutboxRow(recipient=recipient, subject=subject, body=body, created_at=utc_now()))


def send_mail(
    database: Database,
    recipient: str,
    subject: str,
    body: str,
    settings: MailSettings | None = None,
) -> bool:
    """Keep a message in the outbox and send it (SMTP when configured) after the transaction;
    True when sent."""
    with database.transaction() as db:
        _keep_mail(db, recipient, subject, body)
    return deliver(settings or MailSettings(), recipient, subject, body)


def _reset_link(db: OrmSession, rules: AccountRules, account_id: int) -> tuple[str, str]:
    """A one-time link [URL] that sets a new password within ``reset_ttl_s``, and its token."""
    token = new_secret()
    now = utc_now()
    db.add(
        PasswordResetRow(
            account_id=account_id,
            token_hash=hash_secret(token),
            created_at=now,
            expires_at=now + timedelta(seconds=rules.reset_ttl_s),
            used_at=None,
        )
    )
    return f"{rules.public_url.rstrip('/')}/reset-password?token={token}", token


def reset_link_for(database: Database, rules: AccountRules, email: str) -> str:
    """A one-time reset link for the account of ``email`` (an administrator hands it over)."""
    address = normalise_email(email)
    with database.transaction() as db:
        account_id = db.scalar(select(AccountRow.id).where(AccountRow.email == address))
        if account_id is None:
            raise InputError("email", email, "the address of an existing account")
        return _reset_link(db, rules, account_id)[0]


def request_password_reset(database: Database, rules: AccountRules, email: str) -> None:
    """Mail a reset link if the address has an account; the caller always answers the same.

    The message is kept in the outbox within the transaction and sent after it (SMTP never
    runs while the write lock is held)."""
    try:
        email = normalise_email(email)
    except InputError:
        return
    with database.transaction() as db:
        account_id = db.scalar(select(AccountRow.id).where(AccountRow.email == email))
        if account_id is None:
            return
        link, token = _reset_link(db, rules, account_id)
        subject = "retrostride: reset your password"
        body = (
            f"Someone asked to reset the password of this account. To choose a new one, open\n"
            f"{link}\nwithin {rules.reset_ttl_s // 60} minutes, or send this token to POST "
            f"/api/auth/password-reset/confirm:\n{token}\nIf it was not you, ignore this message."
        )
        _keep_mail(db, email, subject, body)
    deliver(rules.mail, email, subject, body)


def _end_credentials(db: OrmSession, account_id: int, keep_login_id: int | None) -> None:
    """End the account's browser logins (but ``keep_login_id``), API tokens and reset tokens."""
    ends_logins = delete(LoginSessionRow).where(LoginSessionRow.account_id == account_id)
    if keep_login_id is not None:
        ends_logins = ends_logins.where(LoginSessionRow.id != keep_login_id)
    db.execute(ends_logins)
    db.execute(delete(ApiTokenRow).where(ApiTokenRow.account_id == account_id))
    db.execute(delete(PasswordResetRow).where(PasswordResetRow.account_id == account_id))


def reset_password(database: Database, rules: AccountRules, token: str, new_password: str) -> None:
    """Set a new password with a reset token; ends every login, API token and reset token."""
    check_password(new_password)
    password_hash = _hash_password(rules, new_password)
    with database.transaction() as db:
        row = db.scalar(
            select(PasswordResetRow).where(PasswordResetRow.token_hash == hash_secret(token))
        )
        if row is None or row.used_at is not None or row.expires_at <= utc_now():
            raise InvalidToken("the reset token is unknown, used or expired")
        account = db.get(AccountRow, row.account_id)
        if account is None:
            raise InvalidToken("the reset token is unknown, used or expired")
        account.password_hash = password_hash
        _end_credentials(db, account.id, None)


def _password_hash_of(database: Database, account_id: int) -> str:
    with database.sessions() as db:
        found = db.scalar(select(AccountRow.password_hash).where(AccountRow.id == account_id))
    if found is None:
        raise AccountGone("the account no longer exists")
    return found


def verify_password(
    database: Database, rules: AccountRules, account_id: int, password: str
) -> None:
    """:class:`WrongPassword` unless ``password`` is the account's."""
    if not _password_matches(rules, _password_hash_of(database, account_id), password):
        raise WrongPassword("the password is wrong")


def change_password(
    database: Database,
    rules: AccountRules,
    account_id: int,
    current: str,
    new: str,
    *,
    keep_login_id: int | None = None,
) -> None:
    """Change the password after checking the current one.

    Ends every browser login of the account but ``keep_login_id`` (the one asking, when it is a
    browser login) and every API token.
    """
    check_password(new)
    old_hash = _password_hash_of(database, account_id)
    if not _password_matches(rules, old_hash, current):
        raise WrongPassword("the password is wrong")
    new_hash = _hash_password(rules, new)
    with database.transaction() as db:
        changed = db.execute(
            update(AccountRow)
            .where(AccountRow.id == account_id, AccountRow.password_hash == old_hash)
            .values(password_hash=new_hash)
        )
        if not getattr(changed, "rowcount", 0):
            raise WrongPassword("the password changed meanwhile; try again")
        _end_credentials(db, account_id, keep_login_id)


def create_signup_code(database: Database, rules: AccountRules, role: str | None = None) -> str:
    """A one-use registration code for an invite-only instance."""
    if role is not None:
        _check_role(role)
    code = new_secret()
    now = utc_now()
    with database.transaction() as db:
        db.add(
            SignupCodeRow(
                code_hash=hash_secret(code),
                role=role,
                created_at=now,
                expires_at=now + timedelta(seconds=rules.invite_ttl_s),
                used_at=None,
            )
        )
    return code


def set_admin(database: Database, email: str, is_admin: bool) -> Account:
    """Give or take the administrator flag (the CLI's ``retrostride admin grant|revoke``)."""
    with database.transaction() as db:
        account = db.scalar(select(AccountRow).where(AccountRow.email == normalise_email(email)))
        if account is None:
            raise InputError("email", email, "the e-mail address of an existing account")
        account.is_admin = is_admin
        return _account(account)


def find_account_ids(database: Database, emails: list[str]) -> list[int]:
    """The ids of the accounts with these addresses (those that exist)."""
    wanted = [normalise_email(e) for e in emails]
    with database.sessions() as db:
        return list(db.scalars(select(AccountRow.id).where(AccountRow.email.in_(wanted))))


def delete_account(database: Database, account_id: int) -> None:
    """Delete the account and all its data: its person (the log, programs, assessments cascade),
    logins, tokens, grants in both directions, queued mail and the received files of its queued
    or running uploads. Work that another transaction does for the account meanwhile finds the
    account gone (see :func:`ensure_account`)."""
    with database.transaction() as db:
        account = db.get(AccountRow, account_id)
        if account is None:
            return
        person_id = account.person_id
        received: list[str] = []
        db.execute(delete(MailOutboxRow).where(MailOutboxRow.recipient == account.email))
        db.delete(account)
        db.flush()
        if person_id is not None:
            received = jobs.received_folders(db, person_id)
            # The database cascades (ON DELETE CASCADE) to every table that references the person.
            db.execute(delete(PersonRow).where(PersonRow.id == person_id))
    jobs.remove_folders(received)  # uploads waiting in the queue leave nothing on disk


def ensure_account(db: OrmSession, person_id: int) -> None:
    """Inside a writing transaction: :class:`AccountGone` when the person's account (if the
    person ever had one) was deleted. A person without an account (the CLI's own log) passes;
    a person row that no longer exists fails, so work for a deleted account leaves nothing."""
    if db.get(PersonRow, person_id) is None:
        raise AccountGone("the account was deleted meanwhile; nothing was kept")
