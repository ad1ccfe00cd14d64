"""GPX and TCX import: every shared file does what the data README says."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import gpxpy
import numpy as np
import pytest

from retrostride.errors import FileRefused
from retrostride.importers.activity import parse_activity_file

# name -> (elapsed [s] or None for unknown, distance [km], README rounding [km])
GPX_EXPECTED = {
    "elevate-20171008_run_2067489619-garmin.gpx": (47 * 60, 4.4, 0.05),
    "elevate-20170319_run_906581465-strava.gpx": (33 * 60, 4.6, 0.05),
    "gpxparserjs-garmin_sample_file.gpx": (37.5 * 60, 5.1, 0.05),
    "gpxpy-korita-zbevnica.gpx": (3.7 * 3600, 6.3, 0.05),
    "gpxpy-cerknicko-jezero.gpx": (2 * 3600, 4.6, 0.05),
    "gpxpy-cerknicko-jezero-without-elevations.gpx": (2 * 3600, 4.6, 0.05),
    "gpxpy-cerknicko-without-times.gpx": (None, 4.6, 0.05),
    "gpxpy-Mojstrovka.gpx": (None, 2.7, 0.05),
}


@pytest.mark.parametrize("name", sorted(GPX_EXPECTED))
def test_gpx_files_import_with_readme_totals(activity_dir: Path, name: str) -> None:
    elapsed, km, tol = GPX_EXPECTED[name]
    parsed = parse_activity_file(activity_dir / "gpx" / name)
    (session,) = parsed.sessions
    assert session.distance_m is not None
    assert session.distance_m / 1000 == pytest.approx(km, abs=tol)
    if elapsed is None:
        assert session.elapsed_s is None and session.start_utc is None
        assert any("duration" in w for w in parsed.warnings)
    else:
        assert session.elapsed_s == pytest.approx(elapsed, rel=0.02)
        assert session.start_utc is not None


def test_gpx_distance_agrees_with_gpxpy(activity_dir: Path) -> None:
    path = activity_dir / "gpx" / "elevate-20171008_run_2067489619-garmin.gpx"
    with path.open() as handle:
        reference = gpxpy.parse(handle)
    (session,) = parse_activity_file(path).sessions
    assert session.distance_m == pytest.approx(reference.length_2d(), rel=0.005)
    assert session.elapsed_s == pytest.approx(reference.get_duration(), rel=1e-12)
    assert session.start_utc == reference.get_time_bounds().start_time.astimezone(UTC)


def test_gpx_extensions_and_cadence_in_steps(activity_dir: Path) -> None:
    (session,) = parse_activity_file(
        activity_dir / "gpx" / "elevate-20170319_run_906581465-strava.gpx"
    ).sessions
    assert session.sport == "running"
    assert session.samples is not None and len(session.samples) == 1038
    assert session.samples.heart_rate_bpm is not None
    assert session.samples.heart_rate_bpm[0] == 76  # the file's number, copied: exact
    assert session.samples.cadence_spm is not None
    # <gpxtpx:cad>45</gpxtpx:cad> per leg
    assert session.samples.cadence_spm[0] == pytest.approx(90, rel=1e-12)
    assert session.offset_assumed  # 'Z' times carry no local offset


def test_korita_imports_the_timed_hike_and_warns_about_the_untimed_track(
    activity_dir: Path,
) -> None:
    parsed = parse_activity_file(activity_dir / "gpx" / "gpxpy-korita-zbevnica.gpx")
    (session,) = parsed.sessions
    assert session.start_utc == datetime(2010, 10, 3, 9, 36, 30, tzinfo=UTC)
    assert session.samples is not None and len(session.samples) == 871 - 358
    assert any("untimed track" in w and "358 points" in w for w in parsed.warnings)


def test_mojstrovka_bogus_times_leave_duration_unknown(activity_dir: Path) -> None:
    parsed = parse_activity_file(activity_dir / "gpx" / "gpxpy-Mojstrovka.gpx")
    assert any("1901" in w and "invalid" in w for w in parsed.warnings)
    assert parsed.sessions[0].elapsed_s is None


def test_offsets_from_the_file_and_sub_seconds(activity_dir: Path) -> None:
    (session,) = parse_activity_file(
        activity_dir / "gpx" / "gpxpy-track-with-less-sec-time.gpx"
    ).sessions
    assert session.utc_offset_s == 3600 and not session.offset_assumed
    assert session.start_utc == datetime(2015, 12, 11, 14, 43, 13, tzinfo=UTC)
    assert session.elapsed_s == pytest.approx(0.994, abs=1e-6)  # to the microsecond


def test_empty_segment_is_ignored(activity_dir: Path) -> None:
    (session,) = parse_activity_file(
        activity_dir / "gpx" / "gpxpy-track-with-empty-segment.gpx"
    ).sessions
    assert session.samples is not None and len(session.samples) == 9


def test_home_zone_is_assumed_for_utc_times(activity_dir: Path) -> None:
    (session,) = parse_activity_file(
        activity_dir / "gpx" / "gpxpy-cerknicko-jezero.gpx", home_time_zone="Europe/Ljubljana"
    ).sessions
    assert session.utc_offset_s == 7200 and session.offset_assumed  # CEST in August


@pytest.mark.parametrize(
    ("folder", "name", "words"),
    [
        ("gpx", "gpxpy-gpx-with-node-with-comments.gpx", "single"),
        ("gpx", "gpxpy-unicode_with_bom.gpx", "waypoint"),
        ("broken/handcrafted", "activity_parser-tcx-no_activity.tcx", "Course"),
    ],
)
def test_files_without_an_activity_are_refused(
    activity_dir: Path, folder: str, name: str, words: str
) -> None:
    with pytest.raises(FileRefused) as info:
        parse_activity_file(activity_dir / folder / name)
    assert name in str(info.value) and words in info.value.reason
    assert "no activity" in info.value.reason


def test_bad_speed_value_dropped_with_warning(activity_dir: Path) -> None:
    parsed = parse_activity_file(
        activity_dir / "broken/handcrafted/activity_parser-gpx-bad_speed.gpx"
    )
    samples = parsed.sessions[0].samples
    assert samples is not None and samples.speed_m_s is not None
    # 5.4 is the file's number, copied: exact
    assert np.isnan(samples.speed_m_s[1]) and samples.speed_m_s[2] == 5.4
    assert any("'n/a'" in w for w in parsed.warnings)


def test_points_without_time_dropped_with_warning(activity_dir: Path) -> None:
    parsed = parse_activity_file(
        activity_dir / "broken/handcrafted/activity_parser-gpx-no_time.gpx"
    )
    samples = parsed.sessions[0].samples
    assert samples is not None and len(samples) == 2
    assert samples.heart_rate_bpm is not None and 999 not in samples.heart_rate_bpm
    assert any("2 point(s) without a usable time" in w for w in parsed.warnings)


@pytest.mark.parametrize(
    ("name", "line"),
    [("activity_parser-gpx-mixed_offset.gpx", 29), ("activity_parser-tcx-mixed_offset.tcx", 33)],
)
def test_mixed_offsets_drop_the_unplaceable_point(activity_dir: Path, name: str, line: int) -> None:
    parsed = parse_activity_file(activity_dir / "broken/handcrafted" / name)
    (session,) = parsed.sessions
    assert session.samples is not None and len(session.samples) == 2
    assert session.start_utc == datetime(2026, 3, 8, 9, 59, 59, tzinfo=UTC)
    assert session.elapsed_s == pytest.approx(1.0, abs=1e-6)  # to the microsecond
    assert session.utc_offset_s == -8 * 3600
    assert any(f"line {line}" in w and "no zone" in w for w in parsed.warnings)
    if name.endswith(".tcx"):
        assert any("not trusted" in w for w in parsed.warnings)
        assert session.segments[0].moving_s != 2.0  # the lap's own 2.0 would be copied as is


TCX_EXPECTED = {
    "elevate-20181021_run_3106033902-garmin.tcx": (28 * 60, 2.85, 3),
    "tcxparser-test.tcx": (33 * 60, 4.7, 3),
    "tcxparser-no_hr.tcx": (33 * 60, 4.7, 3),
    "tcxreader-sup_activity_1.tcx": (19 * 60, 1.2, 2),
}


@pytest.mark.parametrize("name", sorted(TCX_EXPECTED))
def test_tcx_files_import_with_laps(activity_dir: Path, name: str) -> None:
    elapsed, km, laps = TCX_EXPECTED[name]
    parsed = parse_activity_file(activity_dir / "tcx" / name)
    (session,) = parsed.sessions
    assert session.elapsed_s == pytest.approx(elapsed, rel=0.03)
    assert session.distance_m is not None
    assert session.distance_m / 1000 == pytest.approx(km, abs=0.05)
    assert len(session.segments) == laps
    laps_m = sum(s.distance_m or 0 for s in session.segments)
    assert session.distance_m == pytest.approx(laps_m, rel=1e-12)  # the same sum, maybe reordered


def test_tcx_lap_totals_and_sport(activity_dir: Path) -> None:
    (session,) = parse_activity_file(activity_dir / "tcx" / "tcxparser-test.tcx").sessions
    assert session.sport == "running"
    first = session.segments[0]
    # the lap's figures as the file prints them, to float rounding
    assert first.moving_s == pytest.approx(608.47, rel=1e-12)
    assert first.distance_m == pytest.approx(1609.34399414, rel=1e-12)
    assert first.device_kcal == 94 and first.heart_rate_bpm == 139
    sup = parse_activity_file(activity_dir / "tcx" / "tcxreader-sup_activity_1.tcx")
    assert sup.sessions[0].sport == "other"


@pytest.mark.parametrize("name", ["gpx/gpxpy-cerknicko-jezero.gpx", "tcx/tcxparser-test.tcx"])
def test_unterminated_xml_refused_then_salvaged(
    activity_dir: Path, tmp_path: Path, name: str
) -> None:
    data = (activity_dir / name).read_bytes()
    cut = tmp_path / ("cut" + Path(name).suffix)
    cut.write_bytes(data[: int(len(data) * 0.6)])
    with pytest.raises(FileRefused) as info:
        parse_activity_file(cut)
    assert info.value.salvageable and "part-way" in info.value.reason
    parsed = parse_activity_file(cut, salvage=True)
    full = parse_activity_file(activity_dir / name).sessions[0]
    kept = parsed.sessions[0]
    assert parsed.recovered and "complete points" in parsed.recovered
    assert kept.samples is not None and full.samples is not None
    assert 0.3 * len(full.samples) < len(kept.samples) < 0.8 * len(full.samples)
    assert kept.start_utc == full.start_utc


def test_bom_and_utf16(tmp_path: Path, activity_dir: Path) -> None:
    text = (activity_dir / "gpx" / "gpxpy-track-with-empty-segment.gpx").read_text("utf-8")
    bom = tmp_path / "bom.gpx"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert len(parse_activity_file(bom).sessions[0].samples or []) == 9


def test_cerknicko_variants_share_start_position_and_distance(activity_dir: Path) -> None:
    """The variants of one walk are recognisable even where the start time is unknown."""
    from retrostride.importers.activity import read_summary

    names = [
        "gpxpy-cerknicko-jezero.gpx",
        "gpxpy-cerknicko-jezero-without-elevations.gpx",
        "gpxpy-cerknicko-without-times.gpx",
    ]
    summaries = [read_summary(activity_dir / "gpx" / n) for n in names]
    first = summaries[0]
    assert first.start_utc == datetime(2010, 8, 5, 14, 23, 59, tzinfo=UTC)
    assert summaries[1].start_utc == first.start_utc
    assert summaries[2].start_utc is None
    for other in summaries[1:]:
        assert other.start_latitude_deg == pytest.approx(first.start_latitude_deg, abs=1e-4)
        assert other.start_longitude_deg == pytest.approx(first.start_longitude_deg, abs=1e-4)
        assert other.distance_m == pytest.approx(first.distance_m, rel=0.01)
