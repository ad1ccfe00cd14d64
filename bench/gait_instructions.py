"""Throughput as instructions: retrostride's and mobgap's lower-back pipelines, one pass each.

Seconds move with the machine's load, and on a shared machine mobgap's numba and numpy code and
our numpy code do not slow down alike, so the wall-time ratio of :mod:`bench.gait` moves too.
The number of instructions a pass executes does not. Each pipeline runs in its own process
under valgrind's callgrind with counting switched off; the process loads the six Mobilise-D lab
tests (``imu/mobgap-lab``, the tests :mod:`bench.gait` times), analyses each once to warm up
(numba compiles or loads its cache, filter designs are cached), then switches counting on
(callgrind's client requests, from a small C helper compiled here), analyses every test once
and switches it off. Imports, loading and warm-up are not counted.

Run from the repository root: ``.venv/bin/python -m bench.gait_instructions`` (about 1 minute
for ours, 10-20 for mobgap under valgrind; ``--skip-mobgap`` for ours alone, with mobgap's last
count given by ``--mobgap-instructions``). Needs valgrind with its headers
(``valgrind/callgrind.h``) and a C compiler; mobgap from the ``bench`` extra.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data"
THROUGHPUT_GOAL = 100.0
"""retrostride's throughput over mobgap's (the goal of :mod:`bench.gait`)."""

_HELPER = """
#include <valgrind/callgrind.h>
void count_on(void) { CALLGRIND_ZERO_STATS; CALLGRIND_START_INSTRUMENTATION; }
void count_off(void) { CALLGRIND_STOP_INSTRUMENTATION; CALLGRIND_DUMP_STATS_AT("pass"); }
"""


def _build_helper(folder: Path) -> Path | None:
    """The client-request helper, or None without valgrind, its headers or a C compiler."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None or shutil.which("valgrind") is None:
        return None
    src, lib = folder / "count.c", folder / "libcount.so"
    src.write_text(_HELPER)
    built = subprocess.run(
        [cc, "-O2", "-shared", "-fPIC", "-o", str(lib), str(src)], capture_output=True
    )
    return lib if built.returncode == 0 else None


def _child(side: str, data: Path, lib_path: Path) -> None:
    """In the process valgrind runs: load, warm up, count one pass."""
    lib = ctypes.CDLL(str(lib_path))
    if side == "ours":
        from retrostride.gait.pipeline import analyze
        from retrostride.importers.imu import load_mobilised_mat

        recs = [
            rec
            for mat in sorted((data / "imu" / "mobgap-lab").glob("*/*/data.mat"))
            for rec in load_mobilised_mat(mat)
        ]
        for rec in recs:  # warm-up
            analyze(rec)
        lib.count_on()
        for rec in recs:
            analyze(rec)
        lib.count_off()
        print(f"tests {len(recs)}")
    else:
        from mobgap.pipeline import MobilisedPipelineHealthy

        from bench.gait_mobgap import load_tests

        tests = load_tests(data / "imu" / "mobgap-lab")
        for t in tests:  # warm-up: numba compiles or loads its cache
            MobilisedPipelineHealthy().safe_run(t.datapoint)
        lib.count_on()
        for t in tests:
            MobilisedPipelineHealthy().safe_run(t.datapoint)
        lib.count_off()
        print(f"tests {len(tests)}")


def count(side: str, data: Path, lib: Path, folder: Path) -> int:
    """Instructions of one pass of ``side`` ('ours' or 'mobgap') over the lab tests."""
    out = folder / f"callgrind.{side}"
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", NUMBA_NUM_THREADS="1")
    cmd = [
        "valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
        sys.executable, "-m", "bench.gait_instructions", "--child", side,
        "--data", str(data), "--lib", str(lib),
    ]
    subprocess.run(cmd, check=True, env=env, cwd=REPO, capture_output=True)
    total = 0
    for dump in folder.glob(f"callgrind.{side}*"):
        text = dump.read_text(errors="replace")
        if "Client Request: pass" in text:
            found = re.search(r"^totals: (\d+)", text, re.MULTILINE)
            total += int(found.group(1)) if found else 0
    if total == 0:
        raise SystemExit(f"no count for {side}: callgrind wrote no 'pass' dump in {folder}")
    return total


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="instructions per pass, retrostride vs mobgap")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--skip-mobgap", action="store_true", help="count ours only")
    parser.add_argument(
        "--mobgap-instructions", type=float, default=None,
        help="mobgap's count from an earlier run [millions], for the ratio with --skip-mobgap",
    )
    parser.add_argument("--child", choices=("ours", "mobgap"), help=argparse.SUPPRESS)
    parser.add_argument("--lib", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child, args.data, args.lib)
        return
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        lib = _build_helper(folder)
        if lib is None:
            print("skipped: needs valgrind with valgrind/callgrind.h and a C compiler")
            return
        ours = count("ours", args.data, lib, folder) / 1e6
        if args.skip_mobgap:
            theirs = args.mobgap_instructions
        else:
            theirs = count("mobgap", args.data, lib, folder) / 1e6
    print("instructions per pass over the 6 Mobilise-D lab tests (callgrind, after warm-up):")
    print(f"  retrostride {ours:,.0f} million")
    if theirs is None:
        print("  mobgap      (not counted: --skip-mobgap without --mobgap-instructions)")
    else:
        note = " (given)" if args.skip_mobgap else ""
        ratio = theirs / ours
        verdict = "PASS" if ratio >= THROUGHPUT_GOAL else "FAIL"
        print(f"  mobgap      {theirs:,.0f} million{note}")
        print(
            f"  retrostride / mobgap throughput: {ratio:.1f}x: {verdict} "
            f"(goal: >= {THROUGHPUT_GOAL:.0f}x)"
        )
    one, five, fifteen = os.getloadavg()
    print(f"  load average {one:.2f} {five:.2f} {fifteen:.2f} (instructions do not depend on it)")
    print(f"total bench time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
