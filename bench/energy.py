"""Energy engine throughput: vectorised estimates per second against a per-row Python loop.

One million conditions (seeded random: 0.3-4.0 m/s, -10% to +15%, forward and backward, gait by
speed, 50-110 kg) go through :func:`retrostride.science.energy.estimate_arrays` in one call; a
sample of them goes through :func:`retrostride.science.energy.estimate` one row at a time (the
per-row Python loop), extrapolated to the million. A second mix switches every option on
(settings, surfaces, loads, sleds). Both wall-clock and CPU-time rates are printed: the CPU-time
rate is what one core delivers even when other processes share the machine. Goal: at least 5
million estimates a second on one core.

Run from the repository root: ``.venv/bin/python -m bench.energy`` (``--size N``,
``--loop-sample N``, ``--repeat N``).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from retrostride.science import energy

GOAL_PER_S = 5_000_000


def conditions(size: int, *, every_option: bool, seed: int = 2024) -> dict[str, Any]:
    """Seeded random conditions as arrays (keyword arguments of ``estimate_arrays``)."""
    rng = np.random.default_rng(seed)
    arrays: dict[str, Any] = {
        "speed_m_s": rng.uniform(0.3, 4.0, size),
        "grade_percent": rng.uniform(-10.0, 15.0, size),
        "direction": rng.integers(0, 2, size).astype(np.int8),
        "gait": np.zeros(size, dtype=np.int8),
        "body_mass_kg": rng.uniform(50.0, 110.0, size),
    }
    if every_option:
        arrays["setting"] = rng.integers(0, 4, size).astype(np.int8)
        arrays["surface"] = rng.integers(0, len(energy.SURFACE_NAMES), size).astype(np.int8)
        arrays["load_kg"] = np.where(rng.random(size) < 0.3, rng.uniform(0, 30, size), 0.0)
        arrays["sled_kg"] = np.where(rng.random(size) < 0.2, rng.uniform(0, 60, size), 0.0)
    return arrays


def _timed(call: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best wall-clock and best CPU seconds of ``repeat`` calls."""
    best_wall = best_cpu = float("inf")
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best_wall, best_cpu


def _loop(arrays: dict[str, Any], rows: int) -> None:
    for i in range(rows):
        energy.estimate(
            energy.Conditions(
                speed_m_s=float(arrays["speed_m_s"][i]),
                grade_percent=float(arrays["grade_percent"][i]),
                direction=energy.DIRECTION_CODES[int(arrays["direction"][i])],
                body_mass_kg=float(arrays["body_mass_kg"][i]),
                setting=energy.SETTING_CODES[int(arrays.get("setting", np.zeros(rows))[i])],
                surface=energy.SURFACE_NAMES[int(arrays.get("surface", np.zeros(rows))[i])],
                load_kg=float(arrays.get("load_kg", np.zeros(rows))[i]),
                sled_kg=float(arrays.get("sled_kg", np.zeros(rows))[i]),
            )
        )


def run(size: int, loop_sample: int, repeat: int, *, every_option: bool) -> dict[str, float]:
    """Time one mix; return estimates per second (vectorised wall/CPU, loop wall/CPU)."""
    arrays = conditions(size, every_option=every_option)
    energy.estimate_arrays(**{k: v[:1000] for k, v in arrays.items()})  # warm-up (fits, caches)
    wall, cpu = _timed(lambda: energy.estimate_arrays(**arrays), repeat)
    sample = min(loop_sample, size)
    loop_wall, loop_cpu = _timed(lambda: _loop(arrays, sample), 1)
    return {
        "vector_wall": size / wall,
        "vector_cpu": size / cpu,
        "loop_wall": sample / loop_wall,
        "loop_cpu": sample / loop_cpu,
        "loop_extrapolated_s": loop_wall * size / sample,
        "vector_s": wall,
    }


def main(argv: list[str] | None = None) -> None:
    """Print the figures of both mixes."""
    parser = argparse.ArgumentParser(prog="python -m bench.energy", description=__doc__)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--loop-sample", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    print(
        f"energy engine {energy.MODEL_VERSION}: {args.size:,} conditions, best of "
        f"{args.repeat}; per-row loop over {args.loop_sample:,} rows, extrapolated"
    )
    for label, every_option in (("walking/running mix", False), ("every option on", True)):
        figures = run(args.size, args.loop_sample, args.repeat, every_option=every_option)
        print(f"\n{label}:")
        print(
            f"  vectorised   {figures['vector_wall'] / 1e6:7.2f} M/s wall "
            f"({figures['vector_s']:.3f} s), {figures['vector_cpu'] / 1e6:7.2f} M/s CPU"
        )
        print(
            f"  per-row loop {figures['loop_wall'] / 1e3:7.2f} k/s wall "
            f"({figures['loop_extrapolated_s']:.0f} s for {args.size:,}), "
            f"{figures['loop_cpu'] / 1e3:7.2f} k/s CPU"
        )
        print(
            f"  ratio        {figures['vector_wall'] / figures['loop_wall']:7.0f} x wall, "
            f"{figures['vector_cpu'] / figures['loop_cpu']:7.0f} x CPU"
        )
        verdict = "met" if figures["vector_cpu"] >= GOAL_PER_S else "NOT met"
        print(f"  goal {GOAL_PER_S / 1e6:.0f} M/s on one core (CPU time): {verdict}")


if __name__ == "__main__":
    main()
