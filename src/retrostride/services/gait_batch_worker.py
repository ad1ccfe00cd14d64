"""The task a Dask worker runs for one file of a gait batch: load, analyse, summarise; never raise.

Kept apart from :mod:`retrostride.services.gait_batch` so that workers import only what a task
needs (the loaders and the pipeline), not Dask's client side.

A retrostride CSV larger than ``STREAM_ABOVE_BYTES`` (days of data) is analysed in chunks
(:mod:`retrostride.gait.streaming`) so that a worker's memory stays bounded; its row then holds
the running totals, and its ``result_json`` the totals without the bouts.
"""

from __future__ import annotations

import json
import math
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from retrostride.errors import InputError
from retrostride.gait.recording import FootPair, Placement, Recording
from retrostride.gait.result import GaitResult
from retrostride.science.locomotion import Direction

PLACEMENTS = tuple(p.value for p in Placement)

STREAM_ABOVE_BYTES = 200 * 1024 * 1024
"""retrostride CSV files above this size [bytes] (about 12 h at 100 Hz) are streamed."""


def check_placement(placement: str | None) -> str | None:
    """``placement`` as one of ``lower-back``, ``foot``, ``phone`` (or None); else InputError."""
    if placement is None:
        return None
    try:
        return Placement(placement.strip().lower()).value
    except ValueError:
        raise InputError("placement", placement, " or ".join(PLACEMENTS)) from None


def load_items(path: Path, placement: str | None) -> list[tuple[str, Recording | FootPair]]:
    """The recordings of one file with their names inside it (empty for a single recording)."""
    from retrostride.importers.imu import load_recording

    loaded = load_recording(path, placement=placement)
    items = loaded if isinstance(loaded, list) else [loaded]
    out: list[tuple[str, Recording | FootPair]] = []
    for rec in items:
        source = rec.source or ""
        out.append((source.split("#", 1)[1] if "#" in source else "", rec))
    return out


def _num(value: float | None) -> float:
    return math.nan if value is None or not math.isfinite(value) else float(value)


def _weighted(result: GaitResult, attr: str) -> float:
    pairs = [
        (float(getattr(b, attr)), b.n_steps)
        for b in result.bouts
        if math.isfinite(float(getattr(b, attr))) and b.n_steps > 0
    ]
    steps = sum(w for _, w in pairs)
    return sum(v * w for v, w in pairs) / steps if steps else math.nan


def summary_row(result: GaitResult) -> dict[str, Any]:
    """The totals columns of one result (see ``gait_batch.RESULT_COLUMNS``): means over bouts
    weighted by steps; NaN where the placement gives no value."""
    totals = result.totals()
    return {
        "placement": result.placement.value,
        "duration_s": float(result.duration_s),
        "n_bouts": len(result.bouts),
        "n_backward_bouts": sum(1 for b in result.bouts if b.direction is Direction.BACKWARD),
        "n_forward_bouts": sum(1 for b in result.bouts if b.direction is Direction.FORWARD),
        "walking_s": float(result.walking_time_s),
        "steps": float(result.step_count),
        "cadence_spm": _num(totals.get("mean_cadence_spm")),
        "stride_length_m": _weighted(result, "stride_length_m"),
        "speed_m_s": _weighted(result, "speed_m_s"),
        "result_json": json.dumps(result.to_dict(strides=False)),
    }


def warm_up() -> None:
    """Import the loaders and every pipeline, so that the first file's timing is the file's."""
    import retrostride.gait.foot
    import retrostride.gait.lower_back
    import retrostride.gait.phone
    import retrostride.importers.imu  # noqa: F401


def streamed_summary_row(path: Path, placement: str | None) -> dict[str, Any]:
    """The totals columns of a retrostride CSV analysed in chunks, in bounded memory."""
    from retrostride.gait.streaming import StreamTotals, iter_bouts
    from retrostride.importers.imu.streaming import iter_generic_csv_chunks

    totals = StreamTotals()
    samples = 0
    head: list[Recording] = []

    def counted() -> Iterator[Recording]:
        nonlocal samples
        for chunk in iter_generic_csv_chunks(path, placement=placement):
            if not head:
                head.append(chunk)
            samples += len(chunk)
            yield chunk

    for bout in iter_bouts(counted()):
        totals.add(bout)
    first = head[0]
    return {
        "placement": first.placement.value,
        "duration_s": samples / first.sampling_rate_hz,
        "n_bouts": totals.n_bouts,
        "n_backward_bouts": totals.by_direction.get(Direction.BACKWARD.value, 0),
        "n_forward_bouts": totals.by_direction.get(Direction.FORWARD.value, 0),
        "walking_s": totals.walking_time_s,
        "steps": float(totals.step_count),
        "cadence_spm": totals.mean_cadence_spm,
        "stride_length_m": totals.mean_stride_length_m,
        "speed_m_s": totals.mean_speed_m_s,
        "result_json": json.dumps({"totals": totals.to_dict(), "streamed": True}),
    }


def _is_large_generic_csv(path: Path, size_bytes: int, limit: int) -> bool:
    if size_bytes <= limit or path.suffix.lower() != ".csv":
        return False
    from retrostride.importers.imu import detect_format

    return detect_format(path) == "retrostride-csv"


def analyze_file(
    path: str,
    size_bytes: int,
    mtime_ns: int,
    placement: str | None,
    stream_above_bytes: int = STREAM_ABOVE_BYTES,
) -> list[dict[str, Any]]:
    """Rows for one file: one per recording in it, or one ``failed`` row with the error."""
    from retrostride.gait.pipeline import analyze
    from retrostride.services.gait_batch import RESULT_COLUMNS, FileKey, failed_row

    key = FileKey(path, size_bytes, mtime_ns)
    task_started = time.perf_counter()
    try:
        rows: list[dict[str, Any]] = []
        if _is_large_generic_csv(Path(path), size_bytes, stream_above_bytes):
            row: dict[str, Any] = dict.fromkeys(RESULT_COLUMNS)
            row.update(path=path, size_bytes=size_bytes, mtime_ns=mtime_ns, item="")
            row.update(status="ok", error=None, **streamed_summary_row(Path(path), placement))
            row["analysis_s"] = row["file_s"] = time.perf_counter() - task_started
            return [row]
        items = load_items(Path(path), placement)
        for item, recording in items:
            started = time.perf_counter()
            result = analyze(recording)
            row = dict.fromkeys(RESULT_COLUMNS)
            row.update(path=path, size_bytes=size_bytes, mtime_ns=mtime_ns, item=item)
            row.update(status="ok", error=None, **summary_row(result))
            row["analysis_s"] = time.perf_counter() - started
            rows.append(row)
        for row in rows:
            row["file_s"] = time.perf_counter() - task_started
        return rows
    except Exception as exc:  # a bad file is recorded, the batch goes on
        detail = str(exc) or traceback.format_exc(limit=1).strip()
        row = failed_row(key, f"{type(exc).__name__}: {detail}", placement)
        row["file_s"] = time.perf_counter() - task_started
        return [row]
