"""The domain core's reads at 1k, 10k and 100k sessions: CPU per call, in process.

Seeds one person's log through ``services.sessions_bulk`` (:func:`bench._common.bench_sessions`:
one segment per session, a session every 7 hours going back from now) and times the services
behind the pages and the API: a page of the session list, a session's detail, the dashboard's
weeks (``stats`` since 8 weeks) and the whole monthly table. Each figure is the process CPU
time per call [ms] (``time.process_time``; the database runs in process on SQLite, so this is
all the server's CPU but the HTTP layer) and the wall-clock p50/p99 over the calls, with the
load average. ``RETROSTRIDE_BENCH_PG`` (a ``postgresql://`` URL of a database the bench may
fill) adds PostgreSQL (database CPU not included there). Over HTTP: :mod:`bench.core_http`.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench._common import bench_sessions, percentiles
from retrostride.services import people, sessions, sessions_bulk, stats
from retrostride.services.database import open_database

SIZES = (1_000, 10_000, 100_000)
CALLS = 200


def _time(call: Callable[[int], object]) -> tuple[float, float, float]:
    """(CPU ms per call, wall p50 ms, wall p99 ms) over CALLS calls."""
    walls = []
    cpu0 = time.process_time()
    for i in range(CALLS):
        t0 = time.perf_counter()
        call(i)
        walls.append((time.perf_counter() - t0) * 1000)
    cpu = (time.process_time() - cpu0) * 1000 / CALLS
    p50, p99 = percentiles(walls)
    return cpu, p50, p99


def _run(label: str, url: str) -> None:
    database = open_database(url)
    try:
        pid = people.person_id(database, "bench")
        seeded = 0
        for size in SIZES:
            t0 = time.perf_counter()
            sessions_bulk.add_sessions(database, pid, bench_sessions(size - seeded, seeded))
            seeded = size
            seed_s = time.perf_counter() - t0
            ids = [s.id for s in sessions.session_page(database, pid, limit=500).items]
            today = datetime.now(UTC).date()
            since = today - timedelta(days=today.weekday(), weeks=8)
            checks: dict[str, Callable[[int], object]] = {
                "list page (25)": lambda i: sessions.session_page(
                    database, pid, limit=25, offset=25 * (i % 40)
                ),
                "detail": lambda i, ids=ids: sessions.session_detail_json(
                    database, pid, ids[i % len(ids)], with_samples=False
                ),
                "dashboard weeks": lambda i, since=since: stats.period_totals(
                    database, pid, stats.Period.WEEK, since=since
                ),
                "monthly table": lambda i: stats.period_totals(database, pid, stats.Period.MONTH),
            }
            load = os.getloadavg()[0]
            print(f"{label} {size:>7} sessions (seeded in {seed_s:.1f} s, load {load:.2f})")
            for name, call in checks.items():
                cpu, p50, p99 = _time(call)
                print(f"  {name:<16} CPU {cpu:7.2f} ms/call  p50 {p50:7.2f} ms  p99 {p99:7.2f} ms")
    finally:
        database.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        _run("sqlite", f"sqlite:///{Path(folder) / 'bench.sqlite'}")
    pg = os.environ.get("RETROSTRIDE_BENCH_PG")
    if pg:
        _run("postgresql", pg)


if __name__ == "__main__":
    main()
