"""Credentials end when they should, and auth cannot be turned against its owner or the server.

Issue 17, item 2 and 3: a password change or reset ends the other logins and every API token;
tokens carry a scope; tokens neither make nor revoke tokens; argon2 runs outside any database
transaction; lockout is per (address, client address) pair and grows; registration and reset
requests are limited per client, in the database (so across worker processes).
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from api_helpers import PASSWORD, WALK, TestClient, signup
from argon2 import PasswordHasher
from sqlalchemy import select, update

from retrostride.api.settings import Settings
from retrostride.server import create_app
from retrostride.store.accounts import LoginThrottleRow, MailOutboxRow
from retrostride.store.db import open_database, utc_now

NEW_PASSWORD = "a brand new passphrase"


def _browser(client: TestClient, email: str, password: str = PASSWORD, **kw: Any) -> TestClient:
    """A browser logged in to ``email``; its CSRF token is in ``headers``."""
    browser = TestClient(client.app, **kw)
    r = browser.post("/api/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    browser.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return browser


def _token(browser: TestClient, scope: str) -> dict[str, str]:
    r = browser.post("/api/account/tokens", json={"name": scope, "scope": scope})
    assert r.status_code == 201, r.text
    assert r.json()["scope"] == scope
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_password_change_ends_other_logins_and_every_token(client: TestClient) -> None:
    ada = signup(client, "ada@example.org")
    here, elsewhere = _browser(client, ada.account["email"]), _browser(client, "ada@example.org")
    read_token = _token(here, "read")
    r = here.post(
        "/api/account/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert r.status_code == 204, r.text
    assert here.get("/api/account").status_code == 200  # the login that asked stays
    assert elsewhere.get("/api/account").status_code == 401
    assert ada.get("/api/account").status_code == 401  # read-write token of signup()
    assert client.get("/api/account", headers=read_token).status_code == 401


def test_password_reset_ends_every_login_and_token(client: TestClient, database_url: str) -> None:
    ada = signup(client, "ada@example.org")
    browser = _browser(client, "ada@example.org")
    r = client.post("/api/auth/password-reset", json={"email": "ada@example.org"})
    assert r.status_code == 202
    database = open_database(database_url)
    try:
        with database.sessions() as db:
            body = db.scalars(select(MailOutboxRow.body)).one()
    finally:
        database.close()
    token = re.search(r"token=([\w\-]+)", body).group(1)  # type: ignore[union-attr]
    r = client.post(
        "/api/auth/password-reset/confirm", json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert r.status_code == 204
    assert browser.get("/api/account").status_code == 401
    assert ada.get("/api/account").status_code == 401


def test_token_scope_is_chosen_at_creation_and_read_tokens_only_read(client: TestClient) -> None:
    ada = signup(client, "ada@example.org")
    browser = _browser(client, "ada@example.org")
    r = browser.post("/api/account/tokens", json={"name": "no scope"})
    assert r.status_code == 422  # the scope is a choice, never a default
    read = _token(browser, "read")
    assert client.get("/api/athletes/me/sessions", headers=read).status_code == 200
    assert client.post("/api/energy", json={"speed": "5 km/h"}, headers=read).status_code == 200
    refused = client.post("/api/athletes/me/sessions", json=WALK, headers=read)
    assert refused.status_code == 403 and "read" in refused.json()["detail"]
    assert client.patch("/api/account", json={"display_name": "x"}, headers=read).status_code == 403
    listed = {t["name"]: t["scope"] for t in ada.get("/api/account/tokens").json()}
    assert listed == {"tests": "read-write", "read": "read"}


def test_a_token_neither_makes_nor_revokes_tokens(client: TestClient) -> None:
    ada = signup(client, "ada@example.org")
    r = ada.post("/api/account/tokens", json={"name": "minted", "scope": "read-write"})
    assert r.status_code == 403
    token_id = ada.get("/api/account/tokens").json()[0]["id"]
    assert ada.delete(f"/api/account/tokens/{token_id}").status_code == 403
    assert ada.get("/api/account").status_code == 200


def test_argon2_never_runs_inside_a_database_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each argon2 call probes the SQLite write lock from another connection (no waiting)."""
    path = tmp_path / "retrostride.sqlite"
    settings = Settings(
        database_url=f"sqlite:///{path}", secure_cookies=False, argon2_time_cost=1,
        argon2_memory_kib=1024,
    )
    client = TestClient(create_app(settings))
    client.__enter__()
    held: list[str] = []

    def probe(what: str) -> None:
        conn = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
        except sqlite3.OperationalError:
            held.append(what)
        finally:
            conn.close()

    real_hash, real_verify = PasswordHasher.hash, PasswordHasher.verify

    def hash_(self: PasswordHasher, password: str | bytes, **kw: Any) -> str:
        probe("hash")
        return real_hash(self, password, **kw)

    def verify(self: PasswordHasher, hash: str | bytes, password: str | bytes) -> bool:
        probe("verify")
        return real_verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "hash", hash_)
    monkeypatch.setattr(PasswordHasher, "verify", verify)
    try:
        body = {"email": "ada@example.org", "password": PASSWORD}
        assert client.post("/api/auth/register", json=body | {"role": "athlete"}).status_code == 201
        wrong = {"email": "ada@example.org", "password": "wrong password!"}
        assert client.post("/api/auth/login", json=wrong).status_code == 401
        r = client.post("/api/auth/login", json=body)
        assert r.status_code == 200
        client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        r = client.post(
            "/api/account/password",
            json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        )
        assert r.status_code == 204
    finally:
        client.__exit__(None, None, None)
    assert held == []


def test_a_stranger_cannot_lock_the_owner_out(app_factory: Any) -> None:
    client = app_factory(login_max_failures=3)
    signup(client, "ada@example.org")
    stranger = TestClient(client.app, client=("203.0.113.7", 4000))
    wrong = {"email": "ada@example.org", "password": "wrong password!"}
    codes = [stranger.post("/api/auth/login", json=wrong).status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    owner = TestClient(client.app, client=("198.51.100.2", 4000))
    r = owner.post("/api/auth/login", json={"email": "ada@example.org", "password": PASSWORD})
    assert r.status_code == 200


def test_each_lockout_of_a_pair_lasts_longer(app_factory: Any, database_url: str) -> None:
    client = app_factory(login_max_failures=2, lockout_s=100)
    wrong = {"email": "ada@example.org", "password": "wrong password!"}

    def lock() -> int:
        for _ in range(2):
            assert client.post("/api/auth/login", json=wrong).status_code == 401
        r = client.post("/api/auth/login", json=wrong)
        assert r.status_code == 429
        return int(r.headers["Retry-After"])

    first = lock()
    database = open_database(database_url)
    try:  # the first lockout is over (moved into the past rather than waited for)
        with database.transaction() as db:
            db.execute(update(LoginThrottleRow).values(locked_until=utc_now()))
    finally:
        database.close()
    second = lock()
    assert 90 <= first <= 101 and 190 <= second <= 201


def test_registration_and_reset_requests_are_limited_per_client(app_factory: Any) -> None:
    client = app_factory()
    client.app.state.account_rules = type(client.app.state.account_rules)(
        argon2_time_cost=1, argon2_memory_kib=1024, register_rate_per_hour=2,
        reset_rate_per_hour=2,
    )
    codes = [
        client.post(
            "/api/auth/register",
            json={"email": f"n{i}@example.org", "password": PASSWORD, "role": "athlete"},
        ).status_code
        for i in range(3)
    ]
    assert codes == [201, 201, 429]
    resets = [
        client.post("/api/auth/password-reset", json={"email": "n0@example.org"}).status_code
        for _ in range(3)
    ]
    assert resets == [202, 202, 429]
    other = TestClient(client.app, client=("198.51.100.2", 4000))
    r = other.post(
        "/api/auth/register",
        json={"email": "n9@example.org", "password": PASSWORD, "role": "athlete"},
    )
    assert r.status_code == 201


def test_the_login_limit_holds_across_worker_processes(app_factory: Any) -> None:
    """Two applications on one database stand for two workers (or two servers)."""
    workers = [app_factory(login_rate_per_minute=3), app_factory(login_rate_per_minute=3)]
    body = {"email": "x@example.org", "password": "wrong password!"}
    codes = [workers[i % 2].post("/api/auth/login", json=body).status_code for i in range(4)]
    assert codes == [401, 401, 401, 429]
