"""One job queue for long work (imports, gait analyses): submit, claim, run, read back by id.

A job's state lives in the database (table ``upload_job``: status, progress, each file's
outcome), so any server process answers for it. Two backends carry the jobs, behind the same
functions (:func:`submit`, :func:`state`, :class:`Workers`, :func:`run_now`, :func:`recover`) and
tested by the same tests:

- **SQLite** (the embedded default): the queue is the table itself, worked by a few local worker
  threads (the server's, or ``retrostride worker``'s); ``BEGIN IMMEDIATE`` serialises claims, so
  a job is claimed once.
- **PostgreSQL**: procrastinate, an existing distributed task library on the same database
  (:mod:`retrostride.services.job_queue_pg`): :func:`submit` defers a procrastinate job in the
  same transaction as the row, and ``retrostride worker`` processes, on this machine or others,
  run procrastinate's worker. Received files live in the server's upload folder
  (``RETROSTRIDE_UPLOAD_DIR``): a worker on another machine needs that folder mounted at the same
  path (a shared folder: NFS, SMB or a cluster file system).

Every job runs in a child process (``python -m retrostride.services.jobs JOB_ID``) with limits set
by ``resource.setrlimit``: address space (memory beyond what the interpreter has mapped after its
imports) and CPU time. A child that dies (killed, over a limit) leaves its job ``failed`` with the
reason, and its received files are removed by the supervising worker.

Order (both backends): ``upload_job.priority``, higher first (:func:`job_priority`): small jobs
before large ones (``BIG_JOB_BYTES``), then each person's earlier jobs before their later ones, so
that people take turns (fair per account), then first come. Large jobs may occupy at most
``slots - 1`` workers, so a 5 KB upload never waits behind an 11 MB one.

A job whose worker died (a server killed mid-import) stays ``importing``; :func:`recover` fails it,
removes its files and tells the person to retry: at each worker's start-up for workers of this
host that no longer run, and for any worker whose heartbeat is older than ``STALE_AFTER_S``.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session as OrmSession

from retrostride.store.db import Database, utc_now
from retrostride.store.uploads import UploadJobRow

log = logging.getLogger("retrostride.jobs")

QUEUED = "queued"
RUNNING = "importing"
DONE = "done"
FAILED = "failed"

KINDS = ("import", "gait", "probe")
"""``import``: files into the log; ``gait``: one IMU recording analysed; ``probe``: a job that
allocates memory and spends CPU as its payload says (to check a worker's limits)."""

BIG_JOB_BYTES = 1024 * 1024
"""A job over this many received bytes is large: at most ``slots - 1`` of them run at once."""
HEARTBEAT_S = 5.0
"""How often a worker renews the heartbeat of the job it runs [s]."""
STALE_AFTER_S = 60.0
"""A running job whose heartbeat is older than this [s] has lost its worker."""
PRIORITY_SMALL = 1_000_000
"""Added to a small job's priority: every small job goes before every large one."""
RETRY_MESSAGE = "the server stopped while this job ran; nothing of it was kept: please upload again"


@dataclass(frozen=True, slots=True)
class JobLimits:
    """Limits of one job's child process."""

    memory_mb: int = 1024
    """Memory the job may map beyond the interpreter and its imports [MB] (RLIMIT_AS)."""
    cpu_s: int = 600
    """CPU time of the child [s] (RLIMIT_CPU)."""


@dataclass(frozen=True, slots=True)
class JobFile:
    """One received file of a job: the person's name for it and where the server keeps it."""

    label: str
    path: str
    size_bytes: int = 0
    refused: str | None = None


@dataclass(frozen=True, slots=True)
class JobState:
    id: int
    person_id: int
    kind: str
    status: str
    files_total: int
    files_done: int
    bytes_received: int
    options: dict[str, Any]
    results: list[dict[str, Any]]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    payload: dict[str, Any] = field(repr=False)

    @property
    def failed(self) -> int:
        return sum(1 for r in self.results if r.get("outcome") in ("duplicate", "refused"))

    @property
    def files(self) -> list[JobFile]:
        return [JobFile(**f) for f in self.payload.get("files", [])]

    @property
    def folder(self) -> Path | None:
        folder = self.payload.get("folder")
        return Path(folder) if folder else None


def _state(row: UploadJobRow) -> JobState:
    return JobState(
        id=row.id,
        person_id=row.person_id,
        kind=row.kind,
        status=row.status,
        files_total=row.files_total,
        files_done=row.files_done,
        bytes_received=row.bytes_received,
        options=json.loads(row.options_json),
        results=json.loads(row.results_json),
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        payload=json.loads(row.payload_json),
    )


# --- the queue -----------------------------------------------------------------------------------


def job_priority(big: bool, rank: int) -> int:
    """A job's priority, higher first: small jobs (``big`` False) before large ones, then the
    person's ``rank`` (how many of their jobs were unfinished when it was queued) ascending, so
    that someone who queues a hundred files takes turns with someone who queues one."""
    return (0 if big else PRIORITY_SMALL) - min(rank, PRIORITY_SMALL - 1)


def submit(
    database: Database,
    person_id: int,
    kind: str,
    *,
    files: list[JobFile],
    folder: Path | None,
    options: dict[str, Any],
    extra: dict[str, Any] | None = None,
) -> int:
    """Queue a job and return its id at once; a worker runs it."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    payload = {
        "folder": None if folder is None else str(folder),
        "files": [
            {"label": f.label, "path": f.path, "size_bytes": f.size_bytes, "refused": f.refused}
            for f in files
        ],
        **(extra or {}),
    }
    size = sum(f.size_bytes for f in files)
    big = size > BIG_JOB_BYTES
    with database.transaction() as db:
        rank = db.scalar(
            select(func.count())
            .select_from(UploadJobRow)
            .where(
                UploadJobRow.person_id == person_id,
                UploadJobRow.status.in_((QUEUED, RUNNING)),
            )
        )
        row = UploadJobRow(
            person_id=person_id,
            kind=kind,
            status=QUEUED,
            files_total=len(files),
            files_done=0,
            bytes_received=size,
            priority=job_priority(big, rank or 0),
            options_json=json.dumps(options),
            payload_json=json.dumps(payload),
            results_json="[]",
            created_at=utc_now(),
            finished_at=None,
        )
        db.add(row)
        db.flush()
        if not database.is_sqlite:
            from retrostride.services import job_queue_pg

            job_queue_pg.defer(db, row.id, row.priority, big)
        return row.id


def state(database: Database, job_id: int, person_id: int | None = None) -> JobState | None:
    """A job's state by id (``None`` when there is none, or it is another person's)."""
    with database.transaction() as db:
        row = db.get(UploadJobRow, job_id)
        if row is None or (person_id is not None and row.person_id != person_id):
            return None
        return _state(row)


def list_states(
    database: Database, person_id: int, limit: int = 20, kind: str | None = "import"
) -> list[JobState]:
    """A person's latest jobs (of ``kind``), newest first."""
    with database.transaction() as db:
        query = select(UploadJobRow).where(UploadJobRow.person_id == person_id)
        if kind is not None:
            query = query.where(UploadJobRow.kind == kind)
        rows = db.scalars(query.order_by(UploadJobRow.id.desc()).limit(limit))
        return [_state(r) for r in rows]


def worker_name() -> str:
    """``host:pid`` of this process (how :func:`recover` tells a dead local worker)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


def claim(
    database: Database,
    worker: str,
    *,
    job_id: int | None = None,
    max_big_running: int | None = None,
    now: datetime | None = None,
) -> int | None:
    """Take the next queued job for ``worker`` (or job ``job_id``), mark it running, return its id.

    By priority (:func:`job_priority`), then oldest; a large job only while fewer than
    ``max_big_running`` large jobs run (``None``: no cap). The embedded queue's claim; on
    PostgreSQL procrastinate picks the job and its task claims it by id."""
    now = now or utc_now()
    job = UploadJobRow
    with database.transaction() as db:
        query = select(job).where(job.status == QUEUED)
        if job_id is not None:
            query = query.where(job.id == job_id)
        elif max_big_running is not None:
            big_running = db.scalar(
                select(func.count())
                .select_from(job)
                .where(job.status == RUNNING, job.bytes_received > BIG_JOB_BYTES)
            )
            if (big_running or 0) >= max_big_running:
                query = query.where(job.bytes_received <= BIG_JOB_BYTES)
        query = query.order_by(job.priority.desc(), job.id).limit(1)
        if not database.is_sqlite:
            query = query.with_for_update(skip_locked=True, of=job)
        row = db.scalar(query)
        if row is None:
            return None
        row.status = RUNNING
        row.started_at = now
        row.heartbeat_at = now
        row.worker = worker[:64]
        return row.id


def _big_running(database: Database) -> int:
    with database.transaction() as db:
        count = db.scalar(
            select(func.count())
            .select_from(UploadJobRow)
            .where(UploadJobRow.status == RUNNING, UploadJobRow.bytes_received > BIG_JOB_BYTES)
        )
    return int(count or 0)


def heartbeat(database: Database, job_id: int, now: datetime | None = None) -> None:
    with database.transaction() as db:
        row = db.get(UploadJobRow, job_id)
        if row is not None and row.status == RUNNING:
            row.heartbeat_at = now or utc_now()


def progress(
    database: Database, job_id: int, done: int | None, results: list[dict[str, Any]]
) -> bool:
    """Record a running job's progress; False when the job is gone (its account deleted)."""
    with database.transaction() as db:
        row = db.get(UploadJobRow, job_id)
        if row is None:
            return False
        if done is not None:
            row.files_done = done
        row.results_json = json.dumps(results)
        return True


def finish(
    database: Database,
    job_id: int,
    status: str,
    *,
    results: list[dict[str, Any]] | None = None,
    message: str | None = None,
) -> None:
    """End a job as ``done`` or ``failed``; ``message`` is appended as a refused outcome."""
    with database.transaction() as db:
        row = db.get(UploadJobRow, job_id)
        if row is None or row.status in (DONE, FAILED):
            return
        out = json.loads(row.results_json) if results is None else results
        if message is not None:
            out.append(
                {
                    "name": ", ".join(
                        f["label"] for f in json.loads(row.payload_json).get("files", [])
                    )
                    or f"job {job_id}",
                    "outcome": "refused",
                    "message": message,
                    "session_ids": [],
                    "warnings": [],
                    "salvageable": False,
                }
            )
        row.results_json = json.dumps(out)
        row.status = status
        row.finished_at = utc_now()


def _remove_files(payload_json: str) -> None:
    folder = json.loads(payload_json).get("folder")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def received_folders(db: OrmSession, person_id: int) -> list[str]:
    """Inside a transaction: the folders of received files of the person's unfinished jobs."""
    payloads = db.scalars(
        select(UploadJobRow.payload_json).where(
            UploadJobRow.person_id == person_id, UploadJobRow.status.in_((QUEUED, RUNNING))
        )
    )
    folders = (json.loads(p).get("folder") for p in payloads)
    return [f for f in folders if f]


def remove_folders(folders: list[str]) -> None:
    """Remove received files (of an account deleted: nothing of its uploads stays on disk)."""
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def _alive_here(worker: str | None) -> bool:
    host, _, pid = (worker or "").rpartition(":")
    if host != socket.gethostname()[:40] or not pid.isdigit():
        return True  # another machine's worker: only its heartbeat tells
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover(
    database: Database, *, stale_after_s: float = STALE_AFTER_S, now: datetime | None = None
) -> list[int]:
    """Fail the running jobs whose worker died (a dead process of this host, or a heartbeat
    older than ``stale_after_s``), remove their received files; returns their ids. On
    PostgreSQL, procrastinate's jobs of dead workers are failed too."""
    now = now or utc_now()
    if not database.is_sqlite:
        from retrostride.services import job_queue_pg

        job_queue_pg.fail_stalled(database)
    limit = now - timedelta(seconds=stale_after_s)
    with database.transaction() as db:
        rows = list(db.scalars(select(UploadJobRow).where(UploadJobRow.status == RUNNING)))
        dead = [
            r
            for r in rows
            if not _alive_here(r.worker) or r.heartbeat_at is None or r.heartbeat_at < limit
        ]
        ids = [r.id for r in dead]
        payloads = [r.payload_json for r in dead]
    for job_id, payload in zip(ids, payloads, strict=True):
        finish(database, job_id, FAILED, message=RETRY_MESSAGE)
        _remove_files(payload)
        log.warning("job %s failed: its worker stopped", job_id)
    return ids


# --- running a job in a child process ------------------------------------------------------------


def _database_url(database: Database) -> str:
    return database.engine.url.render_as_string(hide_password=False)


def run_claimed(database: Database, job_id: int, limits: JobLimits) -> int:
    """Run a claimed job in a child process with ``limits``, renewing its heartbeat; a child
    that dies leaves the job failed with the reason. Removes the received files, also when the
    job's row went meanwhile (its account deleted: deletion wins). Returns the child's exit
    code."""
    with database.transaction() as db:
        row = db.get(UploadJobRow, job_id)
        claimed_payload = row.payload_json if row is not None else "{}"
    env = dict(os.environ)
    env["RETROSTRIDE_JOB_DATABASE_URL"] = _database_url(database)
    env["RETROSTRIDE_JOB_MEMORY_MB"] = str(limits.memory_mb)
    env["RETROSTRIDE_JOB_CPU_S"] = str(limits.cpu_s)
    child = subprocess.Popen(
        [sys.executable, "-m", "retrostride.services.jobs", str(job_id)],
        env=env,
        stdin=subprocess.DEVNULL,
    )
    while True:
        try:
            code = child.wait(timeout=HEARTBEAT_S)
            break
        except subprocess.TimeoutExpired:
            heartbeat(database, job_id)
    if code != 0:
        if code == -24:  # SIGXCPU
            reason = f"the job was stopped: over the CPU-time limit of {limits.cpu_s} s"
        elif code < 0:
            reason = f"the job was stopped (signal {-code})"
        else:
            reason = "the job failed on the server; please report it"
        finish(database, job_id, FAILED, message=reason)
    _remove_files(claimed_payload)  # read before the run: the row may be gone by now
    return code


def run_now(database: Database, job_id: int, limits: JobLimits) -> JobState | None:
    """Run job ``job_id`` here and now (a request that waits), or wait for the worker that
    took it first; returns its final state."""
    import time

    if claim(database, worker_name(), job_id=job_id) is not None:
        run_claimed(database, job_id, limits)
    while True:
        current = state(database, job_id)
        if current is None or current.status in (DONE, FAILED):
            return current
        time.sleep(0.1)


class Workers:
    """Local workers: ``slots`` threads, each claiming jobs and running them in child processes.

    Started lazily (``wake``) by the server on its first queued job, or by ``retrostride worker``;
    ``slots=0`` starts none (jobs wait for workers elsewhere).
    """

    def __init__(self, database: Database, slots: int = 2, limits: JobLimits | None = None):
        self.database = database
        self.slots = max(0, slots)
        self.limits = limits or JobLimits()
        self.name = worker_name()
        self._event = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._pg: Any = None  # PostgreSQL: procrastinate's workers (job_queue_pg.PgWorkers)

    def start(self) -> None:
        with self._lock:
            if self._threads or self._pg is not None or self.slots == 0:
                return  # 0: only `retrostride worker` processes
            if not self.database.is_sqlite:
                from retrostride.services.job_queue_pg import PgWorkers

                self._pg = PgWorkers(self.database, self.slots, self.limits, self.name)
                self._pg.start()
                return
            recover(self.database)
            for number in range(self.slots):
                thread = threading.Thread(
                    target=self._loop, name=f"retrostride-job-{number}", daemon=True
                )
                thread.start()
                self._threads.append(thread)

    def wake(self) -> None:
        """A job was queued: start the workers if needed and let an idle one look."""
        self.start()
        self._event.set()

    def run_once(self) -> int | None:
        """Claim and run one job (None when the queue has nothing this worker may take)."""
        cap = max(1, self.slots - 1)
        if not self.database.is_sqlite:
            from retrostride.services import job_queue_pg

            queues = job_queue_pg.queues(big_allowed=_big_running(self.database) < cap)
            return job_queue_pg.run_one(self.database, self.limits, self.name, queues)
        job_id = claim(self.database, self.name, max_big_running=cap)
        if job_id is not None:
            run_claimed(self.database, job_id, self.limits)
        return job_id

    def _loop(self) -> None:
        last_recovery = utc_now()
        while not self._stop.is_set():
            try:
                if self.run_once() is None:
                    self._event.wait(timeout=1.0)
                    self._event.clear()
                if utc_now() - last_recovery > timedelta(seconds=STALE_AFTER_S):
                    recover(self.database)
                    last_recovery = utc_now()
            except Exception:  # a database hiccup must not end the worker
                log.exception("job worker")
                self._stop.wait(timeout=1.0)

    def stop(self, timeout: float = 30.0) -> None:
        if self._pg is not None:
            self._pg.stop(timeout)
        self._stop.set()
        self._event.set()
        for thread in self._threads:
            thread.join(timeout=timeout)


# --- the child process -------------------------------------------------------------------------


def _limit_self(memory_mb: int, cpu_s: int) -> None:
    """Cap this process: address space at what is mapped now plus ``memory_mb``; CPU time."""
    with open("/proc/self/statm") as handle:
        mapped = int(handle.read().split()[0]) * resource.getpagesize()
    memory = mapped + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 5))


Handler = Callable[[Database, JobState], None]


def _handlers() -> dict[str, Handler]:
    from retrostride.services import job_kinds

    return {
        "import": job_kinds.run_import,
        "gait": job_kinds.run_gait,
        "probe": job_kinds.run_probe,
    }


def child_main(job_id: int) -> int:
    """Entry of a job's child process: open the database, set the limits, run the handler."""
    from retrostride.store.db import open_database

    database = open_database(os.environ["RETROSTRIDE_JOB_DATABASE_URL"], migrate_schema=False)
    try:
        handlers = _handlers()
        job = state(database, job_id)
        if job is None or job.status != RUNNING:
            return 0
        memory_mb = int(os.environ.get("RETROSTRIDE_JOB_MEMORY_MB", "1024"))
        _limit_self(memory_mb, int(os.environ.get("RETROSTRIDE_JOB_CPU_S", "600")))
        try:
            handlers[job.kind](database, job)
        except MemoryError:
            finish(
                database,
                job_id,
                FAILED,
                message=f"the job needed more than the memory limit of {memory_mb} MB",
            )
        except Exception:
            log.exception("job %s failed", job_id)
            finish(database, job_id, FAILED, message="the job failed on the server")
        return 0
    finally:
        database.close()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    raise SystemExit(child_main(int(sys.argv[1])))
