"""The pages and the API in process: server CPU and Python function calls per request.

Run from the repository root::

    .venv/bin/python -m bench.core_pages [--sizes 1000,10000,100000] [--requests 200]
        [--pages dashboard,calendar,...] [--backend sqlite|postgresql]

The same pages as :mod:`bench.core_http` (and the same seeded log: one person's sessions every
7 hours back from now through ``services.sessions_bulk``, on a program since 3 weeks ago with
six assessments), called straight on the ASGI application (``retrostride.server.create_app``)
in this process, one request at a time, with the person's API token: no HTTP parsing, no
uvicorn, no other process. Reported per page: CPU ms per request (``time.process_time``; on
SQLite the database runs in this process, so that is all the server's CPU but uvicorn's HTTP
layer) and the Python function calls per request (``cProfile``'s count over a second pass:
deterministic, so it compares two versions of the code on a loaded machine, where CPU times
are stretched by the other processes; SQLite's own work in C is not counted there). The
thread pool is bypassed (FastAPI's ``run_in_threadpool`` runs the call inline) so that the
profiler sees every call. Rotates the sessions and the pages of the list over the history.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import numpy as np

from bench._common import athlete, bench_database, bench_sessions
from bench.core_http import Person, _after, _enrol
from retrostride.services import sessions_bulk
from retrostride.services.database import open_database

SIZES = (1_000, 10_000, 100_000)
PAGES = (
    "dashboard", "sessions page", "stats", "energy page", "API list", "API offset", "API detail",
    "session page", "calendar", "totals", "records", "assessments", "program",
)


def _inline() -> None:
    """FastAPI's thread-pool hops run the call in this thread (the profiler sees it)."""
    import fastapi.concurrency
    import fastapi.dependencies.utils
    import fastapi.routing
    import starlette.concurrency

    import retrostride.api.principal

    async def inline(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    for module in (fastapi.routing, fastapi.dependencies.utils, fastapi.concurrency,
                   starlette.concurrency, retrostride.api.principal):
        if hasattr(module, "run_in_threadpool"):
            module.run_in_threadpool = inline  # type: ignore[attr-defined]
    for name in list(sys.modules):
        module = sys.modules[name]
        if name.startswith("retrostride.") and hasattr(module, "run_in_threadpool"):
            module.run_in_threadpool = inline  # type: ignore[attr-defined]


def _paths(page: str, person: Person, rng: np.random.Generator, n: int) -> list[str]:
    ids = person.session_ids
    out = []
    for k in range(n):
        row = int(rng.integers(0, len(ids)))
        if page == "dashboard":
            out.append("/athletes/me")
        elif page == "sessions page":
            pages = max(2, -(-len(ids) // 25))
            p = int(rng.integers(2, pages + 1))
            out.append(f"/athletes/me/sessions?page={p}&after={_after(person, 25 * (p - 1) - 1)}")
        elif page == "stats":
            out.append(f"/api/athletes/me/stats?period={('week', 'month', 'year')[k % 3]}")
        elif page == "energy page":
            out.append(f"/energy?speed={3 + k % 40 / 10:.1f}&grade={k % 16 - 5}&setting=treadmill")
        elif page == "API list":
            out.append(f"/api/athletes/me/sessions?limit=50&after={_after(person, row)}")
        elif page == "API offset":
            out.append(f"/api/athletes/me/sessions?limit=50&offset={row}")
        elif page == "API detail":
            out.append(f"/api/athletes/me/sessions/{ids[row]}?samples=false")
        elif page == "session page":
            out.append(f"/athletes/me/sessions/{ids[row]}")
        elif page == "totals":
            out.append(f"/athletes/me/totals?period={('week', 'month', 'year')[k % 3]}")
        else:
            out.append(f"/athletes/me/{page}")
    return out


def _caller(app: Any, token: str) -> Callable[[str], Awaitable[int]]:
    auth = f"Bearer {token}".encode()

    async def call(path: str) -> int:
        route, _, query = path.partition("?")
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
            "scheme": "http", "path": route, "raw_path": route.encode(),
            "query_string": query.encode(), "root_path": "",
            "headers": [(b"host", b"127.0.0.1"), (b"authorization", auth)],
            "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80), "state": {},
        }
        status = 0

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]

        await app(scope, receive, send)
        return status

    return call


async def _requests(
    call: Callable[[str], Awaitable[int]], paths: list[str], profile: cProfile.Profile | None = None
) -> float:
    """Call every path (each must answer 200), with ``profile`` on if given: CPU ms per
    request."""
    if profile is not None:
        profile.enable()
    cpu0 = time.process_time()
    for path in paths:
        status = await call(path)
        if status != 200:
            raise RuntimeError(f"{path}: {status}")
    cpu = (time.process_time() - cpu0) * 1e3 / len(paths)
    if profile is not None:
        profile.disable()
    return cpu


async def _measure(
    call: Callable[[str], Awaitable[int]], paths: list[str]
) -> tuple[float, float]:
    """(CPU ms per request, Python function calls per request)."""
    await _requests(call, paths[:20])  # warm-up: statements compiled, templates loaded
    cpu = await _requests(call, paths)
    profile = cProfile.Profile()
    await _requests(call, paths[:50], profile)
    return cpu, pstats.Stats(profile).total_calls / min(50, len(paths))


def run(args: argparse.Namespace) -> None:
    from retrostride.api.settings import Settings
    from retrostride.server import create_app

    _inline()
    rng = np.random.default_rng(12)
    with bench_database(args.backend, "bench-pages") as url:
        database = open_database(url)
        person_id, token, name = athlete(database, "bench@example.org")
        _enrol(database, name)
        app = create_app(Settings(database_url=url, secure_cookies=False), database=database)
        call = _caller(app, token)
        person = Person(token, [], [])
        try:
            for size in args.sizes:
                batch = bench_sessions(size - len(person.session_ids), len(person.session_ids))
                person.session_ids += sessions_bulk.add_sessions(database, person_id, batch)
                person.starts += [s.start_utc for s in batch if s.start_utc is not None]
                print(f"{args.backend} {size:,} sessions, load average "
                      f"{os.getloadavg()[0]:.1f}", flush=True)
                for page in args.pages:
                    paths = _paths(page, person, rng, args.requests)
                    cpu, calls = asyncio.run(_measure(call, paths))
                    print(f"  {page:14s} CPU {cpu:6.2f} ms/request  {calls:7.0f} calls/request",
                          flush=True)
        finally:
            database.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.core_pages", description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--sizes", default=",".join(str(n) for n in SIZES))
    parser.add_argument("--requests", type=int, default=200, help="per page and size")
    parser.add_argument("--pages", default=",".join(PAGES))
    args = parser.parse_args(sys.argv[1:] if argv is None and __name__ == "__main__" else argv)
    args.sizes = [int(n) for n in args.sizes.split(",")]
    args.pages = args.pages.split(",")
    unknown = set(args.pages) - set(PAGES)
    if unknown:
        parser.error(f"--pages: unknown {', '.join(sorted(unknown))}")
    run(args)


if __name__ == "__main__":
    main()
