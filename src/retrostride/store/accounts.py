"""Tables of the web app's accounts and sharing: accounts, logins, API tokens, resets, grants.

Every secret (login cookie, API token, reset token, invite code) is stored only as the SHA-256
of a 256-bit random value: those values carry enough entropy that a fast hash is safe, and it
lets a request find its principal with one indexed lookup (argon2 runs only on passwords, at
login). An account of role ``athlete`` owns one ``person`` row of the training log.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from retrostride.store.db import Base, UTCDateTime

ROLES = ("athlete", "clinician")
TOKEN_SCOPES = ("read", "read-write")


class AccountRow(Base):
    """A person who logs in. ``is_admin`` is set only from the CLI (``retrostride admin grant``)."""

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    """Lower-cased, stripped."""
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    speed_unit: Mapped[str | None] = mapped_column(String(8))
    """Display preferences (None: not chosen yet): km/h or mph, kg or lb, an IANA zone, and
    ``iso`` (2026-03-02) or ``day-month`` (2 Mar 2026) dates."""
    mass_unit: Mapped[str | None] = mapped_column(String(4))
    time_zone: Mapped[str | None] = mapped_column(String(64))
    date_format: Mapped[str | None] = mapped_column(String(16))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    """Two-factor login: the TOTP secret (base32), set when the owner starts turning it on."""
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """When the owner confirmed it with a first code; None: a login needs no code."""
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    """The 30-s step of the last code accepted: a code is never accepted twice."""


class LoginSessionRow(Base):
    """A browser login: the cookie's hash and the CSRF token bound to it."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ApiTokenRow(Base):
    """A bearer token for scripts; only its hash and a short prefix (to recognise it) are kept."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    scope: Mapped[str] = mapped_column(String(16), server_default="read-write")
    """``read`` (safe methods only) or ``read-write``, chosen when the token is made."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LoginThrottleRow(Base):
    """Failed logins per (e-mail address, client address) pair (hashed), whether or not an
    account has the address.

    Counting unknown addresses too keeps lockout from telling which accounts exist; keying by
    the pair keeps a stranger elsewhere from locking the owner out. ``strikes`` counts the
    pair's lockouts: each lasts twice as long as the one before.
    """

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    strikes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class RateLimitRow(Base):
    """Requests per key (a hashed client address and action) in the current fixed window.

    Kept in the database so that every worker process and server counts the same requests.
    """

    __tablename__ = "rate_limit"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime())
    hits: Mapped[int] = mapped_column(Integer)


class PasswordResetRow(Base):
    """A one-use password-reset token (hashed), delivered through the mail outbox."""

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MailOutboxRow(Base):
    """A message the instance would e-mail; an operator's mail hook or the log delivers it."""

    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SignupCodeRow(Base):
    """A registration code for an invite-only instance (made by ``retrostride admin invite``)."""

    __tablename__ = "signup_code"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ShareInviteRow(Base):
    """An athlete's invitation to a clinician (a code, or a link carrying it)."""

    __tablename__ = "share_invite"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    can_write: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ShareGrantRow(Base):
    """A clinician may see (and, if ``can_write``, change) one athlete's data; delete to end."""

    __tablename__ = "share_grant"
    __table_args__ = (UniqueConstraint("athlete_id", "clinician_id", name="uq_share_grant_pair"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    clinician_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    can_write: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RecoveryCodeRow(Base):
    """A single-use code that stands in for a two-factor code (its SHA-256; deleted on use)."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)


class LoginChallengeRow(Base):
    """A password that was right for an account with two-factor login: the login waits for
    the code (its secret's SHA-256 in a short-lived cookie)."""

    __tablename__ = "login_challenge"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    client: Mapped[str] = mapped_column(String(64), default="")
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AccessLogRow(Base):
    """A clinician reached an athlete's data: who, what (the page or API path), when."""

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    clinician_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="SET NULL")
    )
    clinician_email: Mapped[str] = mapped_column(String(320))
    """Kept as it was then, so that the entry outlives the clinician's account."""
    method: Mapped[str] = mapped_column(String(8))
    what: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
