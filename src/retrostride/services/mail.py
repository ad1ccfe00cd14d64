"""Sending the server's messages (password reset links): by SMTP when configured, else nowhere.

An install without a mail server resets passwords with ``retrostride admin reset-password EMAIL``,
which prints a one-time link for the administrator to hand over. Writing the links to the server's
log (``log_links``) is an explicit opt-in: anyone who can read that log can take over the account.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Literal

log = logging.getLogger("retrostride.mail")

Tls = Literal["starttls", "ssl", "none"]


@dataclass(frozen=True, slots=True)
class MailSettings:
    """SMTP delivery: ``host`` empty means no mail server; ``tls`` ``starttls`` (port 587),
    ``ssl`` (implicit TLS, port 465) or ``none`` (loopback relays only)."""

    host: str = ""
    port: int = 587
    user: str = ""
    password: str = ""
    sender: str = ""
    tls: Tls = "starttls"
    timeout_s: float = 10.0
    log_links: bool = False
    """Write messages (with their links) to the server's log at WARNING level: opt-in, a risk."""

    @property
    def can_send(self) -> bool:
        return bool(self.host and self.sender)


def deliver(settings: MailSettings, recipient: str, subject: str, body: str) -> bool:
    """Send one message; True when an SMTP server accepted it (never raises for delivery)."""
    if settings.log_links:
        log.warning("mail to %s: %s\n%s", recipient, subject, body)
    if not settings.can_send:
        log.info("no mail server configured: message to %s not sent (%s)", recipient, subject)
        return False
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.sender, recipient, subject
    message.set_content(body)
    try:
        if settings.tls == "ssl":
            context = ssl.create_default_context()
            with smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout_s,
                                  context=context) as smtp:
                _login_send(smtp, settings, message)
        else:
            with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_s) as smtp:
                if settings.tls == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                _login_send(smtp, settings, message)
    except (OSError, smtplib.SMTPException) as exc:
        log.error("could not send mail to %s via %s:%s: %s", recipient, settings.host,
                  settings.port, exc.__class__.__name__)
        return False
    return True


def _login_send(smtp: smtplib.SMTP, settings: MailSettings, message: EmailMessage) -> None:
    if settings.user:
        smtp.login(settings.user, settings.password)
    smtp.send_message(message)
