"""Crash safety for real: a SIGKILLed import leaves no half session; concurrent imports succeed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from retrostride.services import log
from retrostride.services.importing import Outcome, import_files
from retrostride.store.db import open_database

SYNTHETIC_POINTS = 30_000


def synthetic_gpx(path: Path, points: int, start: datetime) -> Path:
    """A long GPX walk made here: a point a second with position, elevation and heart rate."""
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="test" '
            'xmlns="http://www.topografix.com/GPX/1/1" xmlns:gpxtpx='
            '"http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n'
            "<trk><type>walking</type><trkseg>\n"
        )
        for i in range(points):
            moment = (start + timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
            out.write(
                f'<trkpt lat="{46.0 + i * 1e-5:.7f}" lon="{14.5 + (i % 500) * 1e-5:.7f}">'
                f"<ele>{300 + (i % 100) * 0.1:.1f}</ele><time>{moment}</time><extensions>"
                f"<gpxtpx:TrackPointExtension><gpxtpx:hr>{90 + i % 40}</gpxtpx:hr>"
                "</gpxtpx:TrackPointExtension></extensions></trkpt>\n"
            )
        out.write("</trkseg></trk></gpx>\n")
    return path


# Runs in the child: imports one file and, once its samples are written inside the still-open
# transaction (nothing committed), says so and waits to be killed. The hook wraps the store's
# one way to write samples, whichever path the backend takes (ORM row, or SQLite's blob I/O).
_KILLED_CHILD = """
import sys, time
from pathlib import Path
import retrostride.store.repository as repository
from retrostride.store.db import open_database
from retrostride.services.importing import import_files

url, file, marker = sys.argv[1:4]
_write_samples = repository.add_samples

def _hold(db, session_id, samples):
    _write_samples(db, session_id, samples)
    db.flush()
    Path(marker).write_text("writing")
    time.sleep(120)

repository.add_samples = _hold

import_files(open_database(url), [Path(file)])
print("not killed", file=sys.stderr)
sys.exit(3)
"""


def test_sigkill_half_way_through_an_import_leaves_no_half_session(
    database_url: str, tmp_path: Path
) -> None:
    big = synthetic_gpx(
        tmp_path / "long-walk.gpx", SYNTHETIC_POINTS, datetime(2024, 4, 1, 6, tzinfo=UTC)
    )
    db = open_database(database_url)
    log.get_person(db)  # the schema and the person exist before the crash
    db.close()
    marker = tmp_path / "marker"
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED_CHILD, database_url, str(big), str(marker)],
        stderr=subprocess.PIPE,
    )
    try:
        while not marker.exists():
            if child.poll() is not None:
                pytest.fail(
                    f"child ended early: {child.stderr.read().decode() if child.stderr else ''}"
                )
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL

    db = open_database(database_url)  # opens cleanly (SQLite recovers its WAL)
    try:
        with db.engine.connect() as conn:
            for table in ("session", "segment", "samples", "source_file", "import_log"):
                assert conn.execute(text(f'SELECT COUNT(*) FROM "{table}"')).scalar() == 0, table
            if db.is_sqlite:
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        # The file was not half-recorded: importing it again works.
        report = import_files(db, [big])
        assert report.results[0].outcome is Outcome.IMPORTED, report.results[0].message
        (session,) = log.list_sessions(db)
        stored = log.get_session(db, session.id or 0)
        assert stored.samples is not None and len(stored.samples) == SYNTHETIC_POINTS
    finally:
        db.close()


_IMPORTER = """
import sys
from pathlib import Path
from retrostride.store.db import open_database
from retrostride.services.importing import import_files
report = import_files(open_database(sys.argv[1]), [Path(p) for p in sys.argv[2:]])
for r in report.results:
    print(r.outcome.value, r.name, r.message)
sys.exit(0 if report.ok else 1)
"""


def test_two_processes_importing_into_one_database_at_once_both_succeed(
    database_url: str, tmp_path: Path, shared_data: Path
) -> None:
    fit = shared_data / "activity" / "fit"
    first = [
        fit / n
        for n in (
            "activity-small-fenix2-run.fit",
            "developer-types-sample.fit",
            "elevate-treadmill.fit",
            "jk-garmin-stamina.fit",
        )
    ]
    second = [
        fit / n
        for n in (
            "elevate-flagged-speed.fit",
            "jk-running-with-developer-data.fit",
            "sample_mulitple_header.fit",
            "null_compressed_speed_dist.fit",
        )
    ]
    first.append(synthetic_gpx(tmp_path / "a.gpx", 20_000, datetime(2024, 1, 1, tzinfo=UTC)))
    second.append(synthetic_gpx(tmp_path / "b.gpx", 20_000, datetime(2024, 2, 1, tzinfo=UTC)))
    # Both start on a database that does not exist yet: both also create the schema.
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _IMPORTER, database_url, *map(str, files)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for files in (first, second)
    ]
    outputs = [p.communicate() for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    db = open_database(database_url)
    try:
        names = {s.source.name for s in log.list_sessions(db) if s.source}
        assert names == {p.name for p in first + second}
    finally:
        db.close()


@pytest.mark.parametrize(
    ("names", "outcomes"),
    [
        (("fit/2013-02-06-12-11-14.fit", "fit/2013-02-06-12-11-14.fit"), ["duplicate", "imported"]),
        (("tcx/tcxparser-test.tcx", "tcx/tcxparser-no_hr.tcx"), ["imported", "probable_duplicate"]),
    ],
    ids=["same-file", "same-activity"],
)
def test_two_processes_importing_one_activity_at_once_store_it_once(
    database_url: str, shared_data: Path, names: tuple[str, str], outcomes: list[str]
) -> None:
    db = open_database(database_url)
    log.get_person(db)
    db.close()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _IMPORTER, database_url, str(shared_data / "activity" / name)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for name in names
    ]
    outputs = [p.communicate()[0].decode() for p in procs]
    assert sorted(o.split()[0] for o in outputs) == outcomes, outputs
    db = open_database(database_url)
    try:
        assert len(log.list_sessions(db)) == 1
    finally:
        db.close()
