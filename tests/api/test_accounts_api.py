"""Accounts over HTTP: registration, login, cookies and CSRF, tokens, lockout, reset, deletion."""

from __future__ import annotations

import re
from typing import Any

from api_helpers import PASSWORD, WALK, TestClient, signup
from sqlalchemy import select

from retrostride.store.accounts import AccountRow, ApiTokenRow, MailOutboxRow
from retrostride.store.db import open_database


def _register(client: TestClient, email: str, **kw: Any) -> Any:
    return client.post(
        "/api/auth/register", json={"email": email, "password": PASSWORD} | kw
    )


def test_no_default_account_and_anonymous_calls_are_refused(client: TestClient) -> None:
    assert client.get("/api/account").status_code == 401
    assert client.get("/api/athletes/me/sessions").status_code == 401
    r = client.post("/api/auth/login", json={"email": "admin@example.org", "password": "admin"})
    assert r.status_code == 401


def test_register_login_cookie_flags_and_csrf(client: TestClient) -> None:
    r = _register(client, " Ada@Example.org ", display_name="Ada")
    assert r.status_code == 201
    assert r.json()["email"] == "ada@example.org"
    assert r.json()["role"] == "athlete" and r.json()["is_admin"] is False
    assert "password" not in r.text
    assert _register(client, "ada@example.org").status_code == 403  # taken

    r = client.post("/api/auth/login", json={"email": "ada@example.org", "password": PASSWORD})
    assert r.status_code == 200
    cookies = r.headers.get_list("set-cookie")
    session_cookie = next(c for c in cookies if c.startswith("retrostride_session="))
    assert "HttpOnly" in session_cookie and "SameSite=lax" in session_cookie
    csrf = r.json()["csrf_token"]

    assert client.get("/api/account").json()["display_name"] == "Ada"
    # A cookie-authenticated write without the CSRF token, or from another origin, is refused.
    assert client.post("/api/athletes/me/sessions", json=WALK).status_code == 403
    r = client.post(
        "/api/athletes/me/sessions",
        json=WALK,
        headers={"X-CSRF-Token": csrf, "Origin": "https://evil.example"},
    )
    assert r.status_code == 403
    r = client.post("/api/athletes/me/sessions", json=WALK, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201, r.text
    # Logging out ends the login at once.
    assert client.post("/api/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert client.get("/api/account").status_code == 401


def test_secure_cookie_setting(app_factory: Any) -> None:
    client = app_factory(secure_cookies=True)
    _register(client, "sec@example.org")
    r = client.post("/api/auth/login", json={"email": "sec@example.org", "password": PASSWORD})
    assert all("Secure" in c for c in r.headers.get_list("set-cookie"))


def test_weak_password_and_bad_email_are_refused_without_echo(client: TestClient) -> None:
    r = _register(client, "b@example.org", password="short")
    assert r.status_code == 422 and "short" not in r.text
    assert _register(client, "not-an-address").status_code == 422


def test_api_tokens_are_hashed_at_rest_and_revocable(client: TestClient, database_url: str) -> None:
    ada = signup(client, "ada@example.org")
    token = ada.headers["Authorization"].split()[1]
    database = open_database(database_url)
    try:
        with database.sessions() as db:
            stored = list(db.scalars(select(ApiTokenRow.token_hash)))
            assert token not in stored and len(stored) == 1 and len(stored[0]) == 64
            hashes = list(db.scalars(select(AccountRow.password_hash)))
            assert hashes[0].startswith("$argon2id$")
    finally:
        database.close()
    listed = ada.get("/api/account/tokens").json()
    assert listed[0]["prefix"] == token[:8] and "token" not in listed[0]
    # Bearer calls need no CSRF token (a browser never adds that header by itself).
    assert ada.post("/api/athletes/me/sessions", json=WALK).status_code == 201
    # Revoking (like making) a token needs the browser login, not a token.
    assert ada.delete(f"/api/account/tokens/{listed[0]['id']}").status_code == 403
    browser = TestClient(client.app)
    csrf = browser.post(
        "/api/auth/login", json={"email": "ada@example.org", "password": PASSWORD}
    ).json()["csrf_token"]
    r = browser.delete(f"/api/account/tokens/{listed[0]['id']}", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 204
    assert ada.get("/api/account").status_code == 401
    bad = ada.client.get("/api/account", headers={"Authorization": "Basic abc"})
    assert bad.status_code == 401


def test_lockout_after_failures_whether_or_not_the_account_exists(app_factory: Any) -> None:
    client = app_factory(login_max_failures=3)
    _register(client, "ada@example.org")
    for email in ("ada@example.org", "nobody@example.org"):
        answers = [
            client.post("/api/auth/login", json={"email": email, "password": "wrong password!"})
            for _ in range(4)
        ]
        assert [a.status_code for a in answers] == [401, 401, 401, 429]
        assert answers[0].json() == answers[1].json()
        assert int(answers[3].headers["Retry-After"]) > 0
    # Locked: even the right password is refused until the lock ends.
    r = client.post("/api/auth/login", json={"email": "ada@example.org", "password": PASSWORD})
    assert r.status_code == 429


def test_login_rate_limit_per_client(app_factory: Any) -> None:
    client = app_factory(login_rate_per_minute=3)
    body = {"email": "x@example.org", "password": "x"}
    codes = [client.post("/api/auth/login", json=body).status_code for _ in range(5)]
    assert codes[:3] == [401, 401, 401] and codes[3:] == [429, 429]


def test_password_reset_does_not_disclose_accounts(client: TestClient, database_url: str) -> None:
    _register(client, "ada@example.org")
    known = client.post("/api/auth/password-reset", json={"email": "ada@example.org"})
    unknown = client.post("/api/auth/password-reset", json={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    database = open_database(database_url)
    try:
        with database.sessions() as db:
            mails = list(db.scalars(select(MailOutboxRow)))
    finally:
        database.close()
    assert [m.recipient for m in mails] == ["ada@example.org"]
    token = re.search(r"token=([\w\-]+)", mails[0].body).group(1)  # type: ignore[union-attr]
    new = "a brand new passphrase"
    r = client.post(
        "/api/auth/password-reset/confirm", json={"token": token, "new_password": new}
    )
    assert r.status_code == 204
    again = client.post(
        "/api/auth/password-reset/confirm", json={"token": token, "new_password": new}
    )
    assert again.status_code == 404  # one use
    old = client.post("/api/auth/login", json={"email": "ada@example.org", "password": PASSWORD})
    assert old.status_code == 401
    ok = client.post("/api/auth/login", json={"email": "ada@example.org", "password": new})
    assert ok.status_code == 200


def test_invite_only_registration(app_factory: Any, database_url: str) -> None:
    client = app_factory(registration="invite")
    assert _register(client, "ada@example.org").status_code == 403
    from retrostride.api.app import account_rules
    from retrostride.services.accounts import create_signup_code

    database = open_database(database_url)
    try:
        code = create_signup_code(database, account_rules(client.app.state.settings), "clinician")
    finally:
        database.close()
    assert _register(client, "ada@example.org", signup_code=code).status_code == 403  # role
    r = _register(client, "ada@example.org", signup_code=code, role="clinician")
    assert r.status_code == 201
    reuse = _register(client, "bob@example.org", signup_code=code, role="clinician")
    assert reuse.status_code == 403


def test_admin_flag_is_not_settable_over_http(client: TestClient) -> None:
    r = _register(client, "ada@example.org", is_admin=True)
    assert r.status_code == 422
    ada = signup(client, "bob@example.org")
    assert ada.patch("/api/account", json={"is_admin": True}).status_code == 422
    assert ada.post("/api/admin/signup-codes", json={}).status_code == 403


def test_account_deletion_removes_everything(client: TestClient, database_url: str) -> None:
    ada = signup(client, "ada@example.org")
    assert ada.post("/api/athletes/me/sessions", json=WALK).status_code == 201
    assert ada.post("/api/account/delete", json={"password": "wrong password!"}).status_code == 403
    assert ada.post("/api/account/delete", json={"password": PASSWORD}).status_code == 204
    assert ada.get("/api/account").status_code == 401
    database = open_database(database_url)
    try:
        with database.sessions() as db:
            from retrostride.store.models import PersonRow, SessionRow

            assert db.scalar(select(AccountRow)) is None
            assert db.scalar(select(PersonRow)) is None
            assert db.scalar(select(SessionRow)) is None
    finally:
        database.close()
