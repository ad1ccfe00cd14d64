"""The fast FIT decode gives exactly what the fitdecode path gives, or hands the file over."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fitdecode.utils import compute_crc

from retrostride.importers.activity import fit, fit_fast

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
