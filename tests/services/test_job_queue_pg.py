"""The PostgreSQL backend of the job queue: procrastinate carries the jobs.

The queue's behaviour is tested on both backends by ``test_jobs.py``; these tests check what
only PostgreSQL has: the procrastinate job deferred with its row, its queue and priority, the
jobs of a dead procrastinate worker failed, and procrastinate's own worker running our jobs.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import procrastinate
import pytest
from sqlalchemy import text

from retrostride.services import job_queue_pg, jobs
from retrostride.store.db import Database, open_database, utc_now
from retrostride.store.models import PersonRow


@pytest.fixture
def pg(postgres_url: str) -> Iterator[Database]:
    database = open_database(postgres_url)
    try:
        yield database
    finally:
        database.close()


def _person(db: Database) -> int:
    with db.transaction() as s:
        row = PersonRow(name="ada", created_at=utc_now())
        s.add(row)
        s.flush()
        return row.id


def _probe(db: Database, person: int, size: int, folder: Path | None = None) -> int:
    return jobs.submit(
        db, person, "probe", files=[jobs.JobFile("f.fit", "/nonexistent", size)],
        folder=folder, options={}, extra={"allocate_mb": 1},
    )


def _procrastinate_jobs(db: Database) -> list[dict[str, Any]]:
    with db.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT queue_name, task_name, priority, args, status FROM procrastinate_jobs "
                 "ORDER BY id")
        )
        return [dict(r._mapping) for r in rows]


def test_a_job_is_deferred_to_procrastinate_with_its_row(pg: Database) -> None:
    ada = _person(pg)
    small, big = _probe(pg, ada, 5_000), _probe(pg, ada, 11_000_000)
    found = _procrastinate_jobs(pg)
    assert [(j["queue_name"], j["args"], j["status"]) for j in found] == [
        (job_queue_pg.SMALL_QUEUE, {"job_id": small}, "todo"),
        (job_queue_pg.BIG_QUEUE, {"job_id": big}, "todo"),
    ]
    assert [j["task_name"] for j in found] == [job_queue_pg.TASK] * 2
    assert [j["priority"] for j in found] == [
        jobs.job_priority(False, 0), jobs.job_priority(True, 1)
    ]


def test_a_dead_procrastinate_worker_s_job_is_failed_and_its_files_removed(
    pg: Database, tmp_path: Path
) -> None:
    """A worker killed mid-job: its procrastinate job and our row end failed, files gone."""
    ada = _person(pg)
    folder = tmp_path / "received"
    folder.mkdir()
    job_id = _probe(pg, ada, 10, folder)

    async def take() -> None:  # a procrastinate worker fetches the job, then dies
        app = procrastinate.App(
            connector=procrastinate.PsycopgConnector(conninfo=job_queue_pg._conninfo(pg))
        )
        async with app.open_async():
            worker_id = await app.job_manager.register_worker()
            job = await app.job_manager.fetch_job([job_queue_pg.SMALL_QUEUE], worker_id)
            assert job is not None and job.task_kwargs == {"job_id": job_id}

    asyncio.run(take())
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True, text=True, check=True,
    )
    jobs.claim(pg, f"{socket.gethostname()[:40]}:{int(gone.stdout)}", job_id=job_id)
    with pg.engine.begin() as conn:  # its heartbeat stopped an hour ago
        conn.execute(text("UPDATE procrastinate_workers "
                          "SET last_heartbeat = now() - interval '1 hour'"))
    assert jobs.recover(pg) == [job_id]
    assert [j["status"] for j in _procrastinate_jobs(pg)] == ["failed"]
    job = jobs.state(pg, job_id)
    assert job is not None and job.status == jobs.FAILED
    assert "upload again" in job.results[-1]["message"] and not folder.exists()


def test_procrastinate_s_worker_runs_the_jobs(pg: Database) -> None:
    """``retrostride worker`` on PostgreSQL: procrastinate's workers in a thread of ours; each
    procrastinate job that succeeded is deleted, our row keeps the outcome."""
    ada = _person(pg)
    ids = [_probe(pg, ada, 5_000), _probe(pg, ada, 11_000_000)]
    workers = jobs.Workers(pg, slots=2, limits=jobs.JobLimits(memory_mb=200, cpu_s=60))
    workers.start()
    try:
        deadline = time.monotonic() + 120  # a bound on waiting, not a measurement
        while time.monotonic() < deadline:
            carried = _procrastinate_jobs(pg)  # a job that succeeded is deleted
            if not carried:
                break
            time.sleep(0.2)
        assert carried == []
    finally:
        workers.stop()
    states = [jobs.state(pg, i) for i in ids]
    assert [s.status for s in states if s is not None] == [jobs.DONE, jobs.DONE]
    assert [s.results for s in states if s is not None] == [[{"allocated_mb": 1}]] * 2
