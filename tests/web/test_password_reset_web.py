"""Password reset on an install without mail (admin link), with the log opt-in, and by SMTP."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any, ClassVar

import pytest
from typer.testing import CliRunner
from web_helpers import PASSWORD, make_client, post_form, register, text_of, web_settings

from retrostride.cli import app as cli_app
from retrostride.server import create_app
from retrostride.services import mail


def test_without_mail_the_page_says_how_and_the_admin_link_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    web = create_app(web_settings(url))
    browser = make_client(web)
    with browser:
        register(browser, "ada@example.org")
        post_form(browser, "/logout", {})
        page = text_of(browser.get("/forgot-password").text)
        assert "sends no e-mail" in page and "retrostride admin reset-password" in page
        monkeypatch.setenv("RETROSTRIDE_PUBLIC_URL", "http://127.0.0.1:9999")
        out = CliRunner().invoke(
            cli_app, ["admin", "reset-password", "ada@example.org", "--database", url])
        assert out.exit_code == 0, out.output
        link = re.search(r"http://127\.0\.0\.1:9999(/reset-password\?token=\S+)", out.output)
        assert link, out.output
        form = browser.get(link.group(1))
        token = re.search(r'name="token" value="([^"]+)"', form.text)
        assert token
        r = browser.post("/reset-password", data={
            "token": token.group(1), "password": "brand new pass 1",
            "password_again": "brand new pass 1"}, follow_redirects=False)
        assert r.status_code == 303
        ok = browser.post("/login", data={"email": "ada@example.org",
                                          "password": "brand new pass 1"},
                          follow_redirects=False)
        assert ok.status_code == 303
        again = CliRunner().invoke(
            cli_app, ["admin", "reset-password", "nobody@example.org", "--database", url])
        assert again.exit_code != 0 and "existing account" in again.output
        assert PASSWORD  # the old password no longer works
        old = browser.post("/login", data={"email": "ada@example.org", "password": PASSWORD})
        assert old.status_code == 422


class FakeSmtp:
    sent: ClassVar[list[Any]] = []

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.host, self.port, self.tls, self.user = host, port, False, ""

    def __enter__(self) -> FakeSmtp:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def starttls(self, context: Any = None) -> None:
        self.tls = True

    def login(self, user: str, password: str) -> None:
        self.user = user

    def send_message(self, message: Any) -> None:
        FakeSmtp.sent.append((self.host, self.port, self.tls, self.user, message))


def test_smtp_sends_the_link_and_logs_nothing_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSmtp)
    FakeSmtp.sent = []
    web = create_app(web_settings(
        f"sqlite:///{tmp_path / 's.sqlite'}", smtp_host="mail.example.org", smtp_port=587,
        smtp_user="robot", smtp_password="pw", smtp_from="retrostride@example.org"))
    browser = make_client(web)
    with browser, caplog.at_level(logging.INFO, logger="retrostride.mail"):
        register(browser, "bo@example.org")
        post_form(browser, "/logout", {})
        r = browser.post("/forgot-password", data={"email": "bo@example.org"})
        assert "has been sent" in text_of(r.text)
    assert len(FakeSmtp.sent) == 1
    host, port, tls, user, message = FakeSmtp.sent[0]
    assert (host, port, tls, user) == ("mail.example.org", 587, True, "robot")
    assert message["To"] == "bo@example.org" and "reset-password?token=" in message.get_content()
    assert "token=" not in caplog.text  # links reach the log only by the explicit opt-in


def test_log_opt_in_writes_the_link_at_warning(caplog: pytest.LogCaptureFixture) -> None:
    settings = mail.MailSettings(log_links=True)
    with caplog.at_level(logging.WARNING, logger="retrostride.mail"):
        sent = mail.deliver(settings, "a@example.org", "subject", "open http://x/?token=abc")
    assert sent is False
    assert "token=abc" in caplog.text
