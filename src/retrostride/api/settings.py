"""Settings of a retrostride server, from arguments or ``RETROSTRIDE_*`` environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from typing import Literal

from retrostride.errors import InputError

Registration = Literal["open", "invite"]


@dataclass(frozen=True, slots=True)
class Settings:
    """How the server behaves. Sizes in bytes, durations in seconds."""

    database_url: str | None = None
    """SQLAlchemy URL; None means ``RETROSTRIDE_DATABASE_URL`` or the default SQLite file."""
    registration: Registration = "open"
    """``open``: anyone may register; ``invite``: a code from ``retrostride admin invite``."""
    secure_cookies: bool = True
    """Send cookies with ``Secure`` (set False only for plain-HTTP development on loopback)."""
    session_ttl_s: int = 14 * 24 * 3600
    """Lifetime of a browser login."""
    max_upload_bytes: int = 64 * 1024 * 1024
    """Largest accepted file in an upload (checked while streaming)."""
    max_upload_files: int = 50
    """Most files in one upload request."""
    upload_dir: str | None = None
    """Where uploads are streamed before import (None: the system's temporary folder). With
    ``retrostride worker`` on other machines, a folder they all mount at the same path."""
    job_workers: int = 2
    """Local job workers of this server (0: only ``retrostride worker`` processes run jobs)."""
    job_memory_mb: int = 1024
    """Memory one job's child process may map beyond its interpreter [MB] (RLIMIT_AS)."""
    job_cpu_s: int = 600
    """CPU time of one job's child process [s] (RLIMIT_CPU)."""
    login_max_failures: int = 5
    """Failed logins for one address from one client address within ``login_window_s`` before
    that pair is locked (other clients can still log in to the account)."""
    login_window_s: int = 15 * 60
    lockout_s: int = 15 * 60
    """How long a pair stays locked after its first lockout; each further lockout doubles it."""
    login_rate_per_minute: int = 20
    """Login attempts one client address may make per minute (counted in the database, so
    across every worker process and server)."""
    register_rate_per_hour: int = 20
    """Registrations one client address may make per hour."""
    reset_rate_per_hour: int = 20
    """Password-reset requests one client address may make per hour."""
    reset_ttl_s: int = 3600
    """Lifetime of a password-reset token."""
    invite_ttl_s: int = 7 * 24 * 3600
    """Lifetime of a sharing invitation or a registration code."""
    public_url: str = "http://127.0.0.1:8000"
    """Base of links the server writes into messages (reset and invitation links)."""
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    smtp_host: str = ""
    """Mail server for password-reset messages (empty: the server sends no mail)."""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = ""
    """Sender address of the server's messages (needed with ``smtp_host``)."""
    smtp_tls: str = "starttls"
    """``starttls`` (port 587), ``ssl`` (port 465) or ``none`` (a relay on loopback only)."""
    log_reset_links: bool = False
    """Write reset links to the server's log (installs without mail). A risk: whoever reads
    the log can take over any account that asks for a reset."""
    map_tile_url: str = ""
    """Map tiles under GPS tracks (empty: none, the track is drawn on a blank ground), an
    ``https://`` template with ``{z}``, ``{x}`` and ``{y}``. A privacy risk: every browser that
    shows a map asks the tile server for the area of the track, so a third party learns where
    people train (docs/security.md)."""
    map_tile_attribution: str = ""
    """The tile provider's required attribution (plain text), needed with ``map_tile_url``."""

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from ``RETROSTRIDE_<FIELD>`` variables (upper case), then ``overrides``."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(f"RETROSTRIDE_{f.name.upper()}")
            if raw is None:
                continue
            values[f.name] = _convert(f.name, raw, f.type)
        settings = cls(**values)  # type: ignore[arg-type]
        settings = replace(settings, **overrides)  # type: ignore[arg-type]
        settings.check()
        return settings

    def check(self) -> None:
        """Refuse settings that make no sense, naming the setting."""
        if self.job_workers < 0:
            raise InputError("job_workers", self.job_workers, "0 or more")
        if self.registration not in ("open", "invite"):
            raise InputError("registration", self.registration, "'open' or 'invite'")
        if self.smtp_tls not in ("starttls", "ssl", "none"):
            raise InputError("smtp_tls", self.smtp_tls, "'starttls', 'ssl' or 'none'")
        if self.smtp_host and not self.smtp_from:
            raise InputError("smtp_from", self.smtp_from, "a sender address with smtp_host")
        if self.map_tile_url:
            url = self.map_tile_url
            if not url.startswith("https://") or any(k not in url for k in ("{z}", "{x}", "{y}")):
                raise InputError(
                    "map_tile_url", url, "an https:// template with {z}, {x} and {y}"
                )
            if not self.map_tile_attribution.strip():
                raise InputError(
                    "map_tile_attribution", "", "the tile provider's attribution with map_tile_url"
                )
        for name in ("max_upload_bytes", "max_upload_files", "login_max_failures",
                     "session_ttl_s", "login_rate_per_minute", "register_rate_per_hour",
                     "reset_rate_per_hour", "job_memory_mb", "job_cpu_s"):
            if int(getattr(self, name)) <= 0:
                raise InputError(name, getattr(self, name), "a positive integer")


def _convert(name: str, raw: str, annotation: object) -> object:
    text = str(annotation)
    if "bool" in text:
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off"):
            return False
        raise InputError(f"RETROSTRIDE_{name.upper()}", raw, "true or false")
    if text.strip() == "int":
        try:
            return int(raw)
        except ValueError:
            raise InputError(f"RETROSTRIDE_{name.upper()}", raw, "an integer") from None
    return raw
