"""Export to JSON and CSV bundles and restore: a round trip that loses nothing."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from retrostride.errors import InputError
from retrostride.log.model import BodyMass, Samples, Segment, Session, Sex
from retrostride.science.locomotion import Direction, Setting
from retrostride.services import log
from retrostride.services.export import RestoreError, export_json, read_bundle, restore
from retrostride.services.export_csv import export_csv
from retrostride.services.importing import ImportOptions, Outcome, import_files
from retrostride.store.db import Database, open_database


def fill(db: Database, shared_data: Path) -> None:
    """A log with real imports (multisport, unknown start, salvaged), manual entries, a profile."""
    log.update_profile(
        db,
        log.ProfileChanges(
            add_mass=BodyMass(date(2016, 1, 1), 71.25),
            height_m=1.72,
            birth_year=1981,
            sex=Sex.MALE,
            home_time_zone="America/Los_Angeles",
        ),
    )
    log.update_profile(db, log.ProfileChanges(add_mass=BodyMass(date(2018, 3, 4), 69.5)))
    act = shared_data / "activity"
    report = import_files(
        db,
        [
            act / "fit" / "garmin-fenix-5-walk.fit",
            act / "fit" / "sample_mulitple_header.fit",
            act / "fit" / "antfs-dump.63.fit",
            act / "gpx" / "gpxpy-track-with-less-sec-time.gpx",
            act / "tcx" / "tcxparser-test.tcx",
        ],
        options=ImportOptions(direction=Direction.BACKWARD),
    )
    assert report.ok, [r.message for r in report.results]
    salvaged = import_files(
        db,
        [act / "broken" / "strava-android-app-201.10-b1218918.fit"],
        options=ImportOptions(salvage=True),
    )
    assert salvaged.results[0].outcome is Outcome.SALVAGED
    skipped = import_files(db, [act / "tcx" / "tcxparser-no_hr.tcx"])
    assert skipped.results[0].outcome is Outcome.PROBABLE_DUPLICATE
    weird = np.array([0.0, -0.0, 1e-300, np.nan, 1 / 3, 123456789.123456789])
    log.add_session(
        db,
        Session(
            sport="sled_drag",
            start_utc=datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=UTC),
            utc_offset_s=-34200,
            offset_assumed=True,
            elapsed_s=1 / 3,
            moving_s=None,
            distance_m=0.1,
            setting=Setting.DEADMILL,
            surface="grass",
            title="Schlitten «ü»",
            notes='line 1\nline 2, "quoted"',
            rpe=7.5,
            pain_before=0.0,
            pain_after=10.0,
            device_kcal=None,
            warnings=["w, with comma", "w2"],
            segments=[
                Segment(
                    0.0, 0.2, None, 0.05, Direction.MIXED, 0.25, -3.5, 10.0, 40.0, 120.0, 88.5, 1.25
                ),
                Segment(0.2, 0.1333, None, None, Direction.UNKNOWN),
            ],
            samples=Samples(
                time_s=np.arange(6.0), heart_rate_bpm=weird, incline_percent=weird[::-1]
            ),
        ),
    )
    log.edit_session(db, 1, log.SessionChanges(direction=Direction.FORWARD, segment=0))


def document(db: Database) -> dict[str, Any]:
    from retrostride.services.export import bundle_to_json

    out = bundle_to_json(read_bundle(db))
    out.pop("exported_at")
    return out


def assert_same_log(a: Database, b: Database) -> None:
    left, right = read_bundle(a), read_bundle(b)
    assert left.person == right.person
    assert left.import_log == right.import_log
    assert len(left.sessions) == len(right.sessions)
    for x, y in zip(left.sessions, right.sessions, strict=True):
        xs, ys = x.samples, y.samples
        x.samples = y.samples = None
        # every field, segments, source, warnings, energy, ids: exact on purpose (lossless)
        assert x == y
        assert (xs is None) == (ys is None)
        if xs is not None and ys is not None:
            assert xs.channels().keys() == ys.channels().keys()
            for name, values in xs.channels().items():
                assert values.tobytes() == ys.channels()[name].tobytes(), (x.id, name)
    assert document(a) == document(b)


@pytest.mark.parametrize("layout", ["json", "csv"])
def test_round_trip_loses_nothing(
    db: Database, shared_data: Path, tmp_path: Path, layout: str
) -> None:
    fill(db, shared_data)
    target = tmp_path / ("log.json" if layout == "json" else "log-csv")
    count = (export_json if layout == "json" else export_csv)(db, target)
    assert count == len(log.list_sessions(db)) >= 9
    copy = open_database(f"sqlite:///{tmp_path / 'copy.sqlite'}")
    try:
        assert restore(copy, target) == count
        assert_same_log(db, copy)
        # The restored log still knows its files: the same file is refused as a duplicate.
        again = import_files(copy, [shared_data / "activity" / "fit" / "garmin-fenix-5-walk.fit"])
        assert again.results[0].outcome is Outcome.DUPLICATE
        # New sessions get fresh ids after a restore that kept the old ones.
        fresh = log.add_session(copy, Session(sport="walking", start_utc=None, elapsed_s=1.0))
        assert fresh.id is not None and fresh.id > max(s.id or 0 for s in read_bundle(db).sessions)
    finally:
        copy.close()


def test_restore_into_either_database_from_a_sqlite_export(
    db: Database, shared_data: Path, tmp_path: Path
) -> None:
    source = open_database(f"sqlite:///{tmp_path / 'source.sqlite'}")
    try:
        fill(source, shared_data)
        export_json(source, tmp_path / "log.json")
        restore(db, tmp_path / "log.json")
        assert_same_log(source, db)
        fresh = log.add_session(db, Session(sport="walking", start_utc=None, elapsed_s=1.0))
        assert fresh.id is not None
    finally:
        source.close()


def test_restore_refuses_a_non_empty_log_unless_merging(
    db: Database, shared_data: Path, tmp_path: Path
) -> None:
    fill(db, shared_data)
    export_json(db, tmp_path / "log.json")
    with pytest.raises(RestoreError, match="already has sessions"):
        restore(db, tmp_path / "log.json")
    count = len(log.list_sessions(db))
    # Merging into the same log: every file is already there; only the hand-entered one is new.
    assert restore(db, tmp_path / "log.json", merge=True) == 1
    assert len(log.list_sessions(db)) == count + 1


def test_json_bundle_is_plain_documented_json(
    db: Database, shared_data: Path, tmp_path: Path
) -> None:
    fill(db, shared_data)
    export_json(db, tmp_path / "log.json")
    raw = (tmp_path / "log.json").read_text(encoding="utf-8")
    data = json.loads(raw)  # strict JSON: no NaN tokens
    assert "NaN" not in raw
    assert data["format"] == "retrostride-log" and data["version"] == 2
    session = next(s for s in data["sessions"] if s["sport"] == "sled_drag")
    assert session["samples"]["heart_rate_bpm"][3] is None
    assert session["segments"][0]["direction"] == "mixed"


@pytest.mark.parametrize("layout", ["json", "csv"])
def test_a_version_1_export_names_the_ground_terrain_and_still_restores(
    db: Database, shared_data: Path, tmp_path: Path, layout: str
) -> None:
    """Version 1 (JSON key, CSV column) said ``terrain``; it comes back as ``surface``."""
    fill(db, shared_data)
    target = tmp_path / ("log.json" if layout == "json" else "log-csv")
    (export_json if layout == "json" else export_csv)(db, target)
    if layout == "json":
        data = json.loads(target.read_text(encoding="utf-8"))
        data["version"] = 1
        for session in data["sessions"]:
            session["terrain"] = session.pop("surface")
        target.write_text(json.dumps(data), encoding="utf-8")
    else:
        manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
        (target / "manifest.json").write_text(json.dumps({**manifest, "version": 1}))
        sessions_csv = target / "sessions.csv"
        header, rest = sessions_csv.read_text(encoding="utf-8").split("\n", 1)
        assert header.split(",").count("surface") == 1
        old_header = ",".join("terrain" if c == "surface" else c for c in header.split(","))
        sessions_csv.write_text(old_header + "\n" + rest, encoding="utf-8")
    copy = open_database(f"sqlite:///{tmp_path / 'copy.sqlite'}")
    try:
        restore(copy, target)
        assert_same_log(db, copy)
        assert "grass" in {s.surface for s in log.list_sessions(copy)}
    finally:
        copy.close()


def test_restore_refuses_a_foreign_file(db: Database, tmp_path: Path) -> None:
    (tmp_path / "other.json").write_text('{"format": "gpx"}', encoding="utf-8")
    with pytest.raises(InputError, match="retrostride-log"):
        restore(db, tmp_path / "other.json")
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    with pytest.raises(InputError):
        restore(db, tmp_path / "broken.json")
