"""Schemathesis against the OpenAPI description, with all its checks: every operation,
authenticated, a capped number of generated examples each, the documented examples, then the
stateful phase (links inferred from the description). Besides "no server error", every answer's
status code, content type, headers and body must be the ones the description declares, and a
request the description calls valid must be accepted. In-process over ASGI, on a SQLite file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from api_helpers import SCREENING_NO, WALK, TestClient, signup
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import load_all_checks
from schemathesis.specs.openapi.checks import positive_data_acceptance

from retrostride.api.settings import Settings
from retrostride.server import create_app

CALL_TIMEOUT_S = 300.0
"""Read timeout of each in-process call, far above any answer's time: this suite checks what the
API answers, not how fast (schemathesis' default of 10 s turned into failures on a loaded CI
machine; speed is measured by the benchmarks in bench/)."""

EXAMPLES = 25
"""Generated examples per operation: the cap that keeps this file under two minutes on 2 cores."""

FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure is reproducible
    database=None,  # never replay a saved example: the server's state differs between runs
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
)

ACCEPTANCE_BEYOND_THE_SCHEMA = {
    "POST /api/energy": "quantities given as text are read by the unit parser (speed, grade, "
    "mass, load, sled, duration), and some rules join fields (speed or speed_m_s; age, sex and "
    "height together; the load against the body mass)",
    "POST /api/athletes/{athlete_id}/assessments": "each measure has its own range and units, "
    "and some need the profile's birth year",
    "POST /api/athletes/{athlete_id}/gait-analyses": "a recording is recognised by its content, "
    "and the mounting's axes must be three distinct signed axes",
    "POST /api/athletes/{athlete_id}/sessions": "the speed's bound is the sport's (walking "
    "4.5 m/s, cycling 40 m/s), a distance must be coverable in the moving time at that speed, and "
    "the moving time is at most the elapsed time (the entry service the CLI and web form use)",
    "GET /api/athletes/{athlete_id}/sessions": "the date filter joins two fields: a `to` day "
    "before the `from` day is refused naming both",
}
"""Operations whose refusals (422, naming the field) follow rules a JSON Schema cannot state:
for them, and only them, a schema-valid request may be refused. Every other check holds."""


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """An application with one athlete (token below), some data, and a clinician sharing it."""
    folder: Path = tmp_path_factory.mktemp("fuzz")
    app = create_app(
        Settings(
            database_url=f"sqlite:///{folder / 'fuzz.sqlite'}",
            secure_cookies=False,
            argon2_time_cost=1,
            argon2_memory_kib=1024,
            max_upload_bytes=2_000_000,
            upload_dir=str(folder),
        )
    )
    client = TestClient(app)
    ada = signup(client, "fuzz@example.org")
    for _ in range(3):
        ada.post("/api/athletes/me/sessions", json=WALK)
    tug = {"measure": "tug", "on": "2026-03-01", "value": 9}
    ada.post("/api/athletes/me/assessments", json=tug)
    ada.post(
        "/api/athletes/me/enrolments",
        json={"program_id": "knee-oa", "start": "2026-03-02", "answers": SCREENING_NO},
    )
    token_id = ada.get("/api/account/tokens").json()[0]["id"]
    yield {"app": app, "headers": ada.headers, "token_id": token_id}
    app.state.job_workers.stop()


@pytest.fixture(scope="module")
def api_schema(fuzz_app: dict[str, Any]) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", fuzz_app["app"])


def _keep_access(case: Any, fuzz_app: dict[str, Any]) -> None:
    """The fuzzer may do anything except revoke the very token it authenticates with."""
    own = fuzz_app["token_id"]
    if (
        case.path == "/api/account/tokens/{token_id}"
        and case.method == "DELETE"
        and case.path_parameters
        and case.path_parameters.get("token_id") == own
    ):
        case.path_parameters["token_id"] = own + 10**6


def _label(operation: Any) -> str:
    return f"{operation.method.upper()} {operation.path}"


def _excluded(label: str) -> list[Any]:
    return [positive_data_acceptance] if label in ACCEPTANCE_BEYOND_THE_SCHEMA else []


def _operations(api_schema: Any, fuzz_app: dict[str, Any]) -> list[Any]:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == sum(
        len(v) for v in fuzz_app["app"].openapi()["paths"].values()
    )
    return operations


def _fuzz(operation: Any, fuzz_app: dict[str, Any], calls: dict[str, int]) -> None:
    label = _label(operation)

    @FUZZ_SETTINGS
    @given(case=operation.as_strategy())
    def fuzz(case: Any) -> None:
        _keep_access(case, fuzz_app)
        case.call_and_validate(
            headers=fuzz_app["headers"], excluded_checks=_excluded(label), timeout=CALL_TIMEOUT_S
        )
        calls[label] = calls.get(label, 0) + 1

    fuzz()


def test_every_operation_keeps_to_its_description(
    api_schema: Any, fuzz_app: dict[str, Any]
) -> None:
    """Every operation of the description, each with its own generated examples, all checks."""
    load_all_checks()
    operations = _operations(api_schema, fuzz_app)
    calls: dict[str, int] = {}
    for operation in operations:
        _fuzz(operation, fuzz_app, calls)
    # Every operation was called with at least EXAMPLES generated examples.
    assert len(calls) == len(operations)
    assert min(calls.values()) >= EXAMPLES, calls


def test_documented_examples_are_accepted(api_schema: Any, fuzz_app: dict[str, Any]) -> None:
    """The description's own examples (e.g. the example program id) pass every check, the
    acceptance of valid data included, for every operation."""
    load_all_checks()
    outcomes: dict[str, set[int]] = {}
    for operation in _operations(api_schema, fuzz_app):
        strategies = operation.get_strategies_from_examples()
        if not strategies:
            continue
        _documented(_label(operation), strategies, fuzz_app, outcomes)
    # The example program id starts a program (201), or finds it already started (409).
    assert outcomes["POST /api/athletes/{athlete_id}/enrolments"] <= {201, 409}, outcomes
    assert outcomes["GET /api/programs/{program_id}"] == {200}, outcomes
    assert len(outcomes) >= 5, outcomes


def _documented(
    label: str, strategies: list[Any], fuzz_app: dict[str, Any], outcomes: dict[str, set[int]]
) -> None:
    @settings(FUZZ_SETTINGS, max_examples=10, phases=[Phase.generate])
    @given(case=st.one_of(strategies))
    def documented(case: Any) -> None:
        _keep_access(case, fuzz_app)
        response = case.call_and_validate(
            headers=fuzz_app["headers"], excluded_checks=_excluded(label), timeout=CALL_TIMEOUT_S
        )
        outcomes.setdefault(label, set()).add(response.status_code)

    documented()


def _described(schema: dict[str, Any]) -> bool:
    """Whether a body schema says what is in it (not just "some object" or "anything")."""
    if "$ref" in schema or schema.get("properties"):
        return True
    if schema.get("type") == "array":
        return _described(schema.get("items", {}))
    return any(_described(s) for s in schema.get("anyOf", []))


def test_every_answer_declares_its_body(fuzz_app: dict[str, Any]) -> None:
    """Every operation declares each JSON answer's body (204 has none; files such as the
    calendar or a GPX track declare their media types)."""
    document = fuzz_app["app"].openapi()
    vague = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, answer in operation["responses"].items():
                content = answer.get("content", {})
                if status == "204" or (content and "application/json" not in content):
                    continue
                schema = content.get("application/json", {}).get("schema", {})
                if not _described(schema):
                    vague.append((method.upper(), path, status))
    assert vague == []


def test_stateful_keeps_to_the_description(api_schema: Any, fuzz_app: dict[str, Any]) -> None:
    base = api_schema.as_state_machine()
    steps: dict[str, int] = {}

    class Machine(base):  # type: ignore[misc, valid-type]
        def before_call(self, case: Any) -> None:
            _keep_access(case, fuzz_app)
            label = f"{case.method} {case.path}"
            steps[label] = steps.get(label, 0) + 1

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": fuzz_app["headers"], "timeout": CALL_TIMEOUT_S}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            label = f"{case.method.upper()} {case.path}"
            case.validate_response(
                response, headers=fuzz_app["headers"], excluded_checks=_excluded(label)
            )

    Machine.run(
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=6,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.generate],  # no shrinking: the server's state moves on between runs
        )
    )
    # The phase ran chains of linked calls (links inferred from the description), not nothing.
    assert sum(steps.values()) >= EXAMPLES, steps
    assert len(steps) >= 5, steps
