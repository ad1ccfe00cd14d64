"""What the benches share: the seeded log, the bench's own database, the server under load,
CPU readings from ``/proc`` and percentiles.

Used by :mod:`bench.core` (the services in process), :mod:`bench.core_http` (the pages and the
API over HTTP at 1k, 10k and 100k sessions) and :mod:`bench.api` (the API list and detail).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from retrostride.log.model import Session
    from retrostride.services.database import Database

POSTGRES_ADMIN_URL = os.environ.get(
    "RETROSTRIDE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
"""A PostgreSQL server the benches may create (and drop) their own databases on."""
SERVER_APP = "retrostride.server:app_from_env"


def bench_sessions(count: int, first: int = 0, *, hours_apart: int = 7) -> list[Session]:
    """``count`` walking sessions, the ``first``-th one starting now and each next one
    ``hours_apart`` hours earlier, one segment each with rotating directions (backward,
    forward, unknown, mixed): the log every bench seeds through ``services.sessions_bulk``."""
    from retrostride.log.model import Segment, Session
    from retrostride.science.locomotion import Direction, Setting

    directions = (Direction.BACKWARD, Direction.FORWARD, Direction.UNKNOWN, Direction.MIXED)
    now = datetime.now(UTC).replace(microsecond=0)
    return [
        Session(
            sport="walking",
            start_utc=now - timedelta(hours=hours_apart * i),
            utc_offset_s=3600,
            elapsed_s=1200.0 + i % 600,
            moving_s=1100.0 + i % 500,
            distance_m=1000.0 + i % 900,
            setting=Setting.TREADMILL,
            energy_kcal=80.0 + i % 50,
            segments=[
                Segment(
                    start_offset_s=0.0, elapsed_s=1200.0 + i % 600, direction=directions[i % 4],
                    speed_m_s=0.9, grade_percent=5.0,
                )
            ],
        )
        for i in range(first, first + count)
    ]


def athlete(database: Database, email: str) -> tuple[int, str, str]:
    """A new athlete account (cheap argon2) with a read API token: (person id, token, the
    person's name in the log)."""
    from retrostride.services.accounts import (
        AccountRules,
        create_api_token,
        person_name,
        register,
    )

    account = register(
        database,
        AccountRules(argon2_time_cost=1, argon2_memory_kib=1024),
        email=email, password="bench password 1", role="athlete",
    )
    _row, token = create_api_token(database, account.id, "bench", scope="read")
    name = person_name(database, account.id)
    assert account.person_id is not None and name is not None
    return account.person_id, token, name


@contextlib.contextmanager
def bench_database(backend: str, prefix: str) -> Iterator[str]:
    """The URL of an empty database of its own for one bench run, removed afterwards:
    a SQLite file in a temporary folder, or a new database on :data:`POSTGRES_ADMIN_URL`."""
    folder = Path(tempfile.mkdtemp(prefix=f"retrostride-{prefix}-"))
    pg_name = None
    try:
        if backend == "sqlite":
            yield f"sqlite:///{folder / 'bench.sqlite'}"
        else:
            import psycopg

            pg_name = f"retrostride_{prefix.replace('-', '_')}_{uuid.uuid4().hex[:10]}"
            with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{pg_name}"')
            yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{pg_name}"
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if pg_name is not None:
            import psycopg

            with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


def vacuum_analyze(url: str) -> None:
    """PostgreSQL: the steady state autovacuum reaches within a minute of a bulk insert
    (planner statistics and the visibility map up to date). Nothing on SQLite."""
    if url.startswith("sqlite"):
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    """uvicorn serving :data:`SERVER_APP` on ``url`` on a free loopback port: (process,
    base URL), once it answers."""
    port = free_port()
    env = dict(os.environ, RETROSTRIDE_DATABASE_URL=url, RETROSTRIDE_SECURE_COOKIES="false")
    server = subprocess.Popen(
        [
            sys.executable, "-m", "uvicorn", SERVER_APP, "--factory",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
            "--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            with urllib.request.urlopen(f"{base}/openapi.json", timeout=2):
                return server, base
        except OSError:
            if server.poll() is not None:
                raise RuntimeError("the server did not start") from None
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("the server did not answer within 60 s")


def stop_server(server: subprocess.Popen[bytes] | None) -> None:
    if server is not None:
        server.terminate()
        server.wait(timeout=30)


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of process ``pid`` and its live children (Linux /proc)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / tick
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += cpu_s(int(child))
    except (OSError, IndexError, ValueError):
        pass
    return total


def percentiles(ms: Sequence[float]) -> tuple[float, float]:
    """(p50, p99) of latencies [ms]."""
    values = np.asarray(ms, dtype=float)
    return float(np.percentile(values, 50)), float(np.percentile(values, 99))


def wrk_ms(text: str) -> float:
    """A wrk latency (``812.00us``, ``3.21ms``, ``1.02s``) in ms."""
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]


def parse_wrk(out: str) -> dict[str, float]:
    """Requests a second, p50 and p99 [ms] and the requests done, from ``wrk --latency``'s
    report; any non-2xx answer or socket error fails the run."""
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(f"errors under load:\n{out}")

    def find(pattern: str) -> str:
        match = re.search(pattern, out)
        if match is None:
            raise RuntimeError(f"unexpected wrk report:\n{out}")
        return match.group(1)

    return {
        "rps": float(find(r"Requests/sec:\s+([\d.]+)")),
        "p50_ms": wrk_ms(find(r"\s50%\s+(\S+)")),
        "p99_ms": wrk_ms(find(r"\s99%\s+(\S+)")),
        "requests": int(find(r"(\d+) requests in")),
    }


def use_wrk(client: str) -> bool:
    """Whether the load comes from wrk (``--client auto`` when it is installed)."""
    return client == "wrk" or (client == "auto" and shutil.which("wrk") is not None)
