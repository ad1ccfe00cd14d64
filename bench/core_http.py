"""The pages and the API over HTTP at 1k, 10k and 100k sessions: server CPU per request.

Run from the repository root::

    .venv/bin/python -m bench.core_http [--quick] [--backend sqlite|postgresql|both]
        [--duration 10] [--connections 16] [--workers 2] [--client auto|wrk|python]
        [--sizes 1000,10000,100000] [--pages dashboard,calendar,...]

Seeds, through the bulk-insert service (``services.sessions_bulk``), 1,000 people with 100
sessions each, then one person's log to 1,000, 10,000 and 100,000 sessions (a session every 7
hours back from now, one segment each; that person is also on a program since 3 weeks ago,
with six assessments). A uvicorn server (``retrostride.server:app_from_env``, ``--workers``
processes) runs on 127.0.0.1 and ``--connections`` connections load each page for
``--duration`` seconds: the dashboard (``/athletes/me``), the sessions page
(``/athletes/me/sessions?page=N&after=C``, the "Older" link of page N - 1), the stats
(``/api/athletes/me/stats?period=week|month|year``), the energy page (``/energy?speed=..``),
the API list by cursor (``?limit=50&after=C``) and by the deprecated offset
(``?limit=50&offset=N``), the API detail, and the pages with charts: a session's page, the
calendar, the totals (``?period=week|month|year``), the records, the assessments and the
program. Rotated per request: people (the 1,000-people round), pages, periods, energy inputs
and sessions over the whole history, so no cache can answer. Every request carries the
person's API token. The load comes from ``wrk`` (Debian package ``wrk``, rotation by a Lua
script) when installed, else from an asyncio/httpx client in this process (bounded by
``--max-requests``); any non-2xx answer fails the run.

Reported per page: requests a second, p50 and p99 latency, server CPU per request (all uvicorn
processes, from ``/proc``) and, on PostgreSQL, the database backends' CPU per request (the
connections of the bench's database, from ``/proc``), with the 1-minute load average. Goal:
at most 2 ms of server CPU (uvicorn plus database) per request at 100,000 sessions and at most
1.5x the figure at 1,000. PostgreSQL: ``RETROSTRIDE_TEST_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/test``) names the server; the bench creates its own
database there and drops it at the end. ``--quick``: 1,000 and 10,000 sessions (unless
``--sizes`` says otherwise), 50 people, 2 s per page, SQLite only unless ``--backend`` says
otherwise. Seeding and the server, CPU and percentile helpers are :mod:`bench._common`'s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import quote

import numpy as np

from bench._common import (
    POSTGRES_ADMIN_URL,
    athlete,
    bench_database,
    bench_sessions,
    cpu_s,
    parse_wrk,
    percentiles,
    start_server,
    stop_server,
    use_wrk,
    vacuum_analyze,
)
from retrostride.services import assessments, programs, sessions_bulk
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
    "dashboard", "sessions page", "stats", "energy page", "API list", "API offset", "API detail",
    "session page", "calendar", "totals", "records", "assessments", "program",
)
"""The pages with charts (a session's page, calendar, totals, records, assessments, program)
last; the program and assessments pages show the one person's program (enrolled 3 weeks
before the run) and assessments (6), the 1,000 people have none."""
PROGRAM = "knee-oa"



@dataclass(slots=True)
class Person:
    token: str
    session_ids: list[int]
    """Newest first, as the list shows them."""
    starts: list[datetime]


def _after(person: Person, row: int) -> str:
    """The cursor after the person's ``row``-th session of the list (newest first)."""
    return quote(session_reads.cursor(person.starts[row], person.session_ids[row]))


def _enrol(database: Database, person_name: str) -> None:
    """The person on a program since 3 weeks ago, with six assessments (the program and
    assessments pages then show their charts)."""
    today = date.today()
    answers = {q.id: False for q in programs.screening_questions()}
    programs.enrol(database, PROGRAM, today - timedelta(weeks=3), answers, person=person_name)
    for weeks, pain, tug in ((3, 6.0, 10.0), (2, 5.0, 9.5), (0, 4.0, 9.0)):
        on = today - timedelta(weeks=weeks)
        assessments.add_assessment(database, "nrs_pain", on, pain, person=person_name)
        assessments.add_assessment(database, "tug", on, tug, person=person_name)


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
        elif page == "API detail":
            path = f"/api/athletes/me/sessions/{ids[int(rng.integers(0, len(ids)))]}?samples=false"
        elif page == "session page":
            path = f"/athletes/me/sessions/{ids[int(rng.integers(0, len(ids)))]}"
        elif page == "totals":
            path = f"/athletes/me/totals?period={('week', 'month', 'year')[k % 3]}"
        else:  # calendar, records, assessments, program
            path = f"/athletes/me/{page}"
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
    return parse_wrk(out)


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
    p50, p99 = percentiles([t * 1e3 for t in latencies])
    return {"rps": len(latencies) / elapsed, "p50_ms": p50, "p99_ms": p99,
            "requests": len(latencies)}


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
    wrk = use_wrk(args.client)

    def run(duration: int) -> dict[str, float]:
        if wrk:
            return _load_wrk(base, requests, tokens, args, duration)
        return asyncio.run(_python_load(base, requests, tokens, args, duration))

    run(max(1, args.duration // 5))  # warm-up: connections open, statements compiled
    db0 = {pid: cpu_s(pid) for pid in _db_pids(url)}
    cpu0 = cpu_s(server_pid)
    result = run(args.duration)
    cpu = cpu_s(server_pid) - cpu0
    db = sum(cpu_s(pid) - db0.get(pid, 0.0) for pid in _db_pids(url))
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
    results: dict[tuple[str, str], dict[str, float]] = {}
    rng = np.random.default_rng(12)
    with bench_database(backend, "bench-http") as url:
        database = open_database(url)
        try:
            t0 = time.perf_counter()
            crowd = []
            for k in range(args.people):
                pid, token, _name = athlete(database, f"person{k}@example.org")
                batch = bench_sessions(PEOPLE_SESSIONS, first=k)
                ids = sessions_bulk.add_sessions(database, pid, batch)
                starts = [s.start_utc for s in batch if s.start_utc is not None]
                crowd.append(Person(token, ids, starts))
            print(f"{backend}: {args.people} people x {PEOPLE_SESSIONS} sessions seeded in "
                  f"{time.perf_counter() - t0:.1f} s", flush=True)
            big_id, big_token, big_name = athlete(database, "bench@example.org")
            _enrol(database, big_name)
        finally:
            database.close()
        server, base = start_server(url, args.workers)
        try:
            rounds: list[tuple[str, list[Person], int]] = [(f"{args.people} people", crowd, 0)]
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
                        batch = bench_sessions(size - len(big_ids), first=len(big_ids))
                        big_ids += sessions_bulk.add_sessions(database, big_id, batch)
                        big_starts += [s.start_utc for s in batch if s.start_utc is not None]
                    finally:
                        database.close()
                    people[0].session_ids = big_ids
                    people[0].starts = big_starts
                    print(f"{backend}: one person's log at {size:,} sessions "
                          f"(+{len(batch):,} in {time.perf_counter() - t0:.1f} s)", flush=True)
                vacuum_analyze(url)
                tokens = [p.token for p in people]
                for page in args.pages:
                    r = _measure(base, url, server.pid, _requests(page, people, rng), tokens, args)
                    results[(label, page)] = r
                    _print_row(backend, label, page, r)
        finally:
            stop_server(server)
    return results


def _verdict(
    backend: str, results: dict[tuple[str, str], dict[str, float]], sizes: list[int],
    pages: list[str],
) -> None:
    small, large = f"{sizes[0]:,} sessions", f"{sizes[-1]:,} sessions"
    print(f"\n{backend}: goal <= {GOAL_CPU_MS} ms server CPU/request at {large}, "
          f"<= {GOAL_FLAT}x the figure at {small}")
    for page in pages:
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
    parser.add_argument("--sizes", default=None,
                        help="comma-separated log lengths (default 1000,10000,100000; "
                             "--quick: 1000,10000)")
    parser.add_argument("--pages", default=None,
                        help=f"comma-separated pages (default all: {', '.join(PAGES)})")
    args = parser.parse_args(sys.argv[1:] if argv is None and __name__ == "__main__" else argv)
    args.backend = args.backend or ("sqlite" if args.quick else "both")
    args.duration = args.duration or (2 if args.quick else 10)
    args.people = args.people or (50 if args.quick else PEOPLE)
    args.sizes = (
        [int(n) for n in args.sizes.split(",")] if args.sizes
        else list(SIZES[:2] if args.quick else SIZES)
    )
    args.pages = args.pages.split(",") if args.pages else list(PAGES)
    unknown = set(args.pages) - set(PAGES)
    if unknown:
        parser.error(f"--pages: unknown {', '.join(sorted(unknown))}")
    client = "wrk" if use_wrk(args.client) else "python (httpx)"
    print(f"bench.core_http: {args.connections} connections, {args.duration} s per page, "
          f"{args.workers} uvicorn workers, client {client}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}", flush=True)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    for backend in backends:
        _verdict(backend, run_backend(backend, args), args.sizes, args.pages)
    print(f"load average now {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
