"""Helpers of the API tests: callers with accounts, sharing, a sample session."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with")
    from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"


@dataclass
class Caller:
    """An account with an API token (``headers``) on ``client``."""

    client: TestClient
    account: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return int(self.account["id"])

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, headers=self.headers | kw.pop("headers", {}), **kw)

    def post(self, url: str, **kw: Any) -> Any:
        return self.client.post(url, headers=self.headers | kw.pop("headers", {}), **kw)

    def patch(self, url: str, **kw: Any) -> Any:
        return self.client.patch(url, headers=self.headers | kw.pop("headers", {}), **kw)

    def delete(self, url: str, **kw: Any) -> Any:
        return self.client.delete(url, headers=self.headers | kw.pop("headers", {}), **kw)


def signup(client: TestClient, email: str, role: str = "athlete") -> Caller:
    """Register, log in and create an API token; returns the caller using the token."""
    r = client.post(
        "/api/auth/register", json={"email": email, "password": PASSWORD, "role": role}
    )
    assert r.status_code == 201, r.text
    token_client = TestClient(client.app)
    r = token_client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    csrf = r.json()["csrf_token"]
    r = token_client.post(
        "/api/account/tokens",
        json={"name": "tests", "scope": "read-write"},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 201, r.text
    headers = {"Authorization": f"Bearer {r.json()['token']}"}
    bare = TestClient(client.app)
    me = bare.get("/api/account", headers=headers)
    assert me.status_code == 200, me.text
    return Caller(bare, me.json(), headers)


def share(athlete: Caller, clinician: Caller, *, can_write: bool = False) -> int:
    """The athlete invites the clinician, who accepts; returns the grant's id."""
    r = athlete.post("/api/sharing/invites", json={"can_write": can_write})
    assert r.status_code == 201, r.text
    r = clinician.post("/api/sharing/redeem", json={"code": r.json()["code"]})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


WALK = {
    "sport": "walking",
    "start_utc": "2026-03-02T07:30:00+00:00",
    "elapsed_s": 1800,
    "distance_m": 1800,
    "setting": "treadmill",
    "direction": "backward",
    "grade_percent": 5,
    "rpe": 4,
    "pain_before": 3,
    "pain_after": 2,
}


SCREENING_NO = {
    q: False
    for q in (
        "heart", "chest-pain", "dizziness", "falls", "fear-of-falling", "balance", "recent-surgery",
        "vision-hearing", "joint-worse", "pregnant", "other-condition",
    )
}
"""Every screening question answered no (see GET /api/programs/screening)."""
