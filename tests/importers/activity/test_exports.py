"""The bulk exports people have: Strava's (activities.csv) and Apple Health's export.zip.

The fixtures are made here, following the layouts their publishers document (Strava Support
article 216918437; the DTD every Health export.xml carries), with made-up data."""

from __future__ import annotations

import gzip
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from exportmaker import health_export_zip
from retrostride.importers.activity import parse_archive
from retrostride.importers.activity.apple_health import export_folder, parse_export_folder
from retrostride.importers.activity.archive import ArchiveResult
from retrostride.science.locomotion import Setting

STRAVA_HEADER = (
    "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,"
    "Distance,Max Heart Rate,Relative Effort,Commute,Activity Private Note,Activity Gear,"
    "Filename,Athlete Weight,Bike Weight,Elapsed Time,Moving Time,Distance\n"
)


def test_strava_export_fills_title_sport_description_and_gear(
    activity_dir: Path, tmp_path: Path
) -> None:
    fit = (activity_dir / "fit" / "garmin-fenix-5-run.fit").read_bytes()
    gpx = (activity_dir / "gpx" / "gpxpy-cerknicko-jezero.gpx").read_bytes()
    rows = (
        '101,"Jun 11, 2017, 2:32:51 PM",Backwards up the hill,Walk,"Ten minutes backward, '
        'then forward",57,0.16,,,false,,Old trainers,activities/101.fit.gz,,,57.0,57.0,158.0\n'
        '102,"Apr 1, 2012, 9:00:00 AM",Lake loop,Hike,,7190,4.6,,,false,,,activities/102.gpx,'
        ",,7190.0,7000.0,4600.0\n"
        '103,"Apr 2, 2012, 9:00:00 AM",Manual entry,Run,,600,2.0,,,false,,,,,,600.0,600.0,2000.0\n'
        '104,"Apr 3, 2012, 9:00:00 AM",Lost file,Walk,,600,1.0,,,false,,,activities/104.gpx,,,'
        "600.0,600.0,1000.0\n"
    )
    archive = tmp_path / "export_1234.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("activities.csv", STRAVA_HEADER + rows)
        zf.writestr("activities/101.fit.gz", gzip.compress(fit))
        zf.writestr("activities/102.gpx", gpx)
        zf.writestr("profile.csv", "Athlete ID,Email Address\n1,a@example.org\n")
    result = parse_archive(archive)
    parsed = {e.name.rsplit("/", 1)[-1]: e.parsed for e in result.entries}
    run = parsed["101.fit.gz"]
    assert run is not None
    (session,) = run.sessions
    assert session.title == "Backwards up the hill"
    assert session.sport == "walking"  # the person's Strava type replaces the watch's
    assert "Ten minutes backward, then forward" in session.notes
    assert "Gear: Old trainers" in session.notes
    hike = parsed["102.gpx"]
    assert hike is not None and hike.sessions[0].sport == "hiking"
    assert hike.sessions[0].title == "Lake loop"
    assert any("activities.csv" in w and "3 activities" in w for w in result.warnings)
    assert any("profile.csv" in w and "not an activity" in w for w in result.warnings)
    # nothing the list holds is dropped silently: the manual entry is named in a warning ...
    assert any(
        "1 activities have no file" in w and "'Manual entry' (Run, Apr 2, 2012, 9:00:00 AM)" in w
        for w in result.warnings
    ), result.warnings
    # ... and the row whose file is missing is a refused entry naming it
    (missing,) = [e for e in result.entries if e.error is not None]
    assert missing.name.endswith("activities/104.gpx")
    assert missing.error is not None and "'Lost file' (Walk" in missing.error.reason
    assert "not in the export" in missing.error.reason


def test_apple_health_export_workouts(tmp_path: Path) -> None:
    result = parse_archive(health_export_zip(tmp_path / "export.zip"))
    sessions = [s for e in result.entries if e.parsed for s in e.parsed.sessions]
    assert [e.error for e in result.entries] == [None, None]
    walk, run = sorted(sessions, key=lambda s: s.start_utc or 0)
    assert walk.sport == "walking" and walk.setting is Setting.OVERGROUND
    assert walk.start_utc is not None and walk.start_utc.hour == 8  # 10:00 +02:00
    assert walk.utc_offset_s == 7200
    assert walk.elapsed_s == pytest.approx(1800.0, abs=1e-9)
    assert walk.moving_s == pytest.approx(1800.0, abs=1e-9)
    assert walk.distance_m == pytest.approx(2400.0, abs=1e-9)
    assert walk.device_kcal == pytest.approx(120.0, abs=1e-9)
    assert walk.device == "Apple Health Watch"
    samples = walk.samples
    assert samples is not None and samples.latitude_deg is not None
    assert samples.heart_rate_bpm is not None
    # Route point at 10:05 local carries the 10:05 heart-rate sample (105 bpm).
    at = int(abs(samples.time_s - 300.0).argmin())
    assert samples.heart_rate_bpm[at] == pytest.approx(105.0, abs=1e-9)
    assert run.sport == "running" and run.setting is Setting.TREADMILL
    assert run.distance_m == pytest.approx(2.5 * 1609.344, abs=1e-6)
    assert run.device_kcal == pytest.approx(1000 / 4.184, rel=1e-12)
    assert run.elapsed_s == pytest.approx(1260.0, abs=1e-9)
    assert run.moving_s == pytest.approx(1200.0, abs=1e-9)
    assert any("1 workout(s) of other activities" in w for w in result.warnings)
    # Neither the route file nor the clinical document becomes a session of its own.
    assert len(result.entries) == 2


def test_apple_health_export_is_read_as_a_stream(tmp_path: Path) -> None:
    """Memory does not grow with export.xml: 40,000 records cost what 400 do."""

    def peak(n: int) -> int:
        archive = health_export_zip(tmp_path / f"export-{n}.zip", n_other_records=n)
        tracemalloc.start()
        parse_archive(archive)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    small, large = peak(400), peak(40_000)
    assert large < small * 1.5 + 2_000_000, (small, large)


def _unzip(archive: Path, folder: Path) -> Path:
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(folder)
    return folder


def test_an_unzipped_apple_health_export_reads_like_the_zip(tmp_path: Path) -> None:
    archive = health_export_zip(tmp_path / "export.zip")
    folder = _unzip(archive, tmp_path / "unzipped") / "apple_health_export"
    assert export_folder(folder.parent) == folder and export_folder(folder) == folder
    assert export_folder(tmp_path / "nothing") is None

    def sessions(result: ArchiveResult) -> list[tuple[object, ...]]:
        return sorted(
            (s.sport, s.start_utc, s.elapsed_s, s.distance_m, s.device_kcal, s.setting,
             len(s.samples) if s.samples is not None else 0, s.source.sha256 if s.source else "")
            for e in result.entries if e.parsed for s in e.parsed.sessions
        )

    from_zip, from_folder = sessions(parse_archive(archive)), sessions(parse_export_folder(folder))
    assert len(from_folder) == 2 and from_folder == from_zip
