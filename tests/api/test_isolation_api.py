"""ISOLATION: every route of the OpenAPI description, called as a second athlete and as an
unrelated clinician, neither reads nor changes the first athlete's data.

The walk is driven by the application's own OpenAPI document, so a route added later is walked
too (and the test fails until it has a request body below, if it needs one).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from api_helpers import SCREENING_NO, WALK, Caller, TestClient, share, signup

MARKER = "ISOLATION-MARKER-7f3a"
EMAIL = "ada-private@example.org"

# A valid body for every operation that takes one (so that validation passes and the request
# reaches the privacy policy). Keys: (METHOD, path template).
BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/api/auth/register"): {"email": "newcomer@example.org", "password": "x" * 12},
    ("POST", "/api/auth/login"): {"email": EMAIL, "password": "wrong password!"},
    ("POST", "/api/auth/password-reset"): {"email": EMAIL},
    ("POST", "/api/auth/password-reset/confirm"): {"token": "nope", "new_password": "y" * 12},
    ("PATCH", "/api/account"): {"display_name": "intruder"},
    ("POST", "/api/account/password"): {
        "current_password": "wrong password!", "new_password": "z" * 12,
    },
    ("POST", "/api/account/delete"): {"password": "wrong password!"},
    ("POST", "/api/account/tokens"): {"name": "intruder", "scope": "read-write"},
    ("POST", "/api/admin/signup-codes"): {},
    ("POST", "/api/sharing/invites"): {"can_write": True},
    ("POST", "/api/sharing/redeem"): {"code": "AAAAA-BBBBB-CCCCC-DDDDD"},
    ("PATCH", "/api/sharing/grants/{grant_id}"): {"can_write": True},
    ("POST", "/api/energy"): {"speed": "5 km/h"},
    ("POST", "/api/athletes/{athlete_id}/sessions"): WALK,
    ("POST", "/api/athletes/{athlete_id}/safety-events"): {"session_id": 1, "event": "fall"},
    ("PATCH", "/api/athletes/{athlete_id}/sessions/{session_id}"): {"title": "hacked"},
    ("PATCH", "/api/athletes/{athlete_id}/profile"): {"height_m": 2.0},
    ("POST", "/api/athletes/{athlete_id}/enrolments"): {
        "program_id": "knee-oa", "start": "2026-03-02", "answers": SCREENING_NO,
        "replace": True,
    },
    ("POST", "/api/athletes/{athlete_id}/assessments"): {
        "measure": "tug", "on": "2026-03-01", "value": 30,
    },
}
MULTIPART = {
    ("POST", "/api/athletes/{athlete_id}/uploads"): "files",
    ("POST", "/api/athletes/{athlete_id}/gait-analyses"): "file",
}
# Path parameters that name the first athlete or one of their objects.
OWNED_PARAMS = {"athlete_id", "session_id", "job_id", "assessment_id", "invite_id", "grant_id",
                "token_id"}


def _snapshot(ada: Caller, ids: dict[str, Any]) -> dict[str, Any]:
    base = f"/api/athletes/{ids['athlete_id']}"
    urls = [
        "/api/account", "/api/account/tokens", "/api/sharing/invites", "/api/sharing/grants",
        f"{base}/sessions", f"{base}/sessions/{ids['session_id']}",
        f"{base}/sessions/{ids['samples_session_id']}", f"{base}/uploads",
        f"{base}/profile", f"{base}/assessments", f"{base}/program/status?day=2026-03-10",
    ]
    out = {}
    for url in urls:
        r = ada.get(url)
        assert r.status_code == 200, (url, r.text)
        out[url] = r.json()
    return out


def _setup(client: TestClient, fit: Path) -> tuple[Caller, dict[str, Any]]:
    ada = signup(client, EMAIL)
    doc = signup(client, "ada-physio@example.org", "clinician")
    grant_id = share(ada, doc)  # a legitimate grant to somebody else
    sid = ada.post("/api/athletes/me/sessions", json=WALK | {"title": MARKER}).json()["id"]
    with fit.open("rb") as handle:
        job = ada.post(
            "/api/athletes/me/uploads", params={"wait": "true"},
            files=[("files", ("walk.fit", handle, "application/octet-stream"))],
        ).json()
    aid = ada.post(
        "/api/athletes/me/assessments",
        json={"measure": "tug", "on": "2026-03-01", "value": 9.5, "notes": MARKER},
    ).json()["id"]
    r = ada.post(
        "/api/athletes/me/enrolments",
        json={"program_id": "knee-oa", "start": "2026-03-02", "answers": SCREENING_NO},
    )
    assert r.status_code == 201, r.text
    invite_id = ada.post("/api/sharing/invites", json={}).json()["id"]
    ids = {
        "athlete_id": ada.id, "session_id": sid, "samples_session_id": job["results"][0]
        ["session_ids"][0], "job_id": job["id"], "assessment_id": aid, "invite_id": invite_id,
        "grant_id": grant_id, "token_id": ada.get("/api/account/tokens").json()[0]["id"],
        "program_id": "knee-oa",
    }
    return ada, ids


def _call(intruder: Caller, method: str, template: str, ids: dict[str, Any], fit: Path) -> Any:
    url = template
    for name, value in ids.items():
        url = url.replace("{" + name + "}", str(value))
    assert "{" not in url, f"no value for a path parameter of {template}"
    key = (method, template)
    if key in MULTIPART:
        with fit.open("rb") as handle:
            files = [(MULTIPART[key], ("x.fit", handle, "application/octet-stream"))]
            return intruder.client.request(
                method, url, headers=intruder.headers, files=files, params={"wait": "true"}
            )
    body = BODIES.get(key)
    return intruder.client.request(
        method, url, headers=intruder.headers | {"Content-Type": "application/json"},
        content=None if body is None else json.dumps(body),
    )


def test_no_route_lets_others_read_or_change_an_athletes_data(
    client: TestClient, shared_data: Path
) -> None:
    fit = shared_data / "activity" / "fit" / "garmin-fenix-5-walk.fit"
    ada, ids = _setup(client, fit)
    before = _snapshot(ada, ids)
    intruders = {
        "second athlete": signup(client, "bob@example.org"),
        "unrelated clinician": signup(client, "eve@example.org", "clinician"),
    }
    document = client.app.openapi()  # type: ignore[attr-defined]
    walked = 0
    for method_paths in [document["paths"]]:
        for template, operations in method_paths.items():
            for method, operation in operations.items():
                method = method.upper()
                needs_body = "requestBody" in operation and operation["requestBody"].get(
                    "required", False
                )
                if needs_body:
                    assert (method, template) in BODIES or (method, template) in MULTIPART, (
                        f"give {method} {template} a body in BODIES"
                    )
                params = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
                for who, intruder in intruders.items():
                    r = _call(intruder, method, template, ids, fit)
                    walked += 1
                    assert r.status_code < 500, (who, method, template, r.text)
                    assert MARKER not in r.text, (who, method, template)
                    assert EMAIL not in r.text or template.startswith("/api/auth"), (
                        who, method, template,
                    )
                    if params & OWNED_PARAMS:
                        assert r.status_code in (403, 404), (who, method, template, r.status_code)
    assert walked == 2 * sum(len(ops) for ops in document["paths"].values())
    # Nothing of the first athlete's changed, and their token and grant still work.
    assert _snapshot(ada, ids) == before
