"""A hand-entered session's speed, grade and load are bounded by ``science.limits``."""

from __future__ import annotations

import pytest
from api_helpers import WALK, TestClient, signup

from retrostride.science import limits

STEP = 1e-6  # just outside a bound: far above the bounds' float rounding, far below any unit


def _refused_field(body: dict[str, object]) -> str:
    """The field a 422 names (FastAPI's ``loc``, last part)."""
    detail = body["detail"]
    assert isinstance(detail, list), body
    return str(detail[0]["loc"][-1])


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("speed_m_s", limits.SPEED_M_S),
        ("grade_percent", limits.GRADE_PERCENT),
        ("load_kg", limits.LOAD_KG),
    ],
)
def test_just_outside_each_bound_is_refused_with_the_field(
    client: TestClient, field: str, limit: limits.Limit
) -> None:
    ada = signup(client, "ada@example.org")
    for value in (limit.high + STEP, limit.low - STEP):
        r = ada.post("/api/athletes/me/sessions", json=WALK | {field: value})
        assert r.status_code == 422 and _refused_field(r.json()) == field, r.text
    sid = ada.post("/api/athletes/me/sessions", json=WALK).json()["id"]
    r = ada.patch(f"/api/athletes/me/sessions/{sid}", json={field: limit.high + STEP})
    assert r.status_code == 422 and _refused_field(r.json()) == field, r.text
    r = ada.patch(f"/api/athletes/me/sessions/{sid}", json={field: limit.low})
    assert r.status_code == 200, r.text
