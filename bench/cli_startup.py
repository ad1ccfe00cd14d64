"""CLI start-up: ``retrostride --help`` and one ``energy`` command against ``import numpy``.

Each command runs ``--runs`` times as a fresh process (what a person waits for); the median wall
time is printed with its ratio to ``python -c "import numpy"`` measured in the same run, the
peer the targets are stated against (help within 3x, energy within 4x).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

TARGETS = {"help": 3.0, "energy": 4.0}


def _median_wall_s(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15, help="runs per command (median taken)")
    args = parser.parse_args()
    here = os.path.join(os.path.dirname(sys.executable), "retrostride")
    script = shutil.which("retrostride") or here
    numpy_s = _median_wall_s([sys.executable, "-c", "import numpy"], args.runs)
    help_s = _median_wall_s([script, "--help"], args.runs)
    energy_s = _median_wall_s([script, "energy", "--speed", "3.5 mph", "--json"], args.runs)
    print(f"load average {os.getloadavg()[0]:.2f}; median of {args.runs} runs each")
    print(f"{'command':<40} {'wall s':>7} {'x numpy':>8} {'target':>7}")
    peer = 'python -c "import numpy"'
    print(f"{peer:<40} {numpy_s:>7.3f} {1.0:>8.2f}")
    for label, seconds, target in (
        ("retrostride --help", help_s, TARGETS["help"]),
        ('retrostride energy --speed "3.5 mph" --json', energy_s, TARGETS["energy"]),
    ):
        ratio = seconds / numpy_s
        verdict = "ok" if ratio <= target else "MISSED"
        print(f"{label:<40} {seconds:>7.3f} {ratio:>8.2f} {target:>6.0f}x {verdict}")


if __name__ == "__main__":
    main()
