"""Two-factor login (TOTP with single-use recovery codes) and the athlete's access log, over HTTP.

Codes are computed with pyotp from the secret the setup keeps, at the present time step; no
test waits for the clock.
"""

from __future__ import annotations

import time
from typing import Any

import pyotp
import pytest
from api_helpers import PASSWORD, WALK, TestClient, share, signup
from sqlalchemy import select

from retrostride.services import accounts, two_factor
from retrostride.store.accounts import AccountRow, RecoveryCodeRow

LOGIN = "/api/auth/login"


def _turn_on(client: TestClient, account_id: int) -> tuple[str, list[str]]:
    database = client.app.state.database  # type: ignore[attr-defined]
    setup = two_factor.start(database, account_id)
    codes = two_factor.confirm(database, account_id, pyotp.TOTP(setup.secret).now())
    return setup.secret, codes


def _next_code(secret: str) -> str:
    """The code of the next time step (the setup's code used the present one; the drift of one
    step admits it)."""
    return str(pyotp.TOTP(secret).at(time.time() + two_factor.STEP_S))


def _login(
    client: TestClient, email: str, code: str | None = None, password: str = PASSWORD
) -> Any:
    body: dict[str, Any] = {"email": email, "password": password}
    if code is not None:
        body["code"] = code
    return TestClient(client.app).post(LOGIN, json=body)


def test_a_login_needs_the_code_once_two_factor_is_on(client: TestClient) -> None:
    doc = signup(client, "doc@example.org", "clinician")
    assert _login(client, "doc@example.org").status_code == 200  # off: the password suffices
    secret, codes = _turn_on(client, doc.id)
    assert len(codes) == two_factor.RECOVERY_CODES and len(set(codes)) == len(codes)

    asked = _login(client, "doc@example.org")
    assert asked.status_code == 401 and asked.json()["code"] == "second_factor_needed"
    assert "csrf_token" not in asked.text and "retrostride_session" not in asked.headers.get(
        "set-cookie", ""
    )
    now = _next_code(secret)
    wrong = _login(client, "doc@example.org", "000000" if now != "000000" else "111111")
    assert wrong.status_code == 401 and wrong.json()["code"] == "authentication_failed"
    # a wrong password with a right code is still refused
    assert _login(client, "doc@example.org", now, password="not the password").status_code == 401
    ok = _login(client, "doc@example.org", now)
    assert ok.status_code == 200, ok.text
    # the same code is never accepted twice
    assert _login(client, "doc@example.org", now).status_code == 401


def test_recovery_codes_are_single_use_and_hashed(client: TestClient) -> None:
    doc = signup(client, "doc@example.org", "clinician")
    _secret, codes = _turn_on(client, doc.id)
    database = client.app.state.database  # type: ignore[attr-defined]
    with database.sessions() as db:
        stored = set(db.scalars(select(RecoveryCodeRow.code_hash)))
        secret_row = db.scalar(select(AccountRow.totp_secret).where(AccountRow.id == doc.id))
    assert len(stored) == len(codes) and not stored & set(codes)  # only hashes are kept
    assert secret_row is not None
    first = _login(client, "doc@example.org", codes[0].upper())  # case and spaces do not matter
    assert first.status_code == 200, first.text
    assert _login(client, "doc@example.org", codes[0]).status_code == 401  # used up
    assert two_factor.recovery_codes_left(database, doc.id) == len(codes) - 1


def test_wrong_codes_lock_the_pair_and_a_right_password_does_not_unlock_it(
    client: TestClient,
) -> None:
    doc = signup(client, "doc@example.org", "clinician")
    secret, _codes = _turn_on(client, doc.id)
    now = _next_code(secret)
    bad = "999999" if now != "999999" else "888888"
    answers = []
    for _ in range(6):
        # each attempt with the right password: it must not clear the wrong codes' count
        answers.append(_login(client, "doc@example.org", bad).status_code)
    assert answers[:5] == [401] * 5 and answers[5] == 429, answers
    locked = _login(client, "doc@example.org", now)
    assert locked.status_code == 429 and locked.json()["code"] == "locked"


def test_an_athlete_sees_which_clinician_read_what(client: TestClient) -> None:
    ada = signup(client, "ada@example.org")
    doc = signup(client, "doc@example.org", "clinician")
    sid = ada.post("/api/athletes/me/sessions", json=WALK).json()["id"]
    share(ada, doc)
    assert ada.get("/api/athletes/me/sessions").status_code == 200  # one's own: not logged
    assert doc.get(f"/api/athletes/{ada.id}/sessions").status_code == 200
    assert doc.get(f"/api/athletes/{ada.id}/sessions/{sid}").status_code == 200
    assert doc.get(f"/api/athletes/{ada.id}/assessments").status_code == 200
    assert doc.post(f"/api/athletes/{ada.id}/sessions", json=WALK).status_code == 403  # read-only

    log = ada.get("/api/account/access-log").json()
    assert log["total"] == 3
    assert [(e["clinician_email"], e["method"], e["what"]) for e in log["items"]] == [
        ("doc@example.org", "GET", f"/api/athletes/{ada.id}/assessments"),
        ("doc@example.org", "GET", f"/api/athletes/{ada.id}/sessions/{sid}"),
        ("doc@example.org", "GET", f"/api/athletes/{ada.id}/sessions"),
    ]
    page = ada.get("/api/account/access-log", params={"limit": 2, "offset": 2}).json()
    assert page["total"] == 3 and len(page["items"]) == 1
    assert page["items"][0]["what"] == f"/api/athletes/{ada.id}/sessions"
    # the clinician's own log is empty: nobody read theirs
    assert doc.get("/api/account/access-log").json()["total"] == 0


def test_turning_two_factor_off_needs_the_password(client: TestClient) -> None:
    doc = signup(client, "doc@example.org", "clinician")
    _turn_on(client, doc.id)
    database = client.app.state.database  # type: ignore[attr-defined]
    rules = client.app.state.account_rules  # type: ignore[attr-defined]
    with pytest.raises(accounts.WrongPassword):
        accounts.turn_off_two_factor(database, rules, doc.id, "not the password")
    assert _login(client, "doc@example.org").status_code == 401  # still on
    accounts.turn_off_two_factor(database, rules, doc.id, PASSWORD)
    assert _login(client, "doc@example.org").status_code == 200  # the password suffices again
    assert two_factor.recovery_codes_left(database, doc.id) == 0
