"""The pages and the API over HTTP at 1k, 10k and 100k sessions: server CPU per request.

Run from the repository root::

    .venv/bin/python -m bench.core_http [--quick] [--backend sqlite|postgresql|both]
        [--duration 10] [--connections 16] [--workers 2] [--client auto|wrk|python]

Seeds, through the bulk-insert service (``services.sessions_bulk``), 1,000 people with 100
sessions each, then one person's log to 1,000, 10,000 and 100,000 sessions (a session every 7
hours back from now, one segment each). A uvicorn server (``retrostride.server:app_from_env``,
``--workers`` processes) runs on 127.0.0.1 and ``--connections`` connections load each of the
dashboard (``/athletes/me``), the sessions page (``/athletes/me/sessions?page=N&after=C``, the
"Older" link of page N - 1), the stats (``/api/athletes/me/stats?period=week|month|year``), the
energy page (``/energy?speed=..``), the API list by cursor (``?limit=50&after=C``) and by
offset (``?limit=50&offset=N``) and the API detail for ``--duration`` seconds each, rotating
people (the 1,000-people round), pages, periods, energy inputs and sessions over the whole
history, so no cache can answer. Every request carries the person's API token. The load comes
from ``wrk`` (Debian package ``wrk``, rotation by a Lua script) when installed, else from an
asyncio/httpx client in this process (bounded by ``--max-requests``); any non-2xx answer fails
the run.

Reported per page: requests a second, p50 and p99 latency, server CPU per request (all uvicorn
processes, from ``/proc``) and, on PostgreSQL, the database backends' CPU per request (the
connections of the bench's database, from ``/proc``), with the 1-minute load average. Goal:
at most 2 ms of server CPU (uvicorn plus database) per request at 100,000 sessions and at most
1.5x the figure at 1,000. PostgreSQL: ``RETROSTRIDE_TEST_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/test``) names the server; the bench creates its own
database there and drops it at the end. ``--quick``: 1,000 and 10,000 sessions, 50 people,
2 s per page, SQLite only unless ``--backend`` says otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import numpy as np

from bench.api import POSTGRES_ADMIN_URL, _cpu_s, _wrk_ms, start_server
from retrostride.log.model import Segment, Session
from retrostride.science.locomotion import Direction, Setting
from retrostride.services import sessions_bulk
from retrostride.services.accounts import AccountRules, create_api_token, register
from retrostride.services.database import Database, open_database
from retrostride.store import session_reads

SIZES = (1_000, 10_000, 100_000)
PEOPLE = 1_000
PEOPLE_SESSIONS = 100
ROTATION = 2_000
"""Distinct requests per page in one round (each connection walks the list from its own place)."""
GOAL_CPU_MS = 2.0
GOAL_FLAT = 1.5
FITTRACKEE_RPS = 74.0
FITTRACKEE_P99_MS = 303.0
PAGES = (
    "dashboard", "sessions page", "stats", "energy page", "API list", "API offset", "API detail"
)


@dataclass(slots=True)
class Person:
    token: str
    session_ids: list[int]
    """Newest first, as the list shows them."""
    starts: list[datetime]


def _after(person: Person, row: int) -> str:
    """The cursor after the person's ``row``-th session of the list (newest first)."""
    return quote(session_reads.cursor(person.starts[row], person.session_ids[row]))


def _sessions(count: int, first: int = 0) -> list[Session]:
    directions = (Direction.BACKWARD, Direction.FORWARD, Direction.UNKNOWN, Direction.MIXED)
    now = datetime.now(UTC).replace(microsecond=0)
    return [
        Session(
            sport="walking",
            start_utc=now - timedelta(hours=7 * i),
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


def _athlete(database: Database, email: str) -> tuple[int, str]:
    """A new athlete account with a read token: (person id, token)."""
    account = register(
        database,
        AccountRules(argon2_time_cost=1, argon2_memory_kib=1024),
        email=email, password="bench password 1", role="athlete",
    )
    _row, token = create_api_token(database, account.id, "bench", scope="read")
    assert account.person_id is not None
    return account.person_id, token


def _requests(page: str, people: list[Person], rng: np.random.Generator) -> list[tuple[str, int]]:
    """``ROTATION`` (path, person index) pairs for ``page``, spread over people and history."""
    out = []
    for k in range(ROTATION):
        who = k % len(people)
        ids = people[who].session_ids
        n_pages = max(1, -(-len(ids) // 25))
        if page == "dashboard":
            path = "/athletes/me"
        elif page == "sessions page":  # "Older" from page n - 1: after its last row
            n = int(rng.integers(2, n_pages + 1)) if n_pages > 1 else 1
            path = f"/athletes/me/sessions?page={n}"
            if n > 1:
                path += f"&after={_after(people[who], 25 * (n - 1) - 1)}"
        elif page == "stats":
            path = f"/api/athletes/me/stats?period={('week', 'month', 'year')[k % 3]}"
        elif page == "energy page":
            path = f"/energy?speed={3 + k % 40 / 10:.1f}&grade={k % 16 - 5}&setting=treadmill"
        elif page == "API list":  # the next page after any session: its cursor
            row = int(rng.integers(0, len(ids)))
            path = f"/api/athletes/me/sessions?limit=50&after={_after(people[who], row)}"
        elif page == "API offset":  # the same pages by offset: walks the index up to them
            path = f"/api/athletes/me/sessions?limit=50&offset={int(rng.integers(0, len(ids)))}"
        else:
            path = f"/api/athletes/me/sessions/{ids[int(rng.integers(0, len(ids)))]}?samples=false"
        out.append((path, who))
    return out


def _lua(requests: list[tuple[str, int]], tokens: list[str]) -> str:
    """A wrk script walking ``requests`` round, each thread from its own place."""
    tok = ",\n".join(f'"Bearer {t}"' for t in tokens)
    req = ",\n".join(f'{{"{p}", {who + 1}}}' for p, who in requests)
    return f"""
local tokens = {{{tok}}}
local reqs = {{{req}}}
local n = 0
function setup(thread)
  thread:set("first", n * 997)
  n = n + 1
end
function init(args)
  i = first or 0
end
function request()
  i = i % #reqs + 1
  local r = reqs[i]
  return wrk.format("GET", r[1], {{["Authorization"] = tokens[r[2]]}})
end
"""


def _load_wrk(
    base: str, requests: list[tuple[str, int]], tokens: list[str], args: argparse.Namespace,
    duration_s: int,
) -> dict[str, float]:
    import re

    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(_lua(requests, tokens))
    try:
        out = subprocess.run(
            ["wrk", "-t2", f"-c{args.connections}", f"-d{duration_s}s", "--latency",
             "--timeout", "30s", "-s", f.name, base],
            capture_output=True, text=True, check=True, timeout=duration_s + 60,
        ).stdout
    finally:
        os.unlink(f.name)
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(f"errors under load:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _wrk_ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _wrk_ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    done = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return {"rps": rps, "p50_ms": p50, "p99_ms": p99, "requests": done}


async def _python_load(
    base: str, requests: list[tuple[str, int]], tokens: list[str], args: argparse.Namespace,
    duration_s: float,
) -> dict[str, float]:
    import httpx

    latencies: list[float] = []
    deadline = time.perf_counter() + duration_s
    limits = httpx.Limits(max_connections=args.connections)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:

        async def worker(first: int) -> None:
            i = first
            while time.perf_counter() < deadline and len(latencies) < args.max_requests:
                path, who = requests[i % len(requests)]
                i += 1
                t0 = time.perf_counter()
                r = await client.get(path, headers={"Authorization": f"Bearer {tokens[who]}"})
                latencies.append(time.perf_counter() - t0)
                if r.status_code != 200:
                    raise RuntimeError(f"{path}: {r.status_code} {r.text[:200]}")

        started = time.perf_counter()
        await asyncio.gather(*(worker(997 * c) for c in range(args.connections)))
        elapsed = time.perf_counter() - started
    ms = np.array(latencies) * 1e3
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": float(np.percentile(ms, 50)),
        "p99_ms": float(np.percentile(ms, 99)),
        "requests": len(latencies),
    }


def _db_pids(url: str) -> list[int]:
    """The PostgreSQL backends serving the bench's database (none on SQLite)."""
    if url.startswith("sqlite"):
        return []
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchall()
    return [int(r[0]) for r in rows]


def _measure(
    base: str, url: str, server_pid: int, requests: list[tuple[str, int]], tokens: list[str],
    args: argparse.Namespace,
) -> dict[str, float]:
    use_wrk = args.client == "wrk" or (args.client == "auto" and shutil.which("wrk"))

    def run(duration: int) -> dict[str, float]:
        if use_wrk:
            return _load_wrk(base, requests, tokens, args, duration)
        return asyncio.run(_python_load(base, requests, tokens, args, duration))

    run(max(1, args.duration // 5))  # warm-up: connections open, statements compiled
    db0 = {pid: _cpu_s(pid) for pid in _db_pids(url)}
    cpu0 = _cpu_s(server_pid)
    result = run(args.duration)
    cpu = _cpu_s(server_pid) - cpu0
    db = sum(_cpu_s(pid) - db0.get(pid, 0.0) for pid in _db_pids(url))
    n = max(result.pop("requests"), 1.0)
    result["server_cpu_ms"] = cpu * 1e3 / n
    result["db_cpu_ms"] = db * 1e3 / n
    result["load_1min"] = os.getloadavg()[0]
    return result


def _print_row(backend: str, label: str, page: str, r: dict[str, float]) -> None:
    db = f" + db {r['db_cpu_ms']:5.2f}" if backend == "postgresql" else ""
    print(
        f"{backend:10s} {label:>16s} {page:13s} {r['rps']:7.0f} req/s  p50 {r['p50_ms']:6.1f} ms"
        f"  p99 {r['p99_ms']:6.1f} ms  server CPU {r['server_cpu_ms']:5.2f}{db} ms/request"
        f"  load {r['load_1min']:.1f}",
        flush=True,
    )


def run_backend(backend: str, args: argparse.Namespace) -> dict[tuple[str, str], dict[str, float]]:
    folder = Path(tempfile.mkdtemp(prefix="retrostride-bench-http-"))
    pg_name = None
    if backend == "sqlite":
        url = f"sqlite:///{folder / 'bench.sqlite'}"
    else:
        import psycopg

        pg_name = f"retrostride_bench_http_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{pg_name}"')
        url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{pg_name}"
    server = None
    results: dict[tuple[str, str], dict[str, float]] = {}
    rng = np.random.default_rng(12)
    try:
        database = open_database(url)
        try:
            t0 = time.perf_counter()
            crowd = []
            for k in range(args.people):
                pid, token = _athlete(database, f"person{k}@example.org")
                batch = _sessions(PEOPLE_SESSIONS, first=k)
                ids = sessions_bulk.add_sessions(database, pid, batch)
                starts = [s.start_utc for s in batch if s.start_utc is not None]
                crowd.append(Person(token, ids, starts))
            print(f"{backend}: {args.people} people x {PEOPLE_SESSIONS} sessions seeded in "
                  f"{time.perf_counter() - t0:.1f} s", flush=True)
            big_id, big_token = _athlete(database, "bench@example.org")
        finally:
            database.close()
        server, base = start_server(url, args.workers)
        rounds: list[tuple[str, list[Person], int]] = [
            (f"{args.people} people", crowd, 0)
        ]
        rounds += [
            (f"{size:,} sessions", [Person(big_token, [], [])], size) for size in args.sizes
        ]
        big_ids: list[int] = []
        big_starts: list[datetime] = []
        for label, people, size in rounds:
            if size:
                database = open_database(url)
                try:
                    t0 = time.perf_counter()
                    batch = _sessions(size - len(big_ids), first=len(big_ids))
                    big_ids += sessions_bulk.add_sessions(database, big_id, batch)
                    big_starts += [s.start_utc for s in batch if s.start_utc is not None]
                finally:
                    database.close()
                people[0].session_ids = big_ids
                people[0].starts = big_starts
                print(f"{backend}: one person's log at {size:,} sessions "
                      f"(+{len(batch):,} in {time.perf_counter() - t0:.1f} s)", flush=True)
            if not url.startswith("sqlite"):
                import psycopg

                with psycopg.connect(url, autocommit=True) as conn:  # autovacuum's steady state
                    conn.execute("VACUUM ANALYZE")
            tokens = [p.token for p in people]
            for page in PAGES:
                r = _measure(base, url, server.pid, _requests(page, people, rng), tokens, args)
                results[(label, page)] = r
                _print_row(backend, label, page, r)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
        if pg_name is not None:
            import psycopg

            with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
    return results


def _verdict(
    backend: str, results: dict[tuple[str, str], dict[str, float]], sizes: list[int]
) -> None:
    small, large = f"{sizes[0]:,} sessions", f"{sizes[-1]:,} sessions"
    print(f"\n{backend}: goal <= {GOAL_CPU_MS} ms server CPU/request at {large}, "
          f"<= {GOAL_FLAT}x the figure at {small}")
    for page in PAGES:
        a, b = results[(small, page)], results[(large, page)]
        cpu_a = a["server_cpu_ms"] + a["db_cpu_ms"]
        cpu_b = b["server_cpu_ms"] + b["db_cpu_ms"]
        ratio = cpu_b / cpu_a if cpu_a else float("nan")
        ok = cpu_b <= GOAL_CPU_MS and ratio <= GOAL_FLAT
        print(f"  {page:13s} {cpu_a:6.2f} -> {cpu_b:6.2f} ms ({ratio:4.2f}x)  "
              f"{'meets' if ok else 'MISSES'} the goal")
    for page in ("API list", "API offset"):
        ten = results.get(("10,000 sessions", page))
        if ten:
            print(f"  {page} at 10,000 sessions vs FitTrackee 1.3.6's workout list "
                  f"({FITTRACKEE_RPS:.0f} req/s, p99 {FITTRACKEE_P99_MS:.0f} ms): "
                  f"{ten['rps'] / FITTRACKEE_RPS:.1f}x the rate, "
                  f"{FITTRACKEE_P99_MS / ten['p99_ms']:.1f}x shorter p99")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.core_http", description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default=None)
    parser.add_argument("--quick", action="store_true",
                        help="1k and 10k sessions, 50 people, 2 s per page (SQLite by default)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=None, help="seconds per page (10)")
    parser.add_argument("--people", type=int, default=None, help=f"default {PEOPLE}")
    parser.add_argument("--max-requests", type=int, default=50_000, help="python client only")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    args = parser.parse_args(sys.argv[1:] if argv is None and __name__ == "__main__" else argv)
    args.backend = args.backend or ("sqlite" if args.quick else "both")
    args.duration = args.duration or (2 if args.quick else 10)
    args.people = args.people or (50 if args.quick else PEOPLE)
    args.sizes = list(SIZES[:2] if args.quick else SIZES)
    client = "wrk" if args.client != "python" and shutil.which("wrk") else "python (httpx)"
    print(f"bench.core_http: {args.connections} connections, {args.duration} s per page, "
          f"{args.workers} uvicorn workers, client {client}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}", flush=True)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    for backend in backends:
        _verdict(backend, run_backend(backend, args), args.sizes)
    print(f"load average now {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
