"""The fast FIT decode gives exactly what the fitdecode path gives, or hands the file over.

Its memory rules: each record field is read at its FIT width, the file's bytes released, then
the fields widened into columns: float32 for heart rate, cadence and power (whole numbers, and
cadence's 1/128 fractions, which float32 holds exactly), float64 for everything else. The
figures per MB of file are a benchmark (``bench.import_files --parts memory``), not a test;
here: the types, their exactness against fitdecode's float64 decode, and the release.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fitdecode.utils import compute_crc

from retrostride.importers.activity import (
    ReleasableBytes,
    fit,
    fit_fast,
    parse_activity_file,
    read_file,
)
from retrostride.importers.activity.fit_fast import _exact_in_float32

SHARED_FIT = [
    "fit/" + n
    for n in (
        "2013-02-06-12-11-14.fit",
        "20170518-191602-1740899583.fit",
        "activity-small-fenix2-run.fit",
        "antfs-dump.63.fit",
        "developer-types-sample.fit",
        "elevate-20171011_run_2088390344.fit",
        "elevate-bloemendaal-run.fit",
        "elevate-flagged-speed.fit",
        "elevate-treadmill.fit",
        "garmin-fenix-5-bike.fit",
        "garmin-fenix-5-run.fit",
        "garmin-fenix-5-walk.fit",
        "jk-failed.fit",
        "jk-garmin-stamina.fit",
        "jk-running-with-developer-data.fit",
        "jk-user_metrics.fit",
        "sample-activity-indoor-trainer.fit",
        "sample_mulitple_header.fit",
    )
] + ["broken/elemnt-bolt-no-application-id-inside-developer-data-id.fit"]
HANDED_OVER = [
    "fit/compressed-speed-distance.fit",  # accumulated compressed_speed_distance
    "fit/null_compressed_speed_dist.fit",
    "broken/strava-android-app-201.10-b1218918.fit",  # damaged part-way
]


def _slow(payload: bytes, monkeypatch: pytest.MonkeyPatch) -> fit.FitData:
    with monkeypatch.context() as m:
        m.setattr(fit_fast, "decode_fast", lambda _payload: None)
        return fit.decode_fit(Path("x.fit"), payload)


def _comparable(msg: dict[str, Any]) -> dict[str, Any]:
    """What fit_sessions reads: numbers, texts and raw times (fitdecode's datetimes left out)."""
    return {
        k: v
        for k, v in msg.items()
        if k.endswith("_raw") or (isinstance(v, (int, float, str, tuple)) and k + "_raw" not in msg)
    }


@pytest.mark.parametrize("name", SHARED_FIT)
def test_fast_decode_equals_fitdecode(
    activity_dir: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    payload = (activity_dir / name).read_bytes()
    slow = _slow(payload, monkeypatch)
    fast = fit_fast.decode_fast(payload)
    assert fast is not None
    # Exact: the same raw integers through the same scale and offset in IEEE doubles.
    assert list(fast.times) == list(slow.times)
    for channel, a, b in zip(fit.CHANNELS, fast.columns, slow.columns, strict=True):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b), err_msg=channel)
    for kind in ("sessions", "laps", "sports"):
        assert [_comparable(m) for m in getattr(fast, kind)] == [
            _comparable(m) for m in getattr(slow, kind)
        ]
    assert _comparable(fast.activity) == _comparable(slow.activity)
    assert _comparable(fast.file_id) == _comparable(slow.file_id)
    assert fast.warnings == slow.warnings
    assert (fast.dropped_junk, fast.orphan_records) == (slow.dropped_junk, slow.orphan_records)


@pytest.mark.parametrize("name", HANDED_OVER)
def test_unusual_files_are_handed_to_fitdecode(activity_dir: Path, name: str) -> None:
    assert fit_fast.decode_fast((activity_dir / name).read_bytes()) is None


def test_damaged_copies_are_handed_to_fitdecode(activity_dir: Path) -> None:
    data = (activity_dir / "fit" / "garmin-fenix-5-walk.fit").read_bytes()
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0x01
    for damaged in (data[: len(data) // 2], bytes(flipped), data + b"\x00" * 4):
        assert fit_fast.decode_fast(damaged) is None


def test_crc_is_the_fit_sdk_crc(activity_dir: Path) -> None:
    data = (activity_dir / "fit" / "jk-failed.fit").read_bytes()
    for chunk in (data[:12], data[:1000], data[:-2]):
        assert fit_fast.crc16(chunk) == compute_crc(chunk)


FLOAT64 = ("time_s", "latitude_deg", "longitude_deg", "altitude_m", "distance_m", "speed_m_s")
FLOAT32 = ("heart_rate_bpm", "cadence_spm", "power_w")


def test_which_fields_are_exact_in_float32() -> None:
    # FIT profile base types: 0x02 uint8, 0x84 uint16, 0x83 sint16, 0x85 sint32, 0x86 uint32
    assert _exact_in_float32(0x02, 0.0, 0.0)  # heart_rate, cadence [1/min]
    assert _exact_in_float32(0x02, 128.0, 0.0)  # fractional_cadence [1/128]
    assert _exact_in_float32(0x84, 0.0, 0.0)  # power [W]
    assert not _exact_in_float32(0x84, 5.0, 500.0)  # altitude: 1/5 m - 500 m
    assert not _exact_in_float32(0x84, 1000.0, 0.0)  # speed [mm/s]
    assert not _exact_in_float32(0x83, 100.0, 0.0)  # grade [1/100 %]
    assert not _exact_in_float32(0x85, 0.0, 0.0)  # positions [semicircles]: 32 bits
    assert not _exact_in_float32(0x86, 100.0, 0.0)  # distance [cm]
    # the rule holds for every value: uint16 / 128 round-trips float32, uint16 / 5 does not
    raw = np.arange(0, 0xFFFF, dtype=np.float64)
    by_128 = raw / 128.0
    assert np.array_equal(by_128.astype(np.float32).astype(np.float64), by_128)
    by_5 = raw / 5.0 - 500.0
    assert not np.array_equal(by_5.astype(np.float32).astype(np.float64), by_5)


@pytest.mark.parametrize("name", SHARED_FIT)
def test_narrow_columns_hold_fitdecodes_numbers(
    activity_dir: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = activity_dir / name
    fast = parse_activity_file(path)
    with monkeypatch.context() as m:
        m.setattr(fit_fast, "decode_fast", lambda _payload: None)
        slow = parse_activity_file(path)  # fitdecode: every channel float64
    assert len(fast.sessions) == len(slow.sessions)
    for a, b in zip(fast.sessions, slow.sessions, strict=True):
        # the stored totals are the same numbers (exact: the same doubles)
        for field in ("start_utc", "elapsed_s", "moving_s", "distance_m", "device_kcal"):
            assert getattr(a, field) == getattr(b, field), field
        assert a.segments == b.segments
        assert (a.samples is None) == (b.samples is None)
        if a.samples is None or b.samples is None:
            continue
        ours, theirs = a.samples.channels(), b.samples.channels()
        assert ours.keys() == theirs.keys()
        for channel, values in ours.items():
            expected = np.float32 if channel in FLOAT32 else np.float64
            assert values.dtype == expected, channel
            # widened, bit for bit the float64 decode (NaN where missing)
            np.testing.assert_array_equal(values.astype(np.float64), theirs[channel], channel)


def test_a_real_watch_files_channels(activity_dir: Path) -> None:
    parsed = parse_activity_file(activity_dir / "fit" / "jk-garmin-stamina.fit")
    samples = parsed.sessions[0].samples
    assert samples is not None
    kinds = {name: values.dtype for name, values in samples.channels().items()}
    assert {n for n, k in kinds.items() if k == np.float32} == set(FLOAT32)
    assert {n for n, k in kinds.items() if k == np.float64} == set(FLOAT64)


def test_the_fit_decoder_releases_handed_over_bytes(activity_dir: Path) -> None:
    path = activity_dir / "fit" / "activity-small-fenix2-run.fit"
    data = read_file(path)
    assert isinstance(data, ReleasableBytes) and bytes(data) == path.read_bytes()
    parsed = parse_activity_file(path, data=data)
    assert len(data) == 0  # released once the record fields were read
    assert parsed.sessions[0].samples is not None and len(parsed.sessions[0].samples) > 2000
    # a file fitdecode reads (accumulated compressed speed/distance) keeps its bytes
    unusual = activity_dir / "fit" / "compressed-speed-distance.fit"
    kept = read_file(unusual)
    parse_activity_file(unusual, data=kept)
    assert bytes(kept) == unusual.read_bytes()


def test_other_formats_are_read_as_bytes(activity_dir: Path) -> None:
    path = activity_dir / "gpx" / "gpxparserjs-garmin_sample_file.gpx"
    data = read_file(path)
    assert type(data) is bytes and data == path.read_bytes()
