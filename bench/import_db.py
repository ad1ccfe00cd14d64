"""The whole import (parse + database write) against the bare parse, on SQLite and PostgreSQL.

Run from the repo root::

    .venv/bin/python -m bench.import_db [--shared PATH] [--mb 50] [--fit-mb 50] [--no-postgres]

Cases: the largest shared FIT, GPX and TCX files, and synthetic files of ``--mb`` MB made by
repeating one real file's points (GPX, TCX: ``bench.import_parse``'s generators; FIT: written
here, record by record, from a real file's records with fresh timestamps). For each case, in
its own subprocess: the bare library (fitdecode for FIT; an lxml ``iterparse`` into tuples for
GPX/TCX), the toolkit's parse (``parse_activity_file``), and the whole import
(``services.importing.import_files``: hash, parse, duplicate checks, energy, one transaction
writing the session, segments, samples blob and import log) into a fresh SQLite file and a
fresh PostgreSQL database. Points/s counts the stored samples, per wall-clock second and per
CPU second of the measuring process (steadier on a shared machine; for PostgreSQL it leaves out
the server's own work). Peak memory is the increase of the process's peak resident set
(``VmHWM``) over its baseline taken after imports and database opening, per MB of file. Times
are the best of ``--repeat`` runs for files under 10 MB (one run above).
"""

from __future__ import annotations

import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get(
    "RETROSTRIDE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


# ------------------------------------------------------------------ measured operations
def _bare(path: Path) -> int:
    from bench.import_parse import _fitdecode, _lxml_bare

    return _fitdecode(path) if path.suffix == ".fit" else _lxml_bare(path)


def _parse(path: Path) -> int:
    from retrostride.importers.activity import parse_activity_file

    parsed = parse_activity_file(path, max_bytes=1 << 34)
    return sum(len(s.samples) if s.samples is not None else 0 for s in parsed.sessions)


def _import(path: Path, url: str, run: int) -> tuple[int, float, float]:
    """(stored points, wall seconds, CPU seconds of this process) of the import alone."""
    from sqlalchemy import func, select

    from retrostride.services.importing import ImportOptions, Outcome, import_files
    from retrostride.store.db import open_database
    from retrostride.store.models import SamplesRow

    database = open_database(url)
    try:
        t0, c0 = time.perf_counter(), time.process_time()
        report = import_files(
            database,
            [path],
            person_name=f"bench-{run}",
            options=ImportOptions(max_bytes=1 << 34, allow_duplicate=True),
        )
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        result = report.results[0]
        if result.outcome is not Outcome.IMPORTED:
            raise RuntimeError(f"{path.name}: {result.outcome} {result.message}")
        with database.transaction() as db:
            query = select(func.sum(SamplesRow.n_points)).where(
                SamplesRow.session_id.in_(result.session_ids)
            )
            return int(db.scalar(query) or 0), seconds, cpu
    finally:
        database.close()


def _maxrss_mb() -> float:
    """This process's peak resident set [MB]: ``VmHWM`` of /proc/self/status.

    Not ``ru_maxrss``: Linux carries the parent's peak into a child across fork and exec, so a
    child of a large parent would start with a "peak" it never reached.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0  # kB
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def child(mode: str, path: Path, url: str, repeat: int) -> None:
    """One measurement; prints JSON: points, best seconds, peak memory increase [MB]."""
    import fitdecode  # noqa: F401  (imports belong to the baseline)
    import lxml.etree  # noqa: F401

    import retrostride.importers.activity._dispatch
    import retrostride.importers.activity.fit
    import retrostride.importers.activity.gpx
    import retrostride.importers.activity.tcx
    import retrostride.services.importing  # noqa: F401
    from retrostride.store.db import open_database

    if mode == "import":
        open_database(url).close()  # migrations and driver loading are not the import
    baseline = _maxrss_mb()
    best, best_cpu, points, peak = float("inf"), float("inf"), 0, 0.0
    for run in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        if mode == "bare":
            points = _bare(path)
        elif mode == "parse":
            points = _parse(path)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        if mode == "import":
            points, seconds, cpu = _import(path, url, run)
        best, best_cpu = min(best, seconds), min(best_cpu, cpu)
        if run == 0:
            peak = _maxrss_mb() - baseline
    print(json.dumps({"points": points, "seconds": best, "cpu_seconds": best_cpu, "peak_mb": peak}))


def run_case(mode: str, path: Path, url: str, repeat: int) -> dict[str, Any]:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.import_db",
            "--child",
            mode,
            str(path),
            url,
            "--repeat",
            str(repeat),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise RuntimeError(f"{mode} {path.name}: {out.stderr[-2000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


# ------------------------------------------------------------------ a synthetic FIT file
_FIT_EPOCH_S = 631_065_600  # 1989-12-31T00:00:00Z in Unix seconds (FIT SDK profile)
_CRC_TABLE = [0] * 256
for _i in range(256):
    _c = _i
    for _ in range(8):
        _c = (_c >> 1) ^ 0xA001 if _c & 1 else _c >> 1
    _CRC_TABLE[_i] = _c


def fit_crc(data: bytes | bytearray, crc: int = 0) -> int:
    """FIT's CRC-16 (CRC-16/ARC, polynomial 0x8005 reflected), as the FIT SDK defines it."""
    table = _CRC_TABLE
    for byte in data:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc


def _definition(local: int, global_num: int, fields: list[tuple[int, int, int]]) -> bytes:
    out = struct.pack("<BBBHB", 0x40 | local, 0, 0, global_num, len(fields))
    return out + b"".join(struct.pack("<BBB", *f) for f in fields)


_RECORD_FIELDS = [
    (253, 4, 0x86),
    (0, 4, 0x85),
    (1, 4, 0x85),
    (2, 2, 0x84),
    (3, 1, 0x02),
    (4, 1, 0x02),
    (5, 4, 0x86),
    (6, 2, 0x84),
]
_RECORD = struct.Struct("<BIiiHBBIH")


def synth_fit(source: Path, target: Path, min_mb: float) -> None:
    """A walking FIT file of ``min_mb`` MB or more: ``source``'s records repeated, 1 Hz."""
    import fitdecode

    points = []
    with fitdecode.FitReader(source) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "record":

                def raw(name: str, default: int, frame: Any = frame) -> int:
                    field = frame.get_field(name) if frame.has_field(name) else None
                    value = field.raw_value if field is not None else None
                    return default if value is None or isinstance(value, tuple) else int(value)

                points.append(
                    (
                        raw("position_lat", 0x7FFFFFFF),
                        raw("position_long", 0x7FFFFFFF),
                        raw("altitude", 0xFFFF),
                        raw("heart_rate", 0xFF),
                        raw("cadence", 0xFF),
                        raw("speed", 0xFFFF),
                    )
                )
    start = 1_500_000_000 - _FIT_EPOCH_S
    body = bytearray()
    body += _definition(
        0, 0, [(0, 1, 0x00), (1, 2, 0x84), (2, 2, 0x84), (3, 4, 0x8C), (4, 4, 0x86)]
    )
    body += struct.pack("<BBHHII", 0, 4, 1, 1, 12345, start)
    body += _definition(1, 20, _RECORD_FIELDS)
    n, distance_cm = 0, 0
    header_size = 14
    while header_size + len(body) < min_mb * 1e6:
        for lat, lon, alt, hr, cad, speed in points:
            distance_cm += speed // 10 if speed != 0xFFFF else 0  # speed [mm/s] over 1 s
            body += _RECORD.pack(1, start + n, lat, lon, alt, hr, cad, distance_cm, speed)
            n += 1
    end = start + n - 1
    elapsed_ms, dist = (n - 1) * 1000, distance_cm
    summary = [(253, 4, 0x86), (2, 4, 0x86), (7, 4, 0x86), (8, 4, 0x86), (9, 4, 0x86)]
    body += _definition(2, 19, [*summary, (25, 1, 0x00)])  # lap
    body += struct.pack("<BIIIIIB", 2, end, start, elapsed_ms, elapsed_ms, dist, 11)
    body += _definition(
        3, 18, [*summary, (5, 1, 0x00), (6, 1, 0x00), (25, 2, 0x84), (26, 2, 0x84)]
    )  # session: walking
    body += struct.pack("<BIIIIIBBHH", 3, end, start, elapsed_ms, elapsed_ms, dist, 11, 0, 0, 1)
    body += _definition(
        4,
        34,
        [(253, 4, 0x86), (0, 4, 0x86), (1, 2, 0x84), (2, 1, 0x00), (3, 1, 0x00), (4, 1, 0x00)],
    )  # activity
    body += struct.pack("<BIIHBBB", 4, end, elapsed_ms, 1, 0, 26, 1)
    header = bytearray(struct.pack("<BBHI4s", header_size, 0x20, 2132, len(body), b".FIT"))
    header += struct.pack("<H", fit_crc(header))
    crc = fit_crc(body, fit_crc(header))
    target.write_bytes(bytes(header) + bytes(body) + struct.pack("<H", crc))


# ------------------------------------------------------------------ the run
def _largest(folder: Path, pattern: str) -> Path:
    return max(folder.glob(pattern), key=lambda p: p.stat().st_size)


def _pg_database() -> str | None:
    try:
        import psycopg

        name = f"retrostride_bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    except Exception as exc:
        print(f"PostgreSQL unavailable ({exc.__class__.__name__}): SQLite only")
        return None


def _drop_pg(url: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def main() -> None:
    from bench.import_parse import synth_gpx, synth_tcx

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=Path(os.environ.get("RETROSTRIDE_SHARED_DATA", REPO.parent / "shared" / "data")),
    )
    parser.add_argument("--mb", type=float, default=50.0, help="synthetic GPX/TCX size [MB]")
    parser.add_argument("--fit-mb", type=float, default=50.0, help="synthetic FIT size [MB]")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "FILE", "URL"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), args.child[2], args.repeat)
        return
    act = args.shared / "activity"
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        cases = [
            (f"{p.suffix[1:].upper()} {p.name}", p)
            for p in (
                _largest(act / "fit", "*.fit"),
                _largest(act / "gpx", "*.gpx"),
                _largest(act / "tcx", "*.tcx"),
            )
        ]
        synth_gpx(
            act / "gpx" / "elevate-20170319_run_906581465-strava.gpx",
            tmp / "synthetic.gpx",
            args.mb,
        )
        synth_tcx(
            act / "tcx" / "elevate-20181021_run_3106033902-garmin.tcx",
            tmp / "synthetic.tcx",
            args.mb,
        )
        synth_fit(act / "fit" / "activity-small-fenix2-run.fit", tmp / "synthetic.fit", args.fit_mb)
        for suffix in ("gpx", "tcx", "fit"):
            path = tmp / f"synthetic.{suffix}"
            cases.append((f"{suffix.upper()} synthetic {path.stat().st_size / 1e6:.0f} MB", path))
        pg = None if args.no_postgres else _pg_database()
        try:
            targets = [("sqlite", None), *([("postgres", pg)] if pg else [])]
            print(
                f"{'case':<46}{'run':<16}{'points':>9}{'k pts/s':>9}{'CPU':>7}{'MB/MB':>7}"
                f"{'vs parse':>9}{'vs bare':>8}",
                flush=True,
            )
            for label, path in cases:
                size_mb = path.stat().st_size / 1e6
                repeat = 1 if size_mb > 10 else args.repeat
                rows = {
                    "bare": run_case("bare", path, "-", repeat),
                    "parse": run_case("parse", path, "-", repeat),
                }
                for name, url in targets:
                    url = url or f"sqlite:///{tmp / f'bench-{uuid.uuid4().hex[:8]}.sqlite'}"
                    rows[f"import {name}"] = run_case("import", path, url, repeat)
                for name, r in rows.items():
                    rate = r["points"] / r["seconds"] / 1000
                    cpu_rate = r["points"] / max(r["cpu_seconds"], 1e-9) / 1000
                    print(
                        f"{label[:45]:<46}{name:<16}{r['points']:>9}{rate:>9.1f}{cpu_rate:>7.1f}"
                        f"{r['peak_mb'] / size_mb:>7.2f}"
                        f"{r['seconds'] / rows['parse']['seconds']:>8.2f}x"
                        f"{r['seconds'] / rows['bare']['seconds']:>7.2f}x",
                        flush=True,
                    )
        finally:
            if pg:
                _drop_pg(pg)


if __name__ == "__main__":
    main()
