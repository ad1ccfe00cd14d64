"""The job queue's PostgreSQL backend: procrastinate carries the jobs between machines.

On PostgreSQL a queued job (a row of ``upload_job``, the state every surface reads) is also
deferred as a procrastinate job (task ``retrostride.run_job``) in the same transaction, so it is
queued exactly when the row is. ``retrostride worker`` processes, on this machine or others,
run procrastinate's worker on the same database: procrastinate fetches the next job
(``FOR UPDATE SKIP LOCKED``, by ``priority`` then first come) and its task does what the embedded
queue does, :func:`retrostride.services.jobs.run_claimed`: the job runs in a child process with
memory and CPU-time limits (rlimits), its heartbeat renewed, its received files removed after.

- **Priority** (procrastinate's ``priority``, higher first) is ``jobs.job_priority``: small
  jobs before large ones, then each person's earlier jobs before their later ones (fair per
  account), the same order the embedded queue claims in.
- **Large jobs** (``jobs.BIG_JOB_BYTES``) go to the queue ``retrostride_big``, small ones to
  ``retrostride_small``. A worker of ``slots`` runs two procrastinate workers: one of one slot on
  the small queue only, one of ``slots - 1`` on both, so large jobs never take every slot and a
  5 KB upload never waits behind 11 MB ones.
- **Finished jobs**: a procrastinate job that succeeded is deleted (the row of ``upload_job``
  keeps the outcome), so its table does not grow with every upload; a failed one is kept.
- **Crashes**: at a worker's start, the procrastinate jobs of workers whose heartbeat stopped are
  failed (procrastinate's stalled jobs), and ``jobs.recover`` fails their rows, removes their
  received files and tells the person to retry.

The schema (procrastinate's tables and functions) comes with our migrations
(``0017_job_queue``), on PostgreSQL only; SQLite keeps the embedded queue.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

import procrastinate
from procrastinate.jobs import Status

if TYPE_CHECKING:
    from sqlalchemy.orm import Session as OrmSession

    from retrostride.services.jobs import JobLimits
    from retrostride.store.db import Database

log = logging.getLogger("retrostride.jobs")

TASK = "retrostride.run_job"
SMALL_QUEUE = "retrostride_small"
BIG_QUEUE = "retrostride_big"

_deferrer: procrastinate.App | None = None


def _deferring_app() -> procrastinate.App:
    """An app that only defers, on the caller's connection (its pool is never opened)."""
    global _deferrer
    if _deferrer is None:
        _deferrer = procrastinate.App(connector=procrastinate.SyncPsycopgConnector())
    return _deferrer


def defer(session: OrmSession, job_id: int, priority: int, big: bool) -> None:
    """Queue job ``job_id`` for the workers inside the transaction of ``session``."""
    connection = session.connection().connection.driver_connection
    _deferring_app().configure_task(
        TASK,
        queue=BIG_QUEUE if big else SMALL_QUEUE,
        priority=priority,
        connection=connection,
    ).defer(job_id=job_id)


def _conninfo(database: Database) -> str:
    """libpq's URL of the database (SQLAlchemy's without its driver name)."""
    return database.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run(database: Database, job_id: int, limits: JobLimits, worker: str) -> bool:
    """Claim and run job ``job_id``; False when it is no longer queued (a request that waited
    ran it, or its account went)."""
    from retrostride.services import jobs

    if jobs.claim(database, worker, job_id=job_id) is None:
        return False
    jobs.run_claimed(database, job_id, limits)
    return True


def worker_app(
    database: Database, limits: JobLimits, worker: str, pool_size: int
) -> procrastinate.App:
    """A procrastinate app whose task runs our jobs on ``database``."""
    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(
            conninfo=_conninfo(database), min_size=1, max_size=pool_size
        )
    )

    def run_job(job_id: int) -> None:
        _run(database, job_id, limits, worker)

    app.task(name=TASK)(run_job)
    return app


async def _fail_stalled(app: procrastinate.App) -> list[int]:
    """Fail the procrastinate jobs of workers whose heartbeat stopped (killed, machine gone)."""
    stalled = list(await app.job_manager.get_stalled_jobs(task_name=TASK))
    for job in stalled:
        await app.job_manager.finish_job(job, Status.FAILED, delete_job=False)
    return [int(job.id or 0) for job in stalled]


def fail_stalled(database: Database) -> list[int]:
    """Fail the procrastinate jobs of dead workers (:func:`_fail_stalled`); their ids."""

    async def run() -> list[int]:
        app = procrastinate.App(
            connector=procrastinate.PsycopgConnector(
                conninfo=_conninfo(database), min_size=1, max_size=1
            )
        )
        async with app.open_async():
            return await _fail_stalled(app)

    return asyncio.run(run())


async def _work(
    database: Database, slots: int, limits: JobLimits, worker: str, wait: bool
) -> None:
    from retrostride.services import jobs

    app = worker_app(database, limits, worker, pool_size=slots + 4)
    async with app.open_async():
        await asyncio.to_thread(jobs.recover, database)  # procrastinate's stalled jobs too
        common: dict[str, Any] = {
            "wait": wait,
            "install_signal_handlers": False,
            "delete_jobs": "successful",  # our row keeps the outcome; failed ones stay to look at
        }
        runs: list[Coroutine[Any, Any, None]] = []
        if slots > 1:
            runs.append(
                app.run_worker_async(
                    queues=[SMALL_QUEUE], concurrency=1, name=f"{worker}/small", **common
                )
            )
        runs.append(
            app.run_worker_async(
                queues=[SMALL_QUEUE, BIG_QUEUE],
                concurrency=max(1, slots - 1),
                name=f"{worker}/any",
                **common,
            )
        )
        await asyncio.gather(*runs)


class PgWorkers:
    """procrastinate's workers of this process, in a thread of their own (the server's, or
    ``retrostride worker``'s)."""

    def __init__(self, database: Database, slots: int, limits: JobLimits, worker: str) -> None:
        self.database, self.slots, self.limits, self.worker = database, slots, limits, worker
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[Any] | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(
            target=self._main, name="retrostride-procrastinate", daemon=True
        )
        self._thread.start()
        self._ready.wait(timeout=30)

    def _main(self) -> None:
        try:
            asyncio.run(self._amain())
        except asyncio.CancelledError:
            pass  # stopped: the jobs that ran were finished first (procrastinate's shutdown)
        except Exception:
            log.exception("job worker")
        finally:
            self._ready.set()

    async def _amain(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.current_task()
        self._ready.set()
        await _work(self.database, self.slots, self.limits, self.worker, wait=True)

    def stop(self, timeout: float = 30.0) -> None:
        if self._loop is not None and self._task is not None:
            self._loop.call_soon_threadsafe(self._task.cancel)
        if self._thread is not None:
            self._thread.join(timeout=timeout)


def run_one(
    database: Database, limits: JobLimits, worker: str, queues: list[str]
) -> int | None:
    """Fetch and run the next job of ``queues`` through procrastinate, here and now; the id of
    the job run (None when there is none)."""

    async def one() -> int | None:
        app = worker_app(database, limits, worker, pool_size=2)
        async with app.open_async():
            manager = app.job_manager
            worker_id = await manager.register_worker()
            try:
                while True:
                    job = await manager.fetch_job(queues, worker_id)
                    if job is None:
                        return None
                    job_id = int(str(job.task_kwargs["job_id"]))
                    try:
                        ran = await asyncio.to_thread(_run, database, job_id, limits, worker)
                    except BaseException:
                        await manager.finish_job(job, Status.FAILED, delete_job=False)
                        raise
                    await manager.finish_job(job, Status.SUCCEEDED, delete_job=True)
                    if ran:
                        return job_id
            finally:
                await manager.unregister_worker(worker_id)

    return asyncio.run(one())


def queues(big_allowed: bool) -> list[str]:
    return [SMALL_QUEUE, BIG_QUEUE] if big_allowed else [SMALL_QUEUE]
