"""Load on the web API over loopback: the session list (its default page of 50) and one
session's detail (with samples), with 10,000 sessions stored, on SQLite and on PostgreSQL.

Run from the repository root::

    .venv/bin/python -m bench.api [--backend sqlite|postgresql|both] [--sessions 10000]
        [--connections 16] [--duration 10] [--workers 2] [--client auto|wrk|python]

A uvicorn server (``retrostride.server:app_from_env``) is started in a subprocess on
127.0.0.1 with ``--workers`` processes; the load comes from ``wrk`` (Debian package ``wrk``)
when installed, else from an asyncio/httpx client in this process. Every request is
authenticated with an API token, as a script would. Prints requests a second and the 50th and
99th percentile latencies; any non-2xx answer fails the run. Requests are bounded by
``--duration`` seconds per endpoint (and ``--max-requests`` for the Python client).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import numpy as np

from bench._common import (
    bench_database,
    cpu_s,
    parse_wrk,
    percentiles,
    start_server,
    stop_server,
    use_wrk,
    vacuum_analyze,
)

GOAL_RPS = 500.0
GOAL_P99_MS = 50.0
SAMPLED_SESSIONS = 100
"""Sessions stored with 1 Hz samples for 30 minutes (the detail endpoint returns them)."""


def seed(url: str, n_sessions: int) -> tuple[str, int]:
    """A database at ``url`` with one athlete and ``n_sessions`` sessions; (token, a session id)."""
    from retrostride.log.model import Samples, Segment, Session
    from retrostride.science.locomotion import Direction, Setting
    from retrostride.services.accounts import AccountRules, create_api_token, register
    from retrostride.store import repository as repo
    from retrostride.store.db import open_database

    database = open_database(url)
    rng = np.random.default_rng(7)
    start = datetime(2020, 1, 1, 7, 0, tzinfo=UTC)
    detail_id = 0
    try:
        account = register(
            database, AccountRules(argon2_time_cost=1, argon2_memory_kib=1024),
            email="bench@example.org", password="bench password 1", role="athlete",
        )
        _row, token = create_api_token(database, account.id, "bench", scope="read")
        person_id = account.person_id
        assert person_id is not None
        for first in range(0, n_sessions, 1000):
            with database.transaction() as db:
                for i in range(first, min(first + 1000, n_sessions)):
                    samples = None
                    if i % (n_sessions // SAMPLED_SESSIONS or 1) == 0:
                        t = np.arange(1800, dtype=np.float64)
                        samples = Samples(
                            time_s=t,
                            distance_m=t * 1.1,
                            heart_rate_bpm=120 + rng.normal(0, 5, t.size),
                            cadence_spm=100 + rng.normal(0, 3, t.size),
                            speed_m_s=1.1 + rng.normal(0, 0.05, t.size),
                        )
                    session = Session(
                        sport="walking",
                        start_utc=start + timedelta(hours=8 * i),
                        utc_offset_s=3600,
                        elapsed_s=1800.0,
                        moving_s=1750.0,
                        distance_m=1900.0,
                        setting=Setting.TREADMILL,
                        title=f"retro walk {i}",
                        rpe=4.0,
                        segments=[
                            Segment(
                                start_offset_s=0.0, elapsed_s=1800.0, distance_m=1900.0,
                                direction=Direction.BACKWARD, speed_m_s=1.05, grade_percent=3.0,
                            )
                        ],
                        samples=samples,
                    )
                    row = repo.add_session(db, person_id, session)
                    if samples is not None:
                        detail_id = row.id
    finally:
        database.close()
    vacuum_analyze(url)
    return token, detail_id


def load_wrk(url: str, token: str, connections: int, duration_s: int) -> dict[str, float]:
    out = subprocess.run(
        [
            "wrk", "-t2", f"-c{connections}", f"-d{duration_s}s", "--latency",
            "-H", f"Authorization: Bearer {token}", url,
        ],
        capture_output=True, text=True, check=True, timeout=duration_s + 60,
    ).stdout
    result = parse_wrk(out)
    result.pop("requests")
    return result


async def _python_load(
    url: str, token: str, connections: int, duration_s: float, max_requests: int
) -> dict[str, float]:
    import httpx

    latencies: list[float] = []
    deadline = time.perf_counter() + duration_s
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, headers=headers, timeout=30) as client:

        async def worker() -> None:
            while time.perf_counter() < deadline and len(latencies) < max_requests:
                t0 = time.perf_counter()
                r = await client.get(url)
                latencies.append(time.perf_counter() - t0)
                if r.status_code != 200:
                    raise RuntimeError(f"{url}: {r.status_code} {r.text[:200]}")

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - started
    p50, p99 = percentiles([t * 1e3 for t in latencies])
    return {"rps": len(latencies) / elapsed, "p50_ms": p50, "p99_ms": p99}


def run_backend(backend: str, args: argparse.Namespace) -> list[tuple[str, str, dict[str, float]]]:
    rows = []
    with bench_database(backend, "bench-api") as url:
        t0 = time.perf_counter()
        token, detail_id = seed(url, args.sessions)
        print(f"{backend}: {args.sessions} sessions stored in {time.perf_counter() - t0:.1f} s",
              flush=True)
        server, base = start_server(url, args.workers)
        try:
            endpoints = {
                "list (page of 50)": f"{base}/api/athletes/me/sessions",
                "detail (1800 samples)": f"{base}/api/athletes/me/sessions/{detail_id}",
            }
            wrk = use_wrk(args.client)
            for name, endpoint in endpoints.items():
                if wrk:
                    load_wrk(endpoint, token, args.connections, 2)  # warm-up
                    cpu0, t0 = cpu_s(server.pid), time.perf_counter()
                    result = load_wrk(endpoint, token, args.connections, args.duration)
                else:
                    asyncio.run(_python_load(endpoint, token, args.connections, 2, 500))
                    cpu0, t0 = cpu_s(server.pid), time.perf_counter()
                    result = asyncio.run(
                        _python_load(
                            endpoint, token, args.connections, args.duration, args.max_requests
                        )
                    )
                requests = result["rps"] * (time.perf_counter() - t0)
                result["server_cpu_ms"] = (cpu_s(server.pid) - cpu0) * 1e3 / max(requests, 1.0)
                result["load_1min"] = os.getloadavg()[0]
                rows.append((backend, name, result))
                print(
                    f"{backend:10s} {name:22s} {result['rps']:8.0f} req/s   "
                    f"p50 {result['p50_ms']:6.1f} ms   p99 {result['p99_ms']:6.1f} ms   "
                    f"server CPU {result['server_cpu_ms']:5.2f} ms/request   "
                    f"load {result['load_1min']:.1f}",
                    flush=True,
                )
        finally:
            stop_server(server)
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.api", description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=10, help="seconds per endpoint")
    parser.add_argument("--max-requests", type=int, default=20_000, help="python client only")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    args = parser.parse_args(sys.argv[1:] if argv is None and __name__ == "__main__" else argv)
    client = "wrk" if use_wrk(args.client) else "python (httpx)"
    print(
        f"bench.api: {args.connections} connections, {args.duration} s per endpoint, "
        f"{args.workers} uvicorn workers, client {client}, {os.cpu_count()} CPUs"
    )
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    rows = [row for backend in backends for row in run_backend(backend, args)]
    print(f"\ngoal: >= {GOAL_RPS:.0f} req/s at p99 < {GOAL_P99_MS:.0f} ms")
    print("for scale (issue 6): FitTrackee 1.3.6 + PostgreSQL, 10,000 workouts, 16 connections:"
          " list 74 req/s (p99 303 ms), one workout 163 req/s (p99 132 ms)")
    load = os.getloadavg()[0]
    print(f"load average now {load:.1f} on {os.cpu_count()} CPUs (other work shares them)")
    for backend, name, r in rows:
        ok = r["rps"] >= GOAL_RPS and r["p99_ms"] < GOAL_P99_MS
        ceiling = (os.cpu_count() or 1) * 1e3 / r["server_cpu_ms"]
        print(
            f"  {backend:10s} {name:22s} {'meets' if ok else 'MISSES'} the goal; server CPU "
            f"{r['server_cpu_ms']:.2f} ms/request = at most {ceiling:.0f} req/s on all CPUs"
        )


if __name__ == "__main__":
    main()
