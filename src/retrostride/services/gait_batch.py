"""Analyse a folder of IMU recordings in parallel on Dask, resumable, one row per recording.

``run_batch`` sends one task per file to a Dask distributed cluster (a ``LocalCluster`` of worker
processes bound to 127.0.0.1 by default, or an existing scheduler), collects one row per recording
(a Mobilise-D ``data.mat`` holds several tests, so several rows), and writes them to a parquet file.

Restarting is cheap: a file is known by its absolute path (links not followed), size and
modification time (``mtime_ns``); whatever the output parquet or its sidecar journal already
holds for that key is skipped. Each finished file is appended to the journal
(``<out>.journal.jsonl``, one JSON line per row, flushed at once), so a crash loses at most the
files in flight; the parquet is rewritten atomically at the end and the journal then removed.
The rows of a file that changed since they were written are replaced by the new ones. A file
that fails is recorded with ``status="failed"`` and its error; the others go on. Failed files are
skipped on restart too (unchanged, they would fail again), unless ``retry_failed`` is set.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retrostride.errors import InputError

SUPPORTED_SUFFIXES = (".csv", ".mat", ".zip")
"""Files the IMU loaders read. ``infoForAlgo.mat`` (Mobilise-D participant data) is no recording."""

NOT_RECORDINGS = frozenset({"infoForAlgo.mat"})

KEY_COLUMNS = ("path", "size_bytes", "mtime_ns")

RESULT_COLUMNS = (
    "path",
    "size_bytes",
    "mtime_ns",
    "item",
    "status",
    "error",
    "placement",
    "duration_s",
    "n_bouts",
    "n_backward_bouts",
    "n_forward_bouts",
    "walking_s",
    "steps",
    "cadence_spm",
    "stride_length_m",
    "speed_m_s",
    "analysis_s",
    "file_s",
    "result_json",
)
"""One row per recording: the file key, the recording's name inside the file (``item``, empty for
a single-recording file), ``status`` (``ok`` or ``failed``), the error text, the recording's totals
(SI units; NaN where the placement does not allow the value), the analysis time [s], the time of
the file's whole task (loading and analysing all its recordings) [s] and the whole
``GaitResult.to_dict()`` as JSON."""


@dataclass(frozen=True, slots=True)
class FileKey:
    """Identity of one file's contents for resuming: absolute path, size [bytes], mtime [ns]."""

    path: str
    size_bytes: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> FileKey:
        stat = path.stat()
        return cls(str(path.absolute()), int(stat.st_size), int(stat.st_mtime_ns))


@dataclass(frozen=True, slots=True)
class BatchSummary:
    """What a batch run did: files analysed, failed and skipped, seconds, the output path."""

    analysed: int
    failed: int
    skipped: int
    rows: int
    seconds: float
    out: Path


def find_recordings(folder: Path) -> list[Path]:
    """Recording files under ``folder`` (recursive), sorted; raises ``InputError`` if none."""
    if not folder.is_dir():
        raise InputError("FOLDER", str(folder), "an existing folder of IMU recordings")
    files = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and p.name not in NOT_RECORDINGS
    )
    if not files:
        raise InputError(
            "FOLDER", str(folder), f"a folder holding recordings ({', '.join(SUPPORTED_SUFFIXES)})"
        )
    return files


def journal_path(out: Path) -> Path:
    """The sidecar journal of ``out``: one JSON line per finished row."""
    return out.with_name(out.name + ".journal.jsonl")


def read_rows(out: Path) -> list[dict[str, Any]]:
    """Rows already in ``out`` and its journal (journal rows win for the same file key)."""
    rows: list[dict[str, Any]] = []
    if out.exists():
        import pandas as pd

        rows.extend(pd.read_parquet(out).to_dict(orient="records"))
    journal = journal_path(out)
    if journal.exists():
        fresh: list[dict[str, Any]] = []
        with journal.open(encoding="utf-8") as handle:
            for line in handle:
                line = line.strip()
                if not line:
                    continue
                try:
                    fresh.append(json.loads(line))
                except json.JSONDecodeError:
                    continue  # a line cut short by a crash: that file is simply redone
        redone = {_key_of(r) for r in fresh}
        latest = {(*_key_of(r), str(r.get("item") or "")): r for r in fresh}  # last one wins
        rows = [r for r in rows if _key_of(r) not in redone] + list(latest.values())
    return rows


def _key_of(row: dict[str, Any]) -> tuple[str, int, int]:
    return (str(row["path"]), int(row["size_bytes"]), int(row["mtime_ns"]))


def write_parquet(rows: Iterable[dict[str, Any]], out: Path) -> None:
    """Write ``rows`` to ``out`` atomically (temporary file, then rename)."""
    import pandas as pd

    frame = pd.DataFrame(list(rows), columns=list(RESULT_COLUMNS))
    for name in ("size_bytes", "mtime_ns", "n_bouts", "n_backward_bouts", "n_forward_bouts"):
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("Int64")
    for name in ("duration_s", "walking_s", "steps", "cadence_spm", "stride_length_m"):
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
    for name in ("speed_m_s", "analysis_s", "file_s"):
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
    for name in ("path", "item", "status", "error", "placement", "result_json"):
        frame[name] = frame[name].astype("string")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, out)


def run_batch(
    folder: Path,
    out: Path,
    *,
    placement: str | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    processes: bool = True,
    retry_failed: bool = False,
    on_start: Callable[[int, int], None] | None = None,
    on_file_done: Callable[[str, list[dict[str, Any]]], None] | None = None,
) -> BatchSummary:
    """Analyse every recording under ``folder`` in parallel and write ``out`` (parquet).

    ``placement`` is the sensor placement for files whose format does not say it (``lower-back``,
    ``foot`` or ``phone``); ``scheduler`` the address of an existing Dask scheduler (else a
    ``LocalCluster`` of ``workers`` processes, default 2, on 127.0.0.1; ``processes=False`` runs
    the workers as threads, for tests). ``on_start(total, skipped)`` is called once the work is
    known and the workers are ready (modules imported); ``on_file_done(path, rows)`` after each
    file.
    """
    from retrostride.services.gait_batch_worker import analyze_file, check_placement, warm_up

    started = time.perf_counter()
    placement = check_placement(placement)
    if workers is not None and workers < 1:
        raise InputError("workers", workers, "a whole number of worker processes, 1 or more")
    files = find_recordings(folder)
    previous = read_rows(out)
    done = {
        _key_of(r)
        for r in previous
        if r.get("status") == "ok" or (r.get("status") == "failed" and not retry_failed)
    }
    todo: list[tuple[Path, FileKey]] = []
    current: dict[str, tuple[str, int, int]] = {}
    for path in files:
        key = FileKey.of(path)
        current[key.path] = (key.path, key.size_bytes, key.mtime_ns)
        if current[key.path] not in done:
            todo.append((path, key))
    skipped = len(files) - len(todo)

    def ready() -> None:
        if on_start is not None:
            on_start(len(todo), skipped)

    new_rows: list[dict[str, Any]] = []
    if todo:
        tasks = _Tasks(analyze_file, warm_up, ready, on_file_done)
        new_rows = _run_on_dask(todo, out, placement, scheduler, workers, processes, tasks)
    else:
        ready()
    # rows of a file that has changed since are stale: only its current version's rows stay
    rows = [r for r in read_rows(out) if current.get(str(r["path"]), _key_of(r)) == _key_of(r)]
    write_parquet(rows, out)
    journal_path(out).unlink(missing_ok=True)
    failed_files = {r["path"] for r in new_rows if r["status"] == "failed"}
    return BatchSummary(
        analysed=len(todo) - len(failed_files),
        failed=len(failed_files),
        skipped=skipped,
        rows=len(rows),
        seconds=time.perf_counter() - started,
        out=out,
    )


@dataclass(frozen=True, slots=True)
class _Tasks:
    """What runs on the workers (the file task, a warm-up) and the client-side callbacks."""

    analyze_file: Callable[..., list[dict[str, Any]]]
    warm_up: Callable[[], None]
    ready: Callable[[], None]
    on_file_done: Callable[[str, list[dict[str, Any]]], None] | None


def _run_on_dask(
    todo: list[tuple[Path, FileKey]],
    out: Path,
    placement: str | None,
    scheduler: str | None,
    workers: int | None,
    processes: bool,
    tasks: _Tasks,
) -> list[dict[str, Any]]:
    import distributed

    dd: Any = distributed  # distributed ships without type hints
    cluster: Any = None
    if scheduler:
        try:
            client = dd.Client(scheduler, timeout="20s")
        except ValueError as exc:
            raise InputError(
                "scheduler", scheduler, f"a Dask scheduler address like tcp://host:8786 ({exc})"
            ) from None
        except OSError as exc:
            raise OSError(f"cannot reach the Dask scheduler at {scheduler} ({exc})") from None
    else:
        # worker processes talk over TCP on the loopback interface only; threads in-process
        network = {"host": "127.0.0.1"} if processes else {}
        cluster = dd.LocalCluster(
            n_workers=workers or 2,
            threads_per_worker=1,
            processes=processes,
            # Dask's scheduler always serves HTTP (metrics): on a free loopback port, never 8787
            dashboard_address="127.0.0.1:0",
            **network,
        )
        client = dd.Client(cluster)
    rows: list[dict[str, Any]] = []
    try:
        client.run(tasks.warm_up)  # import the loaders and pipelines once on every worker
        tasks.ready()
        futures = {}
        for path, key in todo:
            future = client.submit(
                tasks.analyze_file,
                key.path,
                key.size_bytes,
                key.mtime_ns,
                placement,
                key=f"gait-{key.path}-{key.size_bytes}-{key.mtime_ns}",
                pure=False,
            )
            futures[future] = (path, key)
        journal = journal_path(out)
        journal.parent.mkdir(parents=True, exist_ok=True)
        with journal.open("a", encoding="utf-8") as handle:
            for future in dd.as_completed(futures):
                path, key = futures[future]
                if future.status == "finished":
                    file_rows = future.result()
                else:  # the worker died or the task was lost: still a row, still going on
                    try:
                        error = future.exception()
                    except Exception as exc:  # cancelled futures raise instead of returning
                        error = exc
                    file_rows = [failed_row(key, f"{type(error).__name__}: {error}", placement)]
                for row in file_rows:
                    handle.write(json.dumps(row, default=str) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
                rows.extend(file_rows)
                if tasks.on_file_done is not None:
                    tasks.on_file_done(str(path), file_rows)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return rows


def failed_row(key: FileKey, error: str, placement: str | None = None) -> dict[str, Any]:
    """The row recording that ``key`` could not be analysed, with the error text."""
    row: dict[str, Any] = dict.fromkeys(RESULT_COLUMNS)
    row.update(
        path=key.path,
        size_bytes=key.size_bytes,
        mtime_ns=key.mtime_ns,
        item="",
        status="failed",
        error=error,
        placement=placement,
    )
    return row
