"""The job queue (services.jobs): the same tests on a SQLite file and on PostgreSQL.

No timing: claims are made one by one and their order checked; a dead worker is a process id
that does not exist or a heartbeat placed in the past; the limits are checked by what the child
process reports, not by how long it ran.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from retrostride.services import jobs
from retrostride.store.db import Database, utc_now
from retrostride.store.models import PersonRow

FIT = Path("activity") / "fit" / "garmin-fenix-5-walk.fit"


def _person(db: Database, name: str) -> int:
    with db.transaction() as s:
        row = PersonRow(name=name, created_at=utc_now())
        s.add(row)
        s.flush()
        return row.id


def _submit(
    db: Database, person: int, size: int, tmp: Path | None = None, kind: str = "import", **extra
) -> int:
    folder = None
    files = [jobs.JobFile(f"f{size}.fit", "/nonexistent", size)]
    if tmp is not None:
        folder = tmp / f"job-{size}-{person}"
        folder.mkdir()
        (folder / "part-001").write_bytes(b"x" * 10)
    return jobs.submit(
        db,
        person,
        kind,
        files=files,
        folder=folder,
        options={},
        extra={"person_name": "x", **extra},
    )


def test_submit_returns_a_queued_job_read_back_by_id(db: Database) -> None:
    ada = _person(db, "ada")
    job_id = _submit(db, ada, 5_000)
    job = jobs.state(db, job_id)
    assert job is not None and job.status == jobs.QUEUED and job.bytes_received == 5_000
    assert job.files[0].label == "f5000.fit"
    assert jobs.state(db, job_id, person_id=ada + 1) is None


def _run_all(db: Database, slots: int = 1) -> list[int]:
    """Run the queued jobs one by one through the backend's queue; their ids in the order run."""
    workers = jobs.Workers(db, slots=slots, limits=jobs.JobLimits(memory_mb=200, cpu_s=60))
    order = []
    while (job_id := workers.run_once()) is not None:
        order.append(job_id)
    return order


def test_small_jobs_go_first_among_queued_ones(db: Database) -> None:
    ada = _person(db, "ada")
    big = _submit(db, ada, 11_000_000, kind="probe")
    small = _submit(db, ada, 5_000, kind="probe")
    assert _run_all(db) == [small, big]


def test_jobs_are_fair_per_account(db: Database) -> None:
    """Someone who queues three jobs takes turns with someone who queues one."""
    ada, bob = _person(db, "ada"), _person(db, "bob")
    a1, a2, a3 = (_submit(db, ada, 1000 + i, kind="probe") for i in range(3))
    b1 = _submit(db, bob, 1000, kind="probe")
    assert _run_all(db) == [a1, b1, a2, a3]
    assert all(jobs.state(db, i).status == jobs.DONE for i in (a1, a2, a3, b1))  # type: ignore[union-attr]


def test_the_embedded_claim_takes_the_same_order(db: Database) -> None:
    """``claim`` (the embedded queue's) orders by the priority procrastinate orders by: small
    first; among them, ada's jobs queued behind her large one come after bob's first."""
    ada, bob = _person(db, "ada"), _person(db, "bob")
    big = _submit(db, ada, 11_000_000)
    a1, a2 = _submit(db, ada, 1000), _submit(db, ada, 1001)
    b1 = _submit(db, bob, 1000)
    assert [jobs.claim(db, f"w{i}") for i in range(5)] == [b1, a1, a2, big, None]


def test_a_small_upload_is_not_queued_behind_a_large_one(db: Database) -> None:
    """Finding: a 5 KB upload waited 40.9 s behind an 11 MB one (one import thread)."""
    ada, bob = _person(db, "ada"), _person(db, "bob")
    big = _submit(db, ada, 11_000_000, kind="probe")
    assert jobs.claim(db, "w1", job_id=big) == big  # the 11 MB upload is being imported
    big2 = _submit(db, bob, 11_000_000, kind="probe")
    small = _submit(db, bob, 5_000, kind="probe")
    # two slots: at most one large job runs, so the other slot is free for the small one
    workers = jobs.Workers(db, slots=2, limits=jobs.JobLimits(memory_mb=200, cpu_s=60))
    assert workers.run_once() == small
    assert workers.run_once() is None
    jobs.finish(db, big, jobs.DONE)
    assert workers.run_once() == big2


def test_a_job_claimed_by_id_is_claimed_once(db: Database) -> None:
    ada = _person(db, "ada")
    job_id = _submit(db, ada, 10)
    assert jobs.claim(db, "w1", job_id=job_id) == job_id
    assert jobs.claim(db, "w2", job_id=job_id) is None


def test_jobs_of_a_dead_worker_are_failed_and_their_files_removed(
    db: Database, tmp_path: Path
) -> None:
    """Finding: after a kill, jobs stayed 'importing' forever and their files stayed on disk."""
    ada = _person(db, "ada")
    dead_local = _submit(db, ada, 10, tmp_path)
    stale_remote = _submit(db, ada, 11, tmp_path)
    alive = _submit(db, ada, 12, tmp_path)
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    host = socket.gethostname()[:40]
    jobs.claim(db, f"{host}:{int(gone.stdout)}", job_id=dead_local)
    jobs.claim(db, "other-host:1", job_id=stale_remote, now=utc_now() - timedelta(hours=1))
    jobs.claim(db, f"{host}:{os.getpid()}", job_id=alive)
    assert sorted(jobs.recover(db)) == [dead_local, stale_remote]
    for job_id in (dead_local, stale_remote):
        job = jobs.state(db, job_id)
        assert job is not None and job.status == jobs.FAILED
        assert "upload again" in job.results[-1]["message"]
        assert job.folder is not None and not job.folder.exists()
    still = jobs.state(db, alive)
    assert still is not None and still.status == jobs.RUNNING and still.folder.exists()  # type: ignore[union-attr]


def test_an_import_job_runs_in_a_child_process(
    db: Database, tmp_path: Path, shared_data: Path
) -> None:
    ada = _person(db, "ada")
    folder = tmp_path / "received"
    folder.mkdir()
    stored = folder / "part-001"
    stored.write_bytes((shared_data / FIT).read_bytes())
    job_id = jobs.submit(
        db,
        ada,
        "import",
        files=[jobs.JobFile("my walk.fit", str(stored), stored.stat().st_size)],
        folder=folder,
        options={},
        extra={"person_name": "ada"},
    )
    workers = jobs.Workers(db, slots=2)
    assert workers.run_once() == job_id
    job = jobs.state(db, job_id)
    assert job is not None and job.status == jobs.DONE, job
    assert job.results[0]["name"] == "my walk.fit" and job.results[0]["outcome"] == "imported"
    assert not folder.exists()
    assert workers.run_once() is None


def test_a_job_over_its_memory_limit_fails_and_the_worker_goes_on(db: Database) -> None:
    ada = _person(db, "ada")
    hog = _submit(db, ada, 1, kind="probe", allocate_mb=400)
    fine = _submit(db, ada, 2, kind="probe", allocate_mb=10)
    workers = jobs.Workers(db, slots=1, limits=jobs.JobLimits(memory_mb=200, cpu_s=60))
    assert workers.run_once() == hog
    assert workers.run_once() == fine
    job = jobs.state(db, hog)
    assert job is not None and job.status == jobs.FAILED
    assert "memory limit of 200 MB" in job.results[-1]["message"]
    done = jobs.state(db, fine)
    assert done is not None and done.status == jobs.DONE and done.results == [{"allocated_mb": 10}]


def test_a_job_over_its_cpu_limit_is_stopped(db: Database) -> None:
    ada = _person(db, "ada")
    spin = _submit(db, ada, 1, kind="probe", spin_cpu_s=30)
    workers = jobs.Workers(db, slots=1, limits=jobs.JobLimits(memory_mb=200, cpu_s=1))
    assert workers.run_once() == spin
    job = jobs.state(db, spin)
    assert job is not None and job.status == jobs.FAILED
    assert "CPU-time limit of 1 s" in job.results[-1]["message"]
