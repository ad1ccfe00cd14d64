"""Schemathesis against the OpenAPI description: every operation, authenticated, at least 50
generated examples each, then the stateful phase (links inferred from the description); no
request may produce a server error. In-process over ASGI, on a SQLite file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from api_helpers import SCREENING_NO, WALK, TestClient, signup
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error

from retrostride.api.app import create_app
from retrostride.api.settings import Settings

EXAMPLES = 50
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure is reproducible
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
)


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


def _fuzz(operation: Any, fuzz_app: dict[str, Any], calls: dict[str, int]) -> None:
    label = f"{operation.method.upper()} {operation.path}"

    @FUZZ_SETTINGS
    @given(case=operation.as_strategy())
    def fuzz(case: Any) -> None:
        _keep_access(case, fuzz_app)
        case.call_and_validate(headers=fuzz_app["headers"], checks=[not_a_server_error])
        calls[label] = calls.get(label, 0) + 1

    fuzz()


def test_no_operation_gives_a_server_error(api_schema: Any, fuzz_app: dict[str, Any]) -> None:
    """Every operation of the description, each with its own generated examples."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == sum(
        len(v) for v in fuzz_app["app"].openapi()["paths"].values()
    )
    calls: dict[str, int] = {}
    for operation in operations:
        _fuzz(operation, fuzz_app, calls)
    # Every operation was called with at least EXAMPLES generated examples.
    assert len(calls) == len(operations)
    assert min(calls.values()) >= EXAMPLES, calls


def test_stateful_no_server_error(api_schema: Any, fuzz_app: dict[str, Any]) -> None:
    base = api_schema.as_state_machine()
    steps: dict[str, int] = {}

    class Machine(base):  # type: ignore[misc, valid-type]
        def before_call(self, case: Any) -> None:
            _keep_access(case, fuzz_app)
            label = f"{case.method} {case.path}"
            steps[label] = steps.get(label, 0) + 1

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": fuzz_app["headers"]}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            not_a_server_error_case(response, case)

    Machine.run(
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=6,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )
    # The phase ran chains of linked calls (links inferred from the description), not nothing.
    assert sum(steps.values()) >= EXAMPLES, steps
    assert len(steps) >= 5, steps


def not_a_server_error_case(response: Any, case: Any) -> None:
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
