"""Fixtures shared by the whole suite: real data, real databases.

Tests that need ``../shared/data`` or the PostgreSQL server skip with the reason when those are
missing, except under ``CI=true``, where nothing may be skipped: there they fail loudly.

Floats are compared with a stated tolerance (``numpy.testing.assert_allclose`` with ``rtol`` and
``atol``, ``assert_array_max_ulp``, ``pytest.approx`` with ``rel`` or ``abs``), never with ``==``:
numpy's vector and scalar paths, arrays of different lengths and different CPUs' SIMD loops (e.g.
AVX-512) may differ in the last bit. Two computations of the same quantity agree to float
rounding (typically ``rel=1e-12``); a published figure to its printed rounding. Exact comparisons
are kept, with a note where not obvious, only for exact storage (database and export round
trips, bit for bit), table values (a Compendium row's printed MET) and numbers copied verbatim
from the input.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("RETROSTRIDE_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
POSTGRES_ADMIN_URL = os.environ.get(
    "RETROSTRIDE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason: str) -> None:
    """Skip a test for a missing system part; under CI=true, fail instead."""
    if IN_CI:
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real device files and recordings (``../shared/data``)."""
    if not (SHARED_DATA / "README.md").is_file():
        skip_or_fail(f"the real data folder {SHARED_DATA} is missing")
    return SHARED_DATA


def _postgres_reachable() -> str | None:
    try:
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return None
    except Exception as exc:
        return f"PostgreSQL at {POSTGRES_ADMIN_URL} is unreachable ({exc.__class__.__name__})"


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """URL of the PostgreSQL server's admin database; skips (fails in CI) when unreachable."""
    problem = _postgres_reachable()
    if problem:
        skip_or_fail(problem)
    return POSTGRES_ADMIN_URL


@pytest.fixture
def postgres_url(postgres_admin_url: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards (SQLAlchemy URL)."""
    import psycopg

    name = f"retrostride_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = postgres_admin_url.rsplit("/", 1)[0]
    try:
        yield f"{base.replace('postgresql://', 'postgresql+psycopg://', 1)}/{name}"
    finally:
        with psycopg.connect(postgres_admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using it runs twice: on a SQLite file and on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'retrostride.sqlite'}"
    return str(request.getfixturevalue("postgres_url"))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    skipped = terminalreporter.stats.get("skipped", [])
    if IN_CI and skipped:
        terminalreporter.write_line(
            f"CI=true: {len(skipped)} test(s) skipped; nothing may be skipped in CI", red=True
        )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if IN_CI and reporter is not None and reporter.stats.get("skipped"):
        session.exitstatus = 1
