"""``retrostride worker``: work the job queue (imports, gait analyses) of a database.

On SQLite the embedded queue's worker threads; on PostgreSQL procrastinate's workers, so any
number of them, on this machine or others, share the queue (``services.job_queue_pg``).
Received files are read from the server's upload folder, which a worker elsewhere needs mounted
at the same path. Each job runs in a child process with memory and CPU-time limits.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from typing import Annotated

import typer

from retrostride.cli.log import DatabaseOption, opened


def register(app: typer.Typer) -> None:
    @app.command()
    def worker(
        database: DatabaseOption = None,
        slots: Annotated[
            int, typer.Option("--slots", min=1, max=64, help="Jobs run at once by this worker.")
        ] = 2,
        memory_mb: Annotated[
            int, typer.Option("--memory-mb", min=64, help="Memory limit of one job [MB].")
        ] = 1024,
        cpu_s: Annotated[
            int, typer.Option("--cpu-s", min=1, help="CPU-time limit of one job [s].")
        ] = 600,
        once: Annotated[
            bool, typer.Option("--once", help="Run the queued jobs, then stop (no waiting).")
        ] = False,
    ) -> None:
        """Work the job queue (imports, gait analyses) in child processes with memory and CPU
        limits; on PostgreSQL, from any machine."""
        from retrostride.services.jobs import JobLimits, Workers, recover

        with opened(database) as db:
            workers = Workers(db, slots=slots, limits=JobLimits(memory_mb, cpu_s))
            if once:
                recover(db)
                count = 0
                while workers.run_once() is not None:
                    count += 1
                typer.echo(f"{count} job(s) run")
                return
            stop = threading.Event()
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
            workers.start()
            with contextlib.suppress(KeyboardInterrupt):
                stop.wait()
            workers.stop()
