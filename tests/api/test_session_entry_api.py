"""The API's hand entry is the CLI's and the web form's: one service (``services.session_entry``),
the same checks, the same stored session; a refusal names the body's field."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from api_helpers import TestClient, signup
from typer.testing import CliRunner

from retrostride.cli import app as cli_app
from retrostride.errors import InputError
from retrostride.science import limits
from retrostride.science.locomotion import Direction, Setting
from retrostride.services.session_entry import SegmentEntry, SessionEntry, build_session

BODY: dict[str, Any] = {
    "sport": "walking",
    "start_utc": "2026-03-02T07:30:00+00:00",
    "utc_offset_s": 0,
    "elapsed_s": 1800,
    "speed_m_s": 1.25,
    "setting": "treadmill",
    "direction": "backward",
    "grade_percent": 5,
    "load_kg": 4,
    "rpe": 4,
    "pain_before": 2,
    "pain_after": 1,
    "surface": "firm",
    "title": "hill",
    "notes": "easy",
}
"""One segment as the API takes it; ``_entry`` is the same session as the service takes it."""

SAME_IN_THE_CLI = [
    "log", "--sport", "walking", "--start", "2026-03-02 07:30+00:00", "--duration", "1800s",
    "--speed", "1.25 m/s", "--setting", "treadmill", "--direction", "backward", "--grade", "5%",
    "--load", "4kg", "--rpe", "4", "--pain-before", "2", "--pain-after", "1", "--surface", "firm",
    "--title", "hill", "--notes", "easy",
]

NOT_THE_SESSION = {"id", "imported_at"}
"""What differs between two stored copies of one session: its id and when it was stored."""


def _entry(body: dict[str, Any]) -> SessionEntry:
    """The service's entry for an API body (what the route must build)."""
    return SessionEntry(
        sport=body["sport"],
        start_utc=datetime(2026, 3, 2, 7, 30, tzinfo=UTC),
        utc_offset_s=0,
        setting=Setting(body.get("setting", "overground")),
        rpe=body.get("rpe"),
        segments=(SegmentEntry(
            duration_s=body["elapsed_s"], moving_s=body.get("moving_s"),
            direction=Direction(body.get("direction", "unknown")),
            distance_m=body.get("distance_m"), speed_m_s=body.get("speed_m_s"),
            grade_percent=body.get("grade_percent"), load_kg=body.get("load_kg"),
            sled_kg=body.get("sled_kg"),
        ),),
    )


def test_the_same_session_through_the_api_and_the_cli_is_stored_the_same(
    client: TestClient, database_url: str
) -> None:
    ada = signup(client, "ada@example.org")
    mass = {"add_mass": {"on": "2026-01-01", "mass_kg": 70}}
    assert ada.patch("/api/athletes/me/profile", json=mass).status_code == 200
    created = ada.post("/api/athletes/me/sessions", json=BODY)
    assert created.status_code == 201, created.text
    through_api = ada.get(f"/api/athletes/me/sessions/{created.json()['id']}").json()

    runner = CliRunner()
    for args in (
        ["profile", "--mass", "70kg", "--on", "2026-01-01"],
        SAME_IN_THE_CLI,
        ["sessions", "--json"],
    ):
        result = runner.invoke(cli_app, [*args, "--database", database_url, "--person", "cli"])
        assert result.exit_code == 0, result.output
    (through_cli,) = json.loads(result.output)

    assert through_api["energy_kcal"] is not None
    # moving time, distance (speed x time) and energy: the service's, not a copy of its rules
    assert through_api["moving_s"] == pytest.approx(1800.0, rel=1e-12)
    assert through_api["distance_m"] == pytest.approx(2250.0, rel=1e-12)
    api_fields = {k: v for k, v in through_api.items() if k not in NOT_THE_SESSION | {"samples"}}
    cli_fields = {k: v for k, v in through_cli.items() if k not in NOT_THE_SESSION | {"samples"}}
    assert api_fields == cli_fields  # exact: one computation stored twice


FAST_WALK = limits.WALK_SPEED_M_S.high + 0.5
"""A walking speed the table refuses that the on-foot bound (12.5 m/s) accepts."""

CASES: list[dict[str, Any]] = [
    {},
    {"speed_m_s": FAST_WALK},
    {"sport": "running", "speed_m_s": FAST_WALK},
    {"sport": "cycling", "speed_m_s": 20.0},
    {"speed_m_s": -0.1},
    {"speed_m_s": None, "distance_m": 1800 * (limits.WALK_SPEED_M_S.high + 0.1)},
    {"speed_m_s": None, "distance_m": 3000, "moving_s": 600},
    {"speed_m_s": None, "distance_m": 3000, "moving_s": 900},
    {"speed_m_s": None, "distance_m": -1},
    {"moving_s": 1801},
    {"moving_s": 0},
    {"elapsed_s": 0},
    {"elapsed_s": limits.DURATION_S.high + 1},
    {"grade_percent": limits.GRADE_PERCENT.high + 1},
    {"load_kg": limits.LOAD_KG.low - 1},
    {"sled_kg": limits.SLED_KG.high + 1},
    {"rpe": 11},
]
"""Bodies around every bound of a hand-entered segment: accepted by one surface, accepted by all."""

BODY_NAME = {"duration_s": "elapsed_s"}


@pytest.mark.parametrize("change", CASES, ids=[json.dumps(c) for c in CASES])
def test_the_api_refuses_what_the_service_refuses_naming_the_field(
    client: TestClient, change: dict[str, Any]
) -> None:
    body = {k: v for k, v in (BODY | change).items() if v is not None}
    try:
        build_session(replace(_entry(body), rpe=body.get("rpe")))
        refused = None
    except InputError as exc:
        refused = exc
    ada = signup(client, "ada@example.org")
    r = ada.post("/api/athletes/me/sessions", json=body)
    if refused is None:
        assert r.status_code == 201, r.text
        return
    assert r.status_code == 422, r.text
    answer = r.json()
    assert answer["code"] == "invalid_input"
    assert answer["field"] == BODY_NAME.get(refused.field, refused.field)
    assert answer["expected"] == refused.expected
    assert refused.value_text in answer["detail"]  # the value, as the service words it
