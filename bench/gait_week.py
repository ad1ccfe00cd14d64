"""Week-long gait analysis in bounded memory: seconds and peak memory for 1 and 7 days.

A week of 100 Hz lower-back data is made by tiling the real Mobilise-D lab recordings (every
trial of every participant, in the body frame, end to end) into a float32 ``.npy`` file of shape
(n, 6). Each case then runs in its own subprocess, which imports everything, warms up, records
its resident memory (RSS), resets the kernel's peak-RSS mark (``/proc/self/clear_refs``), and
streams the first N days through :func:`retrostride.gait.streaming.iter_bouts` keeping only
running totals. Peak memory = peak RSS during the analysis minus the RSS before it.

Run alone: ``.venv/bin/python -m bench.gait_week [--days 1 7] [--workdir DIR]``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data"
RATE_HZ = 100.0
CHUNK_S = 600.0
SECONDS_PER_DAY = 86_400


def _status_kb(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def make_week(data_root: Path, out: Path, days: int) -> tuple[int, float]:
    """Write ``days`` of tiled lower-back data to ``out`` (.npy, float32, (n, 6)).

    Returns (samples, minutes of real recording in one tile).
    """
    from retrostride.importers.imu import load_mobilised_mat

    pieces = []
    for mat in sorted((data_root / "imu" / "mobgap-lab").rglob("data.mat")):
        for rec in load_mobilised_mat(mat):
            if rec.sampling_rate_hz != RATE_HZ or rec.gyr_rad_s is None:
                continue
            pieces.append(np.hstack([rec.acc_m_s2, rec.gyr_rad_s]).astype(np.float32))
    tile = np.concatenate(pieces)
    n = int(days * SECONDS_PER_DAY * RATE_HZ)
    week = np.lib.format.open_memmap(out, mode="w+", dtype=np.float32, shape=(n, 6))
    done = 0
    while done < n:
        take = min(len(tile), n - done)
        week[done : done + take] = tile[:take]
        done += take
    week.flush()
    del week
    return n, len(tile) / RATE_HZ / 60.0


def measure(path: Path, days: float) -> dict[str, Any]:
    """Stream ``days`` of ``path`` in this process; RSS figures from /proc (Linux)."""
    from retrostride.gait.streaming import StreamTotals, iter_bouts
    from retrostride.importers.imu.streaming import iter_npy_chunks

    # warm-up: import the pipeline's modules and touch its code paths once
    warm = next(iter_npy_chunks(path, sampling_rate_hz=RATE_HZ, chunk_s=120.0))
    list(iter_bouts([warm]))
    del warm
    baseline_kb = _status_kb("VmRSS")
    with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
        handle.write("5")  # reset VmHWM (peak RSS) to the current RSS
    n_chunks = round(days * SECONDS_PER_DAY / CHUNK_S)
    chunks = itertools.islice(
        iter_npy_chunks(path, sampling_rate_hz=RATE_HZ, chunk_s=CHUNK_S, sensor_height_m=0.97),
        n_chunks,
    )
    totals = StreamTotals()
    started = time.perf_counter()
    for bout in iter_bouts(chunks):
        totals.add(bout)
    seconds = time.perf_counter() - started
    peak_kb = _status_kb("VmHWM")
    return {
        "days": days,
        "seconds": round(seconds, 2),
        "baseline_rss_mb": round(baseline_kb / 1024, 1),
        "peak_increase_mb": round((peak_kb - baseline_kb) / 1024, 1),
        "totals": totals.to_dict(),
    }


def run_case(path: Path, days: float) -> dict[str, Any]:
    """:func:`measure` in a fresh subprocess (so that cases do not share memory)."""
    proc = subprocess.run(
        [sys.executable, "-m", "bench.gait_week", "--measure", str(path), "--days", str(days)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"the {days}-day case failed:\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def week_bench(data_root: Path, days: list[float], workdir: Path | None) -> list[dict[str, Any]]:
    """Make the tiled file, run each case, print a table; returns the case results."""
    owned = workdir is None
    folder = Path(tempfile.mkdtemp(prefix="retrostride-week-")) if workdir is None else workdir
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "lower_back_week_100hz.npy"
    try:
        started = time.perf_counter()
        n, tile_min = make_week(data_root, path, int(np.ceil(max(days))))
        print(
            f"tiled {n / RATE_HZ / SECONDS_PER_DAY:.0f} days of 100 Hz lower-back data "
            f"({tile_min:.1f} min of real recordings per tile, {path.stat().st_size / 2**30:.2f} "
            f"GiB float32) in {time.perf_counter() - started:.0f} s"
        )
        results = []
        print(
            f"{'days':>5} {'seconds':>9} {'s/rec-min':>10} {'peak MB':>9} {'bouts':>8} "
            f"{'steps':>10}"
        )
        for d in days:
            r = run_case(path, d)
            per_min = r["seconds"] / (d * 1440)
            t = r["totals"]
            print(
                f"{d:>5g} {r['seconds']:>9.1f} {per_min:>10.4f} {r['peak_increase_mb']:>9.1f} "
                f"{t['n_bouts']:>8} {t['step_count']:>10}"
            )
            results.append(r)
        if len(results) >= 2:
            lo, hi = results[0]["peak_increase_mb"], results[-1]["peak_increase_mb"]
            ratio = hi / lo if lo > 0 else float("inf")
            verdict = "PASS" if ratio <= 1.10 else "FAIL"
            print(
                f"peak memory {results[-1]['days']:g} days / {results[0]['days']:g} day: "
                f"{ratio:.2f} (goal <= 1.10): {verdict}"
            )
        return results
    finally:
        if owned:
            path.unlink(missing_ok=True)
            os.rmdir(folder)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--days", type=float, nargs="+", default=[1, 7])
    parser.add_argument("--workdir", type=Path, default=None, help="keep the tiled file here")
    parser.add_argument("--measure", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure is not None:
        print(json.dumps(measure(args.measure, args.days[0])))
        return
    week_bench(args.data, sorted(args.days), args.workdir)


if __name__ == "__main__":
    main()
