"""``retrostride gait batch``: a folder of IMU recordings analysed in parallel on Dask.

Adds the ``batch`` command to the ``gait`` sub-app of :mod:`retrostride.cli.gait`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from retrostride.cli import fields
from retrostride.errors import InputError, RetrostrideError

console = Console()
err_console = Console(stderr=True)


def _fail(message: str, code: int) -> None:
    err_console.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def batch(
    folder: Annotated[
        Path, typer.Argument(help="Folder of recordings (searched recursively: .csv, .mat, .zip).")
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Results parquet: one row per recording (a failed file: one row with its "
            "error). Rerunning with the same --out skips files already done.",
        ),
    ],
    placement: Annotated[
        str | None,
        typer.Option(
            "--placement",
            help="lower-back, foot or phone, for files whose format does not say it.",
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Address of a running Dask scheduler (tcp://host:8786), whose workers see "
            "the same paths and have retrostride installed; default: a local cluster of worker "
            "processes on 127.0.0.1.",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", help="Worker processes of the local cluster (default 2)."),
    ] = None,
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="Analyse again the files that failed before.")
    ] = False,
) -> None:
    """Analyse every recording in FOLDER in parallel (Dask) and write the results to --out."""
    from retrostride.services.gait_batch import run_batch

    if out.suffix.lower() != ".parquet":
        _fail(str(InputError("--out", str(out), "a file name ending in .parquet")), 2)
    if scheduler is not None and workers is not None:
        _fail(
            str(InputError("--workers", workers, "no --workers with --scheduler (the cluster "
                                                 "has its own workers)")),
            2,
        )
    progress = Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )
    task: list[Any] = []
    failures: list[tuple[str, str]] = []

    def on_start(total: int, skipped: int) -> None:
        if skipped:
            console.print(f"{skipped} file(s) already done in {out}: skipped")
        task.append(progress.add_task("analysing", total=total))

    def on_file_done(path: str, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            if row["status"] == "failed":
                failures.append((path, str(row["error"])))
        progress.update(task[0], advance=1, description=Path(path).name[:40])

    try:
        with progress:
            summary = run_batch(
                folder,
                out,
                placement=placement,
                scheduler=scheduler,
                workers=workers,
                retry_failed=retry_failed,
                on_start=on_start,
                on_file_done=on_file_done,
            )
    except InputError as exc:
        _fail(fields.message(exc), 2)
        return
    except RetrostrideError as exc:
        _fail(str(exc), 1)
        return
    except OSError as exc:  # a scheduler that cannot be reached, an unwritable --out
        _fail(f"{exc.__class__.__name__}: {exc}", 1)
        return
    table = Table(title=f"gait batch: {folder}", show_header=True)
    for name in ("analysed", "failed", "skipped", "rows in output", "seconds"):
        table.add_column(name, justify="right")
    table.add_row(
        str(summary.analysed),
        str(summary.failed),
        str(summary.skipped),
        str(summary.rows),
        f"{summary.seconds:.1f}",
    )
    console.print(table)
    for path, error in failures[:20]:
        err_console.print(
            f"[yellow]failed:[/yellow] {path}: {error}", highlight=False, soft_wrap=True
        )
    console.print(f"results: {out}", highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add ``batch`` to the ``gait`` sub-app (registered by :mod:`retrostride.cli.gait`)."""
    from retrostride.cli.gait import gait_app

    gait_app.command("batch")(batch)
