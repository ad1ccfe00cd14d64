"""Damaged copies of real FIT files, and the fast summary scan against the full decode."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest

from retrostride.errors import FileRefused
from retrostride.importers.activity import parse_activity_file, read_summary
from retrostride.importers.activity._dispatch import summarize

REPO = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get("RETROSTRIDE_SHARED_DATA", REPO.parent / "shared" / "data"))
SUMMARY_FILES = sorted(
    str(p.relative_to(SHARED / "activity"))
    for folder in ("fit", "broken")
    for p in (SHARED / "activity" / folder).glob("*.fit")
    if p.stat().st_size > 200
) or ["fit/garmin-fenix-5-walk.fit"]


@pytest.mark.parametrize("fraction", [0.3, 0.6, 0.9, 0.999])
def test_truncated_fit_refused_then_salvaged(
    activity_dir: Path, tmp_path: Path, fraction: float
) -> None:
    """A watch whose battery dies leaves a truncated file: refuse, offer and honour --salvage."""
    original = (activity_dir / "fit" / "activity-small-fenix2-run.fit").read_bytes()
    cut = tmp_path / "cut.fit"
    cut.write_bytes(original[: int(len(original) * fraction)])
    with pytest.raises(FileRefused) as info:
        parse_activity_file(cut)
    assert info.value.salvageable and "cut.fit" in str(info.value)
    assert "truncated" in info.value.reason or "part-way" in info.value.reason
    parsed = parse_activity_file(cut, salvage=True)
    (session,) = parsed.sessions
    assert session.recovered and "kept" in session.recovered
    full = 2832.0  # the file's own total_elapsed_time
    assert session.elapsed_s is not None
    assert session.elapsed_s <= full + 1.0
    assert session.elapsed_s == pytest.approx(full * fraction, rel=0.15)


def test_truncated_inside_header_is_not_salvageable(activity_dir: Path, tmp_path: Path) -> None:
    original = (activity_dir / "fit" / "garmin-fenix-5-walk.fit").read_bytes()
    cut = tmp_path / "header.fit"
    cut.write_bytes(original[:10])
    with pytest.raises(FileRefused) as info:
        parse_activity_file(cut, salvage=True)
    assert not info.value.salvageable


def test_flipped_byte_fails_the_checksum(activity_dir: Path, tmp_path: Path) -> None:
    data = bytearray((activity_dir / "fit" / "2013-02-06-12-11-14.fit").read_bytes())
    data[len(data) // 2] ^= 0x01  # inside a record's value: still decodable, CRC wrong
    bad = tmp_path / "flipped.fit"
    bad.write_bytes(bytes(data))
    with pytest.raises(FileRefused) as info:
        parse_activity_file(bad)
    assert info.value.salvageable and "checksum" in info.value.reason
    parsed = parse_activity_file(bad, salvage=True)
    assert parsed.recovered is not None and "checksum" in parsed.recovered


def test_bytes_after_final_crc_are_a_warning(activity_dir: Path, tmp_path: Path) -> None:
    data = (activity_dir / "fit" / "garmin-fenix-5-walk.fit").read_bytes()
    padded = tmp_path / "padded.fit"
    padded.write_bytes(data + b"\x00" * 40)
    parsed = parse_activity_file(padded)
    assert parsed.recovered is None and len(parsed.sessions) == 1
    assert any("after the file's final checksum" in w for w in parsed.warnings)


def test_content_decides_the_format_not_the_name(activity_dir: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "actually-fit.gpx"
    renamed.write_bytes((activity_dir / "fit" / "garmin-fenix-5-walk.fit").read_bytes())
    assert parse_activity_file(renamed).source.format == "fit"


def test_size_limit(activity_dir: Path) -> None:
    with pytest.raises(FileRefused) as info:
        parse_activity_file(activity_dir / "fit" / "jk-garmin-stamina.fit", max_bytes=100_000)
    assert "size limit" in info.value.reason and "jk-garmin-stamina.fit" in str(info.value)
    with pytest.raises(FileRefused):
        read_summary(activity_dir / "fit" / "jk-garmin-stamina.fit", max_bytes=100_000)


@pytest.mark.parametrize("name", SUMMARY_FILES)
def test_summary_scan_agrees_with_full_decode(activity_dir: Path, name: str) -> None:
    """Our header walk must give what the full fitdecode decode gives, on every shared file."""
    path = activity_dir / name
    summary = read_summary(path)
    try:
        full = summarize(parse_activity_file(path))
    except FileRefused as exc:
        assert exc.salvageable  # damaged part-way: compare with the file's own session message
        full = summarize(parse_activity_file(path, salvage=True))
        assert summary.start_utc == full.start_utc
        assert summary.sport == full.sport
        return
    assert summary.sport == full.sport
    assert summary.start_utc == full.start_utc
    # the same scaled integers, decoded two ways: equal to float rounding
    assert summary.elapsed_s == pytest.approx(full.elapsed_s, rel=1e-12)
    if full.distance_m is None:
        assert summary.distance_m is None
    else:
        assert summary.distance_m == pytest.approx(full.distance_m, rel=1e-12)
    assert summary.source.sha256 == full.source.sha256


def test_summary_of_truncated_file_falls_back(activity_dir: Path, tmp_path: Path) -> None:
    data = (activity_dir / "fit" / "activity-small-fenix2-run.fit").read_bytes()
    cut = tmp_path / "cut.fit"
    cut.write_bytes(data[: len(data) // 2])
    summary = read_summary(cut)
    assert summary.start_utc is not None and summary.elapsed_s is not None
    assert summary.elapsed_s < 2832.0


@pytest.mark.parametrize(
    "name",
    [
        "fit/2013-02-06-12-11-14.fit",
        "fit/garmin-fenix-5-walk.fit",
        "gpx/gpxpy-korita-zbevnica.gpx",
        "tcx/tcxparser-test.tcx",
    ],
)
def test_random_damage_only_ever_refuses(activity_dir: Path, tmp_path: Path, name: str) -> None:
    """Cut, overwritten or deleted bytes: the file parses or is refused, never anything else."""
    import random

    rng = random.Random(7)
    data = (activity_dir / name).read_bytes()
    for k in range(24):
        damaged = bytearray(data)
        if k % 3 == 0:
            damaged = damaged[: rng.randrange(1, len(damaged))]
        elif k % 3 == 1:
            for _ in range(3):
                damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        else:
            start = rng.randrange(len(damaged) - 10)
            del damaged[start : start + rng.randrange(1, 10)]
        path = tmp_path / f"damaged{Path(name).suffix}"
        path.write_bytes(bytes(damaged))
        for salvage in (False, True):
            try:
                parse_activity_file(path, salvage=salvage)
            except FileRefused as exc:
                assert "please report" not in exc.reason
        with contextlib.suppress(FileRefused):
            read_summary(path)


def _as_course(data: bytes) -> bytes:
    """The same FIT file with file_id.type set to 6 (course) and the checksum recomputed."""
    from fitdecode.utils import compute_crc

    out = bytearray(data)
    pos = out[0]  # header size; the first message is file_id's definition, then its data
    assert out[pos] & 0x40
    big = out[pos + 2] == 1
    assert int.from_bytes(out[pos + 3 : pos + 5], "big" if big else "little") == 0
    n_fields = out[pos + 5]
    offset, type_at = 0, None
    for i in range(n_fields):
        num, size = out[pos + 6 + 3 * i], out[pos + 7 + 3 * i]
        if num == 0:
            type_at = offset
        offset += size
    assert type_at is not None
    data_start = pos + 6 + 3 * n_fields
    out[data_start + 1 + type_at] = 6
    body_end = len(out) - 2
    out[body_end:] = compute_crc(out[:body_end]).to_bytes(2, "little")
    return bytes(out)


def test_fit_files_that_are_not_activities_are_refused(activity_dir: Path, tmp_path: Path) -> None:
    course = tmp_path / "course.fit"
    course.write_bytes(_as_course((activity_dir / "fit" / "garmin-fenix-5-walk.fit").read_bytes()))
    with pytest.raises(FileRefused) as info:
        parse_activity_file(course)
    assert "course" in info.value.reason and "not an activity" in info.value.reason


def test_blank_bytes_before_xml_declaration_are_a_quirk(activity_dir: Path, tmp_path: Path) -> None:
    """Strava's TCX exports start with spaces before '<?xml', which XML forbids."""
    padded = tmp_path / "strava.tcx"
    padded.write_bytes(b"          " + (activity_dir / "tcx" / "tcxparser-test.tcx").read_bytes())
    parsed = parse_activity_file(padded)
    assert parsed.sessions[0].distance_m == pytest.approx(4689.24, abs=0.1)
    assert any("before the XML declaration" in w for w in parsed.warnings)
