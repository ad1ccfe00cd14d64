"""Cohort-scale gait analysis on Dask: throughput with 1 and 2 worker processes.

A folder of real recordings (copies of the phone, GENEActiv and Mobilise-D files in the shared
data, ``--copies`` times, so that there is enough work) is analysed with
:func:`retrostride.services.gait_batch.run_batch` on a fresh ``LocalCluster`` of 1 then 2 worker
processes (127.0.0.1), each run into a fresh output. Printed: wall time including the cluster's
start, the processing time (from the first task submitted to the last result), files and
recording-minutes per second, the summed time of the file tasks measured on the workers
(``task s``; it grows when the workers compete for the CPU), the parallel efficiency
``task s / (workers x processing s)``, and the speed-up of 2 workers over 1.

Run from the repository root: ``.venv/bin/python -m bench.gait_batch [--copies 4]``.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data"


def make_folder(data: Path, root: Path, copies: int) -> int:
    """Copy the recordings ``copies`` times under ``root``; returns the number of files."""
    imu = data / "imu"
    sources = sorted((imu / "phone-oxford").glob("*.csv"))
    sources += sorted((imu / "geneactiv-lumbar").glob("*.csv"))
    n = 0
    for k in range(copies):
        target = root / f"copy{k}"
        target.mkdir(parents=True)
        for src in sources:
            shutil.copy2(src, target / src.name)
            n += 1
        for who in ("HA", "MS"):
            lab = target / "lab" / who / "001"
            lab.mkdir(parents=True)
            for name in ("data.mat", "infoForAlgo.mat"):
                shutil.copy2(imu / "mobgap-lab" / who / "001" / name, lab / name)
            n += 1
    return n


def run(folder: Path, out: Path, workers: int) -> dict[str, Any]:
    from retrostride.services.gait_batch import run_batch

    marks: dict[str, float] = {}

    def on_start(total: int, skipped: int) -> None:
        marks["start"] = time.perf_counter()

    def on_file_done(path: str, rows: list[dict[str, Any]]) -> None:
        marks["end"] = time.perf_counter()

    started = time.perf_counter()
    summary = run_batch(
        folder, out, workers=workers, processes=True, on_start=on_start, on_file_done=on_file_done
    )
    wall = time.perf_counter() - started
    import pandas as pd

    frame = pd.read_parquet(out)
    minutes = float(frame.loc[frame["status"] == "ok", "duration_s"].sum()) / 60.0
    busy = float(frame.drop_duplicates("path")["file_s"].sum())
    return {
        "workers": workers,
        "files": summary.analysed + summary.failed,
        "failed": summary.failed,
        "wall_s": wall,
        "processing_s": marks["end"] - marks["start"],
        "recording_min": minutes,
        "busy_s": busy,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="gait batch throughput on 1 and 2 workers")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--copies", type=int, default=4, help="copies of the recording set")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="retrostride-batch-") as tmp:
        root = Path(tmp)
        n = make_folder(args.data, root / "recordings", args.copies)
        print(f"{n} files ({args.copies} copies of the phone, GENEActiv and Mobilise-D files)")
        print(
            f"{'workers':>7} {'wall s':>7} {'proc s':>7} {'files/s':>8} {'rec-min/s':>10} "
            f"{'failed':>6} {'task s':>7} {'efficiency':>10}"
        )
        results = []
        for w in args.workers:
            r = run(root / "recordings", root / f"results-{w}.parquet", w)
            results.append(r)
            print(
                f"{w:>7} {r['wall_s']:>7.1f} {r['processing_s']:>7.1f} "
                f"{r['files'] / r['processing_s']:>8.2f} "
                f"{r['recording_min'] / r['processing_s']:>10.1f} {r['failed']:>6} "
                f"{r['busy_s']:>7.1f} {r['busy_s'] / (w * r['processing_s']):>10.2f}"
            )
        if len(results) >= 2:
            speedup = results[0]["processing_s"] / results[-1]["processing_s"]
            print(
                f"speed-up {results[-1]['workers']} workers / {results[0]['workers']}: "
                f"{speedup:.2f}x (processing time)"
            )


if __name__ == "__main__":
    main()
