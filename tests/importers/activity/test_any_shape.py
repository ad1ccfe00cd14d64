"""Files a peer library reads: developer fields of any shape, impossible point times, and the
same damage treated the same way. FIT files are made with ``fitmaker`` to the FIT SDK layout."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from fitdecode.utils import compute_crc

from fitmaker import (
    ACTIVITY,
    DEVELOPER_DATA_ID,
    ENUM,
    FIELD_DESCRIPTION,
    FILE_ID,
    LAP,
    RECORD,
    SESSION,
    STRING,
    UINT8,
    UINT16,
    UINT32,
    fit_time,
    make_fit,
    walk_fit,
)
from retrostride.errors import FileRefused
from retrostride.importers.activity import parse_activity_file

_ID = (DEVELOPER_DATA_ID, [(3, UINT8, 0)])


def _desc(*fields: tuple[int, int, int | str]) -> tuple[int, list[tuple[int, int, int | str]]]:
    return (FIELD_DESCRIPTION, [(0, UINT8, 0), (1, UINT8, 0), *fields])


DEV_SHAPES = {
    # RunScribe / Connect IQ: a description without a name.
    "no name": ([_ID, _desc((2, UINT8, UINT16))], [(0, 2, 0, b"\x10\x00")]),
    "no description": ([_ID], [(0, 2, 0, b"\x10\x00")]),
    "no developer_data_id": ([], [(0, 2, 0, b"\x10\x00")]),
    "description before its developer_data_id": (
        [_desc((2, UINT8, UINT16), (3, STRING, "power"))],
        [(0, 2, 0, b"\x10\x00")],
    ),
    "undefined developer index": ([_ID, _desc((2, UINT8, UINT16))], [(0, 2, 5, b"\x10\x00")]),
    "unknown base type": (
        [_ID, _desc((2, UINT8, 0x77), (3, STRING, "power"))],
        [(0, 2, 0, b"\x10\x00")],
    ),
    "text named power": (
        [_ID, _desc((2, UINT8, STRING), (3, STRING, "Power"))],
        [(0, 4, 0, b"abc\x00")],
    ),
    "array named power": (
        [_ID, _desc((2, UINT8, UINT16), (3, STRING, "power"))],
        [(0, 4, 0, b"\x10\x00\x11\x00")],
    ),
}


@pytest.mark.parametrize("shape", sorted(DEV_SHAPES))
def test_developer_fields_of_any_shape_are_read(tmp_path: Path, shape: str) -> None:
    extra, record_dev = DEV_SHAPES[shape]
    path = tmp_path / "dev.fit"
    path.write_bytes(walk_fit(n_records=60, step_s=10, extra=extra, record_dev=record_dev))
    parsed = parse_activity_file(path)
    (session,) = parsed.sessions
    assert session.elapsed_s == pytest.approx(590.0, abs=0.01)
    assert session.distance_m == pytest.approx(708.0, abs=0.01)
    assert session.samples is not None and len(session.samples) == 60
    assert not any("report" in w or "Error" in w for w in parsed.warnings)


def test_a_named_numeric_developer_power_fills_the_power_channel(tmp_path: Path) -> None:
    extra = [
        (DEVELOPER_DATA_ID, [(1, UINT8, 7), (3, UINT8, 0)]),
        _desc((2, UINT8, UINT16), (3, STRING, "Power"), (8, STRING, "W")),
    ]
    path = tmp_path / "stryd.fit"
    path.write_bytes(walk_fit(extra=extra, record_dev=[(0, 2, 0, struct.pack("<H", 250))]))
    (session,) = parse_activity_file(path).sessions
    assert session.samples is not None and session.samples.power_w is not None
    assert session.samples.power_w == pytest.approx([250.0] * 60, abs=1e-9)


def _gpx(times: list[str]) -> str:
    points = "".join(
        f'<trkpt lat="46.0{i}" lon="14.5"><time>{t}</time></trkpt>' for i, t in enumerate(times)
    )
    return (
        '<?xml version="1.0"?><gpx version="1.1" creator="t" '
        'xmlns="http://www.topografix.com/GPX/1/1"><trk><type>walking</type>'
        f"<trkseg>{points}</trkseg></trk></gpx>"
    )


def _tcx(times: list[str], lap_start: str) -> str:
    points = "".join(
        f"<Trackpoint><Time>{t}</Time><DistanceMeters>{i * 60}</DistanceMeters></Trackpoint>"
        for i, t in enumerate(times)
    )
    return (
        '<?xml version="1.0"?><TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        'TrainingCenterDatabase/v2"><Activities><Activity Sport="Running"><Id>2024-05-01T10:00:00Z'
        f'</Id><Lap StartTime="{lap_start}"><TotalTimeSeconds>240</TotalTimeSeconds>'
        f"<DistanceMeters>240</DistanceMeters><Track>{points}</Track></Lap></Activity>"
        "</Activities></TrainingCenterDatabase>"
    )


@pytest.mark.parametrize(
    "bad", ["0000-01-01T00:00:00Z", "10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z"]
)
@pytest.mark.parametrize("fmt", ["gpx", "tcx"])
def test_a_point_dated_out_of_range_is_a_bad_point_not_a_refused_file(
    tmp_path: Path, bad: str, fmt: str
) -> None:
    times = [f"2024-05-01T10:0{i}:00Z" for i in range(5)]
    times[2] = bad
    path = tmp_path / f"y.{fmt}"
    path.write_text(_gpx(times) if fmt == "gpx" else _tcx(times, "2024-05-01T10:00:00Z"))
    parsed = parse_activity_file(path)
    (session,) = parsed.sessions
    assert session.elapsed_s == pytest.approx(240.0, abs=1e-6)
    assert session.samples is not None and len(session.samples) == 4
    assert any("1 point" in w for w in parsed.warnings), parsed.warnings


def test_a_lap_dated_year_10000_is_not_a_refused_file(tmp_path: Path) -> None:
    times = [f"2024-05-01T10:0{i}:00Z" for i in range(5)]
    path = tmp_path / "lap.tcx"
    path.write_text(_tcx(times, "10000-01-01T00:00:00Z"))
    (session,) = parse_activity_file(path).sessions
    assert session.elapsed_s == pytest.approx(240.0, abs=1e-6)


def _header(data_size: int, size: int = 14) -> bytes:
    head = struct.pack("<BBHI4s", size, 0x20, 2132, data_size, b".FIT")
    return head + (struct.pack("<H", compute_crc(head)) if size == 14 else b"")


@pytest.mark.parametrize(
    "tail",
    [
        b"\x00" * 40,  # junk
        _header(0),  # a bare header, no data
        _header(100),  # a header promising data that never came
        _header(100, 12),  # the same with the short header
        _header(100) + bytes([0x40, 0, 0, 20, 0, 3, 253]),  # a cut-off definition
    ],
    ids=["junk", "bare header", "empty part", "empty part, 12-byte header", "cut definition"],
)
@pytest.mark.parametrize("salvage", [False, True])
def test_no_data_after_a_complete_file_is_the_same_outcome(
    activity_dir: Path, tmp_path: Path, tail: bytes, salvage: bool
) -> None:
    whole = (activity_dir / "fit" / "garmin-fenix-5-walk.fit").read_bytes()
    path = tmp_path / "tail.fit"
    path.write_bytes(whole + tail)
    parsed = parse_activity_file(path, salvage=salvage)
    reference = parse_activity_file(activity_dir / "fit" / "garmin-fenix-5-walk.fit")
    assert parsed.recovered is None
    assert parsed.sessions[0].elapsed_s == pytest.approx(reference.sessions[0].elapsed_s, 1e-9)
    assert any("after the file's final checksum" in w for w in parsed.warnings)


def test_salvage_never_keeps_an_empty_linked_session(tmp_path: Path) -> None:
    """Two session messages; the records reach only the first; the file is cut after them."""
    t0 = fit_time(1_700_000_000)
    msgs: list[tuple[int, list[tuple[int, int, int | str]]]] = [
        (FILE_ID, [(0, ENUM, 4), (1, UINT16, 1)])
    ]
    msgs += [(RECORD, [(253, UINT32, t0 + i), (5, UINT32, i * 120)]) for i in range(30)]
    for start, sport in ((t0, 11), (t0 + 3600, 2)):
        msgs.append((LAP, [(253, UINT32, start + 29), (2, UINT32, start), (7, UINT32, 29000)]))
        msgs.append(
            (
                SESSION,
                [
                    (253, UINT32, start + 29),
                    (2, UINT32, start),
                    (5, ENUM, sport),
                    (7, UINT32, 29000),
                    (9, UINT32, 3480),
                ],
            )
        )
    msgs.append((ACTIVITY, [(253, UINT32, t0 + 3629), (1, UINT16, 2), (5, UINT32, t0 + 7229)]))
    data = make_fit(msgs)
    path = tmp_path / "cut.fit"
    path.write_bytes(data[:-6])  # cut inside the activity message, after both sessions
    with pytest.raises(FileRefused) as refused:
        parse_activity_file(path)
    assert refused.value.salvageable
    parsed = parse_activity_file(path, salvage=True)
    assert parsed.recovered
    (walk,) = parsed.sessions  # the cycling session's records were never written
    assert walk.sport == "walking" and walk.group is None
    assert walk.samples is not None and len(walk.samples) == 30
    assert any("cycling session had no records" in w for w in parsed.warnings)
