"""Zip and gzip archives (checked before extraction) and retrostride's own CSV layout."""

from __future__ import annotations

import gzip
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from retrostride.errors import FileRefused
from retrostride.importers.activity import (
    ArchiveLimits,
    is_archive,
    parse_activity_file,
    parse_archive,
)
from retrostride.science.locomotion import Direction


def _export_zip(activity_dir: Path, target: Path) -> Path:
    """A Strava-like export: gzipped FIT and GPX, a plain TCX, macOS junk, a CSV of metadata."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        fit = (activity_dir / "fit" / "garmin-fenix-5-walk.fit").read_bytes()
        gpx = (activity_dir / "gpx" / "gpxpy-cerknicko-jezero.gpx").read_bytes()
        zf.writestr("activities/1.fit.gz", gzip.compress(fit))
        zf.writestr("activities/2.gpx.gz", gzip.compress(gpx))
        zf.writestr("activities/3.tcx", (activity_dir / "tcx" / "tcxparser-test.tcx").read_bytes())
        zf.writestr("__MACOSX/activities/._3.tcx", b"\x00\x05\x16\x07junk")
        zf.writestr("activities.csv", "Activity ID,Activity Date\n1,today\n")
        zf.writestr("activities/4.fit", b"")
    return target


def test_export_zip_imports_each_entry(activity_dir: Path, tmp_path: Path) -> None:
    archive = _export_zip(activity_dir, tmp_path / "export_123.zip")
    assert is_archive(archive)
    result = parse_archive(archive)
    parsed = {e.name: e for e in result.entries}
    assert parsed["export_123.zip!activities/1.fit.gz"].parsed is not None
    fit = parsed["export_123.zip!activities/1.fit.gz"].parsed
    assert fit is not None and fit.source.format == "fit"
    # The same bytes as the plain file: the duplicate check sees them as the same file.
    plain = parse_activity_file(activity_dir / "fit" / "garmin-fenix-5-walk.fit")
    assert fit.source.sha256 == plain.source.sha256
    assert parsed["export_123.zip!activities/2.gpx.gz"].parsed is not None
    assert parsed["export_123.zip!activities/3.tcx"].parsed is not None
    empty = parsed["export_123.zip!activities/4.fit"]
    assert empty.error is not None and "empty" in empty.error.reason
    assert any("__MACOSX" in w for w in result.warnings)
    assert any("activities.csv" in w and "not an activity" in w for w in result.warnings)


def test_path_traversal_entries_are_refused(activity_dir: Path, tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    fit = (activity_dir / "fit" / "garmin-fenix-5-walk.fit").read_bytes()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../../etc/walk.fit", fit)
        zf.writestr("/abs/walk.fit", fit)
        zf.writestr("ok/walk.fit", fit)
    result = parse_archive(archive)
    errors = [e for e in result.entries if e.error is not None]
    assert len(errors) == 2 and all("path traversal" in e.error.reason for e in errors)  # type: ignore[union-attr]
    assert [e.name for e in result.entries if e.parsed] == ["evil.zip!ok/walk.fit"]
    assert not (tmp_path.parent / "etc").exists()


def test_zip_bomb_is_refused_before_extraction(tmp_path: Path) -> None:
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.gpx", b"\0" * (50 * 1024 * 1024))  # compresses about 1000:1
    result = parse_archive(archive)
    (entry,) = result.entries
    assert entry.error is not None and "zip bomb" in entry.error.reason
    with pytest.raises(FileRefused) as info:
        parse_archive(archive, limits=ArchiveLimits(max_total_bytes=10 * 1024 * 1024))
    assert "over the limit" in info.value.reason


def test_gzip_bomb_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.fit.gz"
    bomb.write_bytes(gzip.compress(b"\0" * (20 * 1024 * 1024)))
    with pytest.raises(FileRefused) as info:
        parse_activity_file(bomb, max_bytes=5 * 1024 * 1024)
    assert "size limit" in info.value.reason


def test_nested_zip_depth(activity_dir: Path, tmp_path: Path) -> None:
    fit = (activity_dir / "fit" / "garmin-fenix-5-run.fit").read_bytes()
    inner = tmp_path / "inner.zip"
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("run.fit", fit)
    outer = tmp_path / "outer.zip"
    with zipfile.ZipFile(outer, "w") as zf:
        zf.write(inner, "UploadedFiles_Part1.zip")
    result = parse_archive(outer)
    assert [e.name for e in result.entries if e.parsed] == [
        "outer.zip!UploadedFiles_Part1.zip!run.fit"
    ]
    # A single-activity zip is also accepted where a file is expected.
    assert parse_activity_file(outer).sessions[0].sport == "running"
    deep = parse_archive(outer, limits=ArchiveLimits(max_depth=1))
    assert deep.entries[0].error is not None and "nested" in deep.entries[0].error.reason


def test_csv_per_sample_layout(tmp_path: Path) -> None:
    path = tmp_path / "treadmill.csv"
    path.write_text(
        "time,distance_m,speed_m_s,heart_rate_bpm,cadence_spm,incline_percent,direction,sport,"
        "setting\n"
        "2024-05-01T08:00:00+02:00,0,1.0,90,100,5,backward,walking,treadmill\n"
        "2024-05-01T08:00:10+02:00,10,1.0,95,102,5,backward,,\n"
        "2024-05-01T08:00:20+02:00,20,1.0,99,104,5,forward,,\n"
        "2024-05-01T08:00:30+02:00,30.5,1.05,100,104,5,forward,,\n"
    )
    (session,) = parse_activity_file(path).sessions
    assert session.start_utc == datetime(2024, 5, 1, 6, 0, tzinfo=UTC)
    assert session.utc_offset_s == 7200 and not session.offset_assumed
    assert session.elapsed_s == pytest.approx(30, rel=1e-12)
    assert session.distance_m == pytest.approx(30.5, rel=1e-12)
    assert session.sport == "walking" and session.setting.value == "treadmill"
    assert [s.direction for s in session.segments] == [Direction.BACKWARD, Direction.FORWARD]
    assert session.samples is not None and session.samples.incline_percent is not None


def test_csv_per_segment_layout(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(
        "segment,start,duration_s,speed_m_s,incline_percent,direction,load_kg\n"
        "1,2024-05-02T07:00:00Z,300,0.8,10,backward,\n"
        "2,,600,1.2,0,forward,5\n"
    )
    (session,) = parse_activity_file(path, home_time_zone="Europe/Ljubljana").sessions
    assert session.elapsed_s == pytest.approx(900, rel=1e-12)
    assert session.distance_m == pytest.approx(960, rel=1e-12)
    assert session.segments[1].start_offset_s == pytest.approx(300, rel=1e-12)
    assert session.segments[1].load_kg == 5  # the file's number, copied: exact


@pytest.mark.parametrize("column", ["surface", "terrain"])
def test_csv_surface_column_and_its_former_name(tmp_path: Path, column: str) -> None:
    path = tmp_path / "beach.csv"
    path.write_text(
        f"segment,duration_s,speed_m_s,direction,{column}\n1,300,0.8,backward,\n"
        "2,600,1.0,backward,loose-sand\n"
    )
    result = parse_activity_file(path)
    assert result.sessions[0].surface == "loose-sand"
    assert not any(column in w for w in result.warnings)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("time,speed_m_s\n2024-05-01T08:00:00+02:00,abc\n", "row 2, column 'speed_m_s'"),
        ("time,speed_m_s\n2024-05-01T08:00:00,1\n", "row 2, column 'time'"),
        ("elapsed_s,direction\n0,sideways\n", "row 2, column 'direction'"),
        ("elapsed_s,speed_m_s\n0,1\n5\n", "row 3"),
    ],
)
def test_csv_errors_name_row_and_column(tmp_path: Path, body: str, words: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(body)
    with pytest.raises(FileRefused) as info:
        parse_activity_file(path)
    assert words in str(info.value) and "bad.csv" in str(info.value)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "not a FIT, GPX, TCX"),
        (b"<?xml version='1.0'?>\n<!-- x -->\n<html><body/></html>", "root element is <html>"),
        (b"hello, world\nthis is text\n", "not a FIT, GPX, TCX"),
        (b"", "empty"),
    ],
)
def test_files_of_no_known_format_are_refused(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "ride.fit"
    path.write_bytes(content)
    with pytest.raises(FileRefused) as info:
        parse_activity_file(path)
    assert words in info.value.reason and "ride.fit" in str(info.value)
    assert not info.value.salvageable


def test_gzipped_files_as_strava_exports_them(activity_dir: Path, tmp_path: Path) -> None:
    from retrostride.importers.activity import read_summary

    for name in ("fit/garmin-fenix-5-walk.fit", "gpx/gpxpy-cerknicko-jezero.gpx"):
        packed = tmp_path / (Path(name).name + ".gz")
        packed.write_bytes(gzip.compress((activity_dir / name).read_bytes()))
        plain = parse_activity_file(activity_dir / name)
        unpacked = parse_activity_file(packed)
        assert unpacked.source.format == plain.source.format
        assert unpacked.sessions[0].start_utc == plain.sessions[0].start_utc
        # the same bytes through the same code: exact on purpose
        assert unpacked.sessions[0].distance_m == plain.sessions[0].distance_m
        assert any("gzip" in w for w in unpacked.warnings)
        assert read_summary(packed).start_utc == plain.sessions[0].start_utc
    broken = tmp_path / "cut.fit.gz"
    broken.write_bytes(gzip.compress(b"x" * 1000)[:20])
    with pytest.raises(FileRefused) as info:
        parse_activity_file(broken)
    assert "gzip" in info.value.reason


def test_unknown_home_zone_is_an_input_error(activity_dir: Path) -> None:
    from retrostride.errors import InputError

    with pytest.raises(InputError) as info:
        parse_activity_file(
            activity_dir / "gpx" / "gpxpy-cerknicko-jezero.gpx", home_time_zone="Mars/Olympus"
        )
    assert info.value.field == "home_time_zone"
