"""FIT import: every shared FIT file, checked against its own summaries and the reference CSVs."""

from __future__ import annotations

import csv
import os
from datetime import UTC, datetime
from pathlib import Path

import fitdecode
import numpy as np
import pytest

from retrostride.errors import FileRefused
from retrostride.importers.activity import parse_activity_file
from retrostride.science.locomotion import Setting

REPO = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get("RETROSTRIDE_SHARED_DATA", REPO.parent / "shared" / "data"))
FIT_FILES = sorted(p.name for p in (SHARED / "activity" / "fit").glob("*.fit")) or [
    "garmin-fenix-5-walk.fit"
]


def _own_sessions(path: Path) -> list[dict[str, object]]:
    """The file's session messages, read directly with fitdecode (the reference)."""
    out = []
    with fitdecode.FitReader(path, check_crc=fitdecode.CrcCheck.RAISE) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "session":
                out.append({f.name: f.value for f in frame.fields})
    return out


@pytest.mark.parametrize("name", FIT_FILES)
def test_every_fit_file_imports_with_its_own_totals(activity_dir: Path, name: str) -> None:
    path = activity_dir / "fit" / name
    parsed = parse_activity_file(path)
    own = _own_sessions(path)
    assert len(parsed.sessions) == len(own)
    for session, msg in zip(
        parsed.sessions, sorted(own, key=lambda m: str(m["start_time"])), strict=True
    ):
        start = msg["start_time"]
        if isinstance(start, datetime):
            assert session.start_utc == start
        else:  # seconds since power-on: start unknown, with a warning
            assert session.start_utc is None
            assert any("clock was never set" in w for w in parsed.warnings)
        # the same scaled integers, decoded by us and by fitdecode: equal to float rounding
        assert session.elapsed_s == pytest.approx(msg["total_elapsed_time"], rel=1e-12)
        if msg.get("total_distance") is not None:
            assert session.distance_m == pytest.approx(msg["total_distance"], rel=1e-12)
        assert session.samples is not None and len(session.samples) > 0
        assert np.all(np.diff(session.samples.time_s) > 0)
        assert session.source is not None and session.source.format == "fit"


def test_fenix5_walk_matches_reference_csv(activity_dir: Path) -> None:
    parsed = parse_activity_file(activity_dir / "fit" / "garmin-fenix-5-walk.fit")
    (session,) = parsed.sessions
    assert session.sport == "walking"
    assert session.start_utc == datetime(2017, 6, 11, 14, 32, 51, tzinfo=UTC)
    assert session.utc_offset_s == -7 * 3600 and not session.offset_assumed  # PDT, from the file
    # the file's scaled integers (ms, cm) as the reference prints them: to float rounding
    assert session.elapsed_s == pytest.approx(45.379, rel=1e-12)
    assert session.distance_m == pytest.approx(67.85, rel=1e-12)
    with (activity_dir / "csv" / "garmin-fenix-5-walk-records.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    samples = session.samples
    assert samples is not None and len(samples) == len(rows) == 17
    assert samples.speed_m_s is not None and samples.cadence_spm is not None
    # the CSV prints the file's scaled integers in full: equal to float rounding
    np.testing.assert_allclose(samples.speed_m_s, [float(r["speed"]) for r in rows], rtol=1e-12)
    np.testing.assert_allclose(
        samples.distance_m, [float(r["distance"]) for r in rows], rtol=1e-12
    )
    np.testing.assert_allclose(
        samples.heart_rate_bpm, [float(r["heart_rate"]) for r in rows], rtol=1e-12
    )
    per_leg = np.array([float(r["cadence"]) for r in rows])
    # Steps per minute: FIT's per-leg cadence doubled with its fractional part (0 or 0.5).
    extra = samples.cadence_spm / 2.0 - per_leg
    on_half = np.isclose(extra, 0.0, rtol=0, atol=1e-9) | np.isclose(extra, 0.5, rtol=0, atol=1e-9)
    assert on_half.all(), extra
    assert samples.cadence_spm[0] == pytest.approx(107.0, rel=1e-12)  # 53 + 0.5 per leg
    lat = np.array([float(r["position_lat"]) for r in rows]) * 180.0 / 2**31
    np.testing.assert_allclose(samples.latitude_deg, lat, rtol=1e-12)
    assert session.segments and session.segments[0].cadence_spm == pytest.approx(
        (61 + 0.2265625) * 2, rel=1e-12
    )
    assert session.device_kcal == 4


def test_fenix5_run_matches_reference_csv(activity_dir: Path) -> None:
    (session,) = parse_activity_file(activity_dir / "fit" / "garmin-fenix-5-run.fit").sessions
    with (activity_dir / "csv" / "garmin-fenix-5-run-records.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert session.samples is not None and len(session.samples) == len(rows) == 21
    np.testing.assert_allclose(
        session.samples.distance_m, [float(r["distance"]) for r in rows], rtol=1e-12
    )


def test_compressed_speed_distance_matches_reference_csv(activity_dir: Path) -> None:
    parsed = parse_activity_file(activity_dir / "fit" / "compressed-speed-distance.fit")
    (session,) = parsed.sessions
    assert session.start_utc is None  # the watch's clock was never set
    assert session.distance_m == pytest.approx(10248.67, rel=1e-12)
    assert session.moving_s == pytest.approx(3772.75, rel=1e-12)
    with (activity_dir / "csv" / "compressed-speed-distance-records.csv").open() as handle:
        rows = list(csv.DictReader(handle, skipinitialspace=True))
    ref_t = np.array([float(r["Timestamp"]) for r in rows]) - 17217864  # session start_time
    samples = session.samples
    assert samples is not None
    # times are whole seconds here: keyed by the millisecond, float rounding cannot split a match
    index = {round(t * 1000): i for i, t in enumerate(samples.time_s)}
    hits = [
        (index[round(t * 1000)], r)
        for t, r in zip(ref_t, rows, strict=True)
        if round(t * 1000) in index
    ]
    assert len(hits) >= 0.95 * len(rows)
    assert samples.distance_m is not None and samples.speed_m_s is not None
    for i, row in hits:
        assert samples.distance_m[i] == pytest.approx(float(row["Distance [m]"]), rel=1e-12)
        assert samples.speed_m_s[i] == pytest.approx(float(row["Speed [m/s]"]), rel=1e-12)


def test_unset_clock_keeps_start_unknown(activity_dir: Path) -> None:
    parsed = parse_activity_file(activity_dir / "fit" / "antfs-dump.63.fit")
    (session,) = parsed.sessions
    assert session.start_utc is None and session.utc_offset_s is None
    assert session.elapsed_s == pytest.approx(3426.898, rel=1e-12)
    assert any("clock was never set" in w for w in parsed.warnings)
    assert session.samples is not None and session.samples.heart_rate_bpm is not None


def test_multisport_gives_linked_sessions(activity_dir: Path) -> None:
    parsed = parse_activity_file(activity_dir / "fit" / "sample_mulitple_header.fit")
    sports = [s.sport for s in parsed.sessions]
    assert sports == ["swimming", "transition", "cycling", "transition", "running"]
    groups = {s.group for s in parsed.sessions}
    assert len(groups) == 1 and None not in groups
    total = sum(s.elapsed_s or 0 for s in parsed.sessions)
    assert total / 3600 == pytest.approx(2.6, abs=0.05)
    # Running cadence doubled to steps, cycling kept in rpm.
    run, bike = parsed.sessions[4], parsed.sessions[2]
    assert run.samples is not None and bike.samples is not None
    assert np.nanmedian(run.samples.cadence_spm) > 140
    assert np.nanmedian(bike.samples.cadence_spm) < 120


def test_treadmill_is_indoor_without_positions(activity_dir: Path) -> None:
    (session,) = parse_activity_file(activity_dir / "fit" / "elevate-treadmill.fit").sessions
    assert session.setting is Setting.TREADMILL
    assert session.samples is not None and not session.samples.has_positions
    assert session.samples.power_w is not None  # Stryd developer field
    assert session.distance_m == pytest.approx(10630.37, rel=1e-12)
    assert session.utc_offset_s == -5 * 3600


def test_device_quirk_imports_with_a_warning(activity_dir: Path) -> None:
    parsed = parse_activity_file(
        activity_dir / "broken" / "elemnt-bolt-no-application-id-inside-developer-data-id.fit"
    )
    assert len(parsed.sessions) == 1
    assert any("application_id" in w for w in parsed.warnings)


@pytest.mark.parametrize(
    ("name", "words"),
    [("elevate-empty.fit", "empty"), ("elevate-appledouble-._empty.fit", "AppleDouble")],
)
def test_unreadable_files_are_refused(activity_dir: Path, name: str, words: str) -> None:
    with pytest.raises(FileRefused) as info:
        parse_activity_file(activity_dir / "broken" / name)
    assert name in str(info.value) and words in str(info.value)
    assert not info.value.salvageable


def test_strava_fault_refused_then_salvaged(activity_dir: Path) -> None:
    path = activity_dir / "broken" / "strava-android-app-201.10-b1218918.fit"
    with pytest.raises(FileRefused) as info:
        parse_activity_file(path)
    assert info.value.salvageable and path.name in str(info.value)
    assert "--salvage" not in str(info.value)  # the CLI words the remedy, not the importer
    parsed = parse_activity_file(path, salvage=True)
    (session,) = parsed.sessions
    assert parsed.recovered and session.recovered
    assert session.elapsed_s is not None and 4 * 60 < session.elapsed_s < 6 * 60
    assert session.samples is not None
    assert session.samples.time_s[-1] < 6 * 60  # the record dated 2085 is dropped
    assert np.nanmax(session.samples.speed_m_s) < 10
    assert any("2085" in w for w in parsed.warnings)
