"""Cost per file of an import: the CLI against fitdecode alone, memory per MB, and a bulk export.

1. ``retrostride import`` of one real FIT file (``jk-garmin-stamina.fit``, 387 KB) as a fresh
   process into a fresh SQLite log, against a fresh process that only decodes the same file with
   fitdecode (``for frame in FitReader(path)``), interleaved in the same run; median wall time
   and the children's CPU time (the log is created first, untimed). Target: the CLI within
   1.5x of the decode-only script.
2. Peak memory of the FIT parse (``parse_activity_file``) per MB of file, on a synthetic walk of
   ``--mb`` MB (records of ``activity-small-fenix2-run.fit`` repeated at 1 Hz): the rise of the
   process's ``VmHWM`` over its value after the imports, the file's own bytes included, and the
   peak of Python's and numpy's allocations (``tracemalloc``) in a second fresh process; then the
   same ``VmHWM`` rise for the whole import (``import_files`` into a new SQLite log: read, hash,
   parse, samples encoded and written). Target: at most 3 MB per MB.
3. A bulk export of ``--files`` FIT files (each a 1 Hz walk of about 50 KB on its own day, so
   none is a duplicate of another) imported with ``import_files`` (duplicate checks on) by one
   and by two processes into one SQLite log. Target: 50 files/s or more on two cores.

Run from the repository root: ``.venv/bin/python -m bench.import_files [--runs 5] [--mb 20]
[--files 1000] [--parts cli,memory,bulk]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.import_db import (
    _FIT_EPOCH_S,
    _RECORD,
    _RECORD_FIELDS,
    _definition,
    _maxrss_mb,
    fit_crc,
    synth_fit,
)

SHARED = Path(
    os.environ.get("RETROSTRIDE_SHARED_DATA", Path(__file__).parents[2] / "shared" / "data")
)
FIT_DIR = SHARED / "activity" / "fit"
STAMINA = FIT_DIR / "jk-garmin-stamina.fit"
SOURCE = FIT_DIR / "activity-small-fenix2-run.fit"
DECODE_ONLY = "import sys, fitdecode\nfor _frame in fitdecode.FitReader(sys.argv[1]):\n    pass\n"
CLI = (
    "import sys\nfrom retrostride.cli import main\n"
    "sys.argv = ['retrostride', *sys.argv[1:]]\nmain()\n"
)
CREATE = "import sys\nfrom retrostride.store.db import open_database\nopen_database(sys.argv[1])\n"


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(argv: list[str]) -> tuple[float, float]:
    cpu0, wall0 = _child_cpu(), time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - wall0, _child_cpu() - cpu0


def cli_vs_decode(runs: int, folder: Path) -> None:
    cli: list[tuple[float, float]] = []
    peer: list[tuple[float, float]] = []
    for i in range(runs):
        peer.append(_timed([sys.executable, "-c", DECODE_ONLY, str(STAMINA)]))
        url = f"sqlite:///{folder / f'cli-{i}.sqlite'}"
        # The person's log exists (created untimed): what an import costs, not a first set-up.
        subprocess.run([sys.executable, "-c", CREATE, url], check=True)
        cli.append(_timed([sys.executable, "-c", CLI, "import", str(STAMINA), "--database", url]))
    print(
        f"1. one FIT file ({STAMINA.name}, {STAMINA.stat().st_size / 1e3:.0f} kB), "
        f"median of {runs} fresh processes, load average {os.getloadavg()[0]:.2f}"
    )
    print(f"   {'command':<34} {'wall s':>7} {'CPU s':>7}")
    for label, rows in (("fitdecode decode only", peer), ("retrostride import", cli)):
        print(
            f"   {label:<34} {statistics.median(r[0] for r in rows):>7.3f} "
            f"{statistics.median(r[1] for r in rows):>7.3f}"
        )
    wall = statistics.median(r[0] for r in cli) / statistics.median(r[0] for r in peer)
    cpu = statistics.median(r[1] for r in cli) / statistics.median(r[1] for r in peer)
    verdict = "ok" if wall <= 1.5 else "MISSED"
    print(f"   ratio import/decode: wall {wall:.2f}x, CPU {cpu:.2f}x (target 1.5x: {verdict})")


WARM = FIT_DIR / "garmin-fenix-5-walk.fit"
"""A small FIT of another day, parsed or imported first: the code an import loads (fitdecode's
profile, the importers, the store) is loaded once per process, not per megabyte of file, so the
rise measured after it is the file's own cost."""


def _memory_child(path: str, mode: str) -> None:
    """Print this process's memory for one parse (``parse``: VmHWM rise; ``trace``: the
    tracemalloc peak) or one whole import into a new SQLite log (``import``: VmHWM rise) [MB];
    ``-cold`` modes measure from before the code is loaded, the others after one small file."""
    import tracemalloc

    from retrostride.importers.activity import parse_activity_file

    cold = mode.endswith("-cold")
    mode = mode.removesuffix("-cold")
    if mode == "import":
        from retrostride.services.importing import ImportOptions, import_files
        from retrostride.store.db import open_database

        database = open_database(f"sqlite:///{path}.{'cold' if cold else 'warm'}.db")
        if not cold:
            assert import_files(database, [WARM]).ok
        before = _maxrss_mb()
        report = import_files(database, [Path(path)], options=ImportOptions(max_bytes=1 << 40))
        rise = _maxrss_mb() - before
        assert report.results[0].session_ids, report.results[0]
        print(f"{rise:.3f}")
        return
    if not cold:
        parse_activity_file(WARM)
    if mode == "trace":
        tracemalloc.start()
    before = _maxrss_mb()
    parsed = parse_activity_file(Path(path), max_bytes=1 << 40)
    rise = _maxrss_mb() - before
    if mode == "trace":
        rise = tracemalloc.get_traced_memory()[1] / 1e6
    assert parsed.sessions[0].samples is not None
    print(f"{rise:.3f}")


def memory(mb: float, folder: Path) -> None:
    path = folder / f"walk-{mb:g}mb.fit"
    synth_fit(SOURCE, path, mb)
    size_mb = path.stat().st_size / 1e6
    figures = {}
    modes = (
        ("parse", "FIT parse, VmHWM rise"),
        ("trace", "FIT parse, tracemalloc peak"),
        ("import", "whole import, VmHWM rise"),
        ("parse-cold", "FIT parse, VmHWM rise, code loading included"),
        ("import-cold", "whole import, VmHWM rise, code loading included"),
    )
    for mode, _ in modes:
        out = subprocess.run(
            [sys.executable, "-m", "bench.import_files", "--memory-child", str(path), mode],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()[-1]
        figures[mode] = float(out)
    for mode, label in modes:
        per_mb = figures[mode] / size_mb
        verdict = "ok" if per_mb <= 3.0 else "MISSED"
        target = "" if mode.endswith("-cold") else f" (target 3: {verdict})"
        print(
            f"2. {label} of a {size_mb:.1f} MB file: {figures[mode]:.1f} MB, "
            f"{per_mb:.2f} MB per MB{target}"
        )


def _points() -> list[tuple[int, ...]]:
    import fitdecode

    points = []
    with fitdecode.FitReader(SOURCE) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "record":
                row = []
                for name, default in (
                    ("position_lat", 0x7FFFFFFF),
                    ("position_long", 0x7FFFFFFF),
                    ("altitude", 0xFFFF),
                    ("heart_rate", 0xFF),
                    ("cadence", 0xFF),
                    ("speed", 0xFFFF),
                ):
                    value = frame.get_field(name).raw_value if frame.has_field(name) else None
                    row.append(default if value is None or isinstance(value, tuple) else int(value))
                points.append(tuple(row))
    return points


def _walk_file(points: list[tuple[int, ...]], start_unix: int, n_records: int) -> bytes:
    """A 1 Hz walking FIT file (file_id, records, lap, session, activity; both checksums)."""
    start = start_unix - _FIT_EPOCH_S
    body = bytearray(_definition(0, 0, [(0, 1, 0x00), (1, 2, 0x84), (2, 2, 0x84), (4, 4, 0x86)]))
    body += struct.pack("<BBHHI", 0, 4, 1, 1, start)
    body += _definition(1, 20, _RECORD_FIELDS)
    distance_cm = 0
    for n in range(n_records):
        lat, lon, alt, hr, cad, speed = points[n % len(points)]
        distance_cm += speed // 10 if speed != 0xFFFF else 0
        body += _RECORD.pack(1, start + n, lat, lon, alt, hr, cad, distance_cm, speed)
    end, elapsed_ms = start + n_records - 1, (n_records - 1) * 1000
    summary = [(253, 4, 0x86), (2, 4, 0x86), (7, 4, 0x86), (8, 4, 0x86), (9, 4, 0x86)]
    body += _definition(2, 19, [*summary, (25, 1, 0x00)])
    body += struct.pack("<BIIIIIB", 2, end, start, elapsed_ms, elapsed_ms, distance_cm, 11)
    body += _definition(3, 18, [*summary, (5, 1, 0x00), (6, 1, 0x00)])
    body += struct.pack("<BIIIIIBB", 3, end, start, elapsed_ms, elapsed_ms, distance_cm, 11, 0)
    header = bytearray(struct.pack("<BBHI4s", 14, 0x20, 2132, len(body), b".FIT"))
    header += struct.pack("<H", fit_crc(header))
    return bytes(header) + bytes(body) + struct.pack("<H", fit_crc(body, fit_crc(header)))


def _bulk_child(url: str, paths: list[str]) -> None:
    from retrostride.services.importing import import_files
    from retrostride.store.db import open_database

    database = open_database(url)
    report = import_files(database, [Path(p) for p in paths], person_name="bulk")
    bad = [r for r in report.results if r.outcome.value != "imported"]
    database.close()
    print(len(report.results) - len(bad), len(bad))


def bulk(n_files: int, folder: Path) -> None:
    points = _points()
    export = folder / "export"
    export.mkdir()
    for i in range(n_files):
        data = _walk_file(points, 1_600_000_000 + i * 86_400, 1800)
        (export / f"{i:05d}.fit").write_bytes(data)
    files = sorted(str(p) for p in export.iterdir())
    size_kb = sum(os.path.getsize(p) for p in files) / len(files) / 1e3
    print(
        f"3. bulk export: {n_files} FIT files of {size_kb:.0f} kB (30 min at 1 Hz each), "
        "duplicate checks on, one SQLite log"
    )
    for workers in (1, 2):
        url = f"sqlite:///{folder / f'bulk-{workers}.sqlite'}"
        subprocess.run(
            [
                sys.executable,
                "-c",
                f"from retrostride.store.db import open_database; open_database({url!r})",
            ],
            check=True,
        )
        started = time.perf_counter()
        children = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "bench.import_files",
                    "--bulk-child",
                    url,
                    *files[k::workers],
                ],
                stdout=subprocess.PIPE,
                text=True,
            )
            for k in range(workers)
        ]
        imported = failed = 0
        for child in children:
            out, _ = child.communicate()
            ok, bad = (int(x) for x in out.split()[-2:])
            imported, failed = imported + ok, failed + bad
        wall = time.perf_counter() - started
        rate = n_files / wall
        verdict = "" if workers == 1 else f" (target 50: {'ok' if rate >= 50 else 'MISSED'})"
        print(
            f"   {workers} process(es): {wall:.1f} s, {rate:.0f} files/s, "
            f"{imported} imported, {failed} not{verdict}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--mb", type=float, default=20.0)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--memory-child", nargs=2)
    parser.add_argument("--parts", default="cli,memory,bulk")
    parser.add_argument("--bulk-child", nargs="+")
    args = parser.parse_args(argv)
    if args.memory_child:
        _memory_child(*args.memory_child)
        return
    if args.bulk_child:
        _bulk_child(args.bulk_child[0], args.bulk_child[1:])
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        parts = set(args.parts.split(","))
        if "cli" in parts:
            cli_vs_decode(args.runs, folder)
        if "memory" in parts:
            memory(args.mb, folder)
        if "bulk" in parts:
            bulk(args.files, folder)


if __name__ == "__main__":
    main()
