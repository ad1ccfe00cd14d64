"""A hand-entered session's speed, grade and load are bounded by ``science.limits``: the entry
(the entry service's check, the CLI's and the web form's) and the edit (the body's schema)."""

from __future__ import annotations

import pytest
from api_helpers import WALK, TestClient, signup

from retrostride.science import limits

STEP = 1e-6  # just outside a bound: far above the bounds' float rounding, far below any unit


def _refused_field(body: dict[str, object]) -> str:
    """The field a 422 names: the entry service's ``field``, or FastAPI's ``loc`` (last part)
    for a body whose schema refused it."""
    if body.get("code") == "invalid_input":
        return str(body["field"])
    detail = body["detail"]
    assert isinstance(detail, list), body
    return str(detail[0]["loc"][-1])


@pytest.mark.parametrize(
    ("field", "limit", "entry_limit"),
    [
        ("speed_m_s", limits.SPEED_M_S, limits.WALK_SPEED_M_S),  # the entry's: the sport's
        ("grade_percent", limits.GRADE_PERCENT, limits.GRADE_PERCENT),
        ("load_kg", limits.LOAD_KG, limits.LOAD_KG),
    ],
)
def test_just_outside_each_bound_is_refused_with_the_field(
    client: TestClient, field: str, limit: limits.Limit, entry_limit: limits.Limit
) -> None:
    ada = signup(client, "ada@example.org")
    for value in (entry_limit.high + STEP, entry_limit.low - STEP):
        r = ada.post("/api/athletes/me/sessions", json=WALK | {field: value})
        assert r.status_code == 422 and _refused_field(r.json()) == field, r.text
    for value in (entry_limit.high, entry_limit.low):
        r = ada.post("/api/athletes/me/sessions", json=WALK | {field: value})
        assert r.status_code == 201, r.text
    sid = ada.post("/api/athletes/me/sessions", json=WALK).json()["id"]
    r = ada.patch(f"/api/athletes/me/sessions/{sid}", json={field: limit.high + STEP})
    assert r.status_code == 422 and _refused_field(r.json()) == field, r.text
    r = ada.patch(f"/api/athletes/me/sessions/{sid}", json={field: limit.low})
    assert r.status_code == 200, r.text
