"""Sensor Logger (Kelvin Choi's app for iOS and Android) zip or folder export.

Documented by its author in github.com/tszheichoi/awesome-sensor-logger (README, UNITS.md,
COORDINATES.md, CROSSPLATFORM.md): one CSV per sensor, columns ``time`` (ns since the epoch, UTC),
``seconds_elapsed``, ``z``, ``y``, ``x``; acceleration in m/s^2, angular rate in rad/s, device
axes (x right along the screen, y up along it, z out of it). ``TotalAcceleration.csv`` (Android)
includes gravity; ``Accelerometer.csv`` excludes it, and ``Gravity.csv`` is the gravity vector.
On iOS all acceleration and gravity axes carry the opposite sign to Android unless "Standardise
Units & Frames" was on; ``metadata.csv`` has a ``platform`` column.

Accelerometer with gravity = ``TotalAcceleration`` if present, else ``Accelerometer + Gravity``;
negated on iOS unless ``standardised=True``. Other sensors (pedometer, location...) are not
measurements used here; the pedometer's step total goes to ``reference["steps_pedometer"]``.
The gyroscope is resampled onto the accelerometer's uniform grid. The frame is ``device``
unless a ``mounting`` is given.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from retrostride.errors import FileRefused
from retrostride.gait.recording import FloatArray, Placement, Recording
from retrostride.importers.imu._bounds import (
    MAX_SAMPLES,
    ZIP_LIMITS,
    check_rows,
    read_member,
    zip_members,
)
from retrostride.importers.imu._common import (
    check_size,
    device_recording,
    require_finite,
    single,
    uniform_rate_hz,
    uniform_segments,
)


def _reader(path: Path, head: int | None = None) -> dict[str, bytes]:
    """CSV files of the export by base name (``Accelerometer.csv`` ...), each checked for size
    (zip entries by declared size and ratio) before it is read; ``head`` reads only each
    file's first bytes (format detection)."""
    files: dict[str, bytes] = {}
    if path.is_dir():
        for f in sorted(path.glob("*.csv"))[: ZIP_LIMITS.max_entries]:
            check_size(f, ZIP_LIMITS.max_entry_bytes)
            with f.open("rb") as handle:
                files[f.name] = handle.read(-1 if head is None else head)
    elif zipfile.is_zipfile(path):
        for info in zip_members(path):
            files[Path(info.filename).name] = read_member(path, info, head)
    else:
        with path.open("rb") as handle:
            files[path.name] = handle.read(-1 if head is None else head)
    return files


def _table(path: Path, name: str, blob: bytes) -> pd.DataFrame:
    """A CSV of the export, parsed with the row cap."""
    try:
        table = pd.read_csv(io.BytesIO(blob), nrows=MAX_SAMPLES + 1)
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise FileRefused(path, f"{name} is not a readable CSV table ({exc})") from None
    check_rows(path, len(table))
    return table


def is_sensor_logger(files: dict[str, bytes]) -> bool:
    return any(
        n in files and files[n][:200].lstrip(b"\xef\xbb\xbf").startswith(b"time,seconds_elapsed")
        for n in ("TotalAcceleration.csv", "Accelerometer.csv")
    )


def _xyz(path: Path, name: str, blob: bytes) -> tuple[FloatArray, FloatArray, FloatArray]:
    df = _table(path, name, blob)
    try:
        t_ns = df["time"].to_numpy(dtype=np.float64)
        t = df["seconds_elapsed"].to_numpy(dtype=np.float64)
        v = df[["x", "y", "z"]].to_numpy(dtype=np.float64)
    except (KeyError, ValueError, pd.errors.ParserError) as exc:
        raise FileRefused(
            path, f"{name}: expected columns time, seconds_elapsed, z, y, x ({exc})"
        ) from None
    require_finite(path, name, v)
    return t, v, t_ns


def sensor_logger_segments(
    path: str | Path,
    *,
    placement: Placement | str = Placement.PHONE,
    mounting: str | None = None,
    standardised: bool = False,
) -> list[Recording]:
    """A Sensor Logger export as one recording per segment between time gaps."""
    path = Path(path)
    check_size(path)
    files = _reader(path)
    if not is_sensor_logger(files):
        raise FileRefused(
            path,
            "not a Sensor Logger export: no TotalAcceleration.csv or "
            "Accelerometer.csv with columns time, seconds_elapsed, z, y, x",
        )
    platform = "android"
    if "Metadata.csv" in files or "metadata.csv" in files:
        name = "Metadata.csv" if "Metadata.csv" in files else "metadata.csv"
        meta = _table(path, name, files[name])
        if "platform" in meta.columns and len(meta):
            platform = str(meta["platform"].iloc[0]).strip().lower()
    if "TotalAcceleration.csv" in files:
        t, acc, t_ns = _xyz(path, "TotalAcceleration.csv", files["TotalAcceleration.csv"])
    else:
        t, acc, t_ns = _xyz(path, "Accelerometer.csv", files["Accelerometer.csv"])
        if "Gravity.csv" not in files:
            raise FileRefused(
                path, "Accelerometer.csv excludes gravity and there is no Gravity.csv"
            )
        tg, grav, _ = _xyz(path, "Gravity.csv", files["Gravity.csv"])
        acc = acc + np.column_stack([np.interp(t, tg, grav[:, k]) for k in range(3)])
    if platform == "ios" and not standardised:
        acc = -acc
    rate = uniform_rate_hz(path, t, "seconds_elapsed column")
    extra: tuple[tuple[FloatArray, FloatArray], ...] = ()
    if "Gyroscope.csv" in files:
        tw, gyr, _ = _xyz(path, "Gyroscope.csv", files["Gyroscope.csv"])
        extra = ((tw, gyr),)
    reference: dict[str, object] = {"platform": platform}
    if "Pedometer.csv" in files:
        ped = _table(path, "Pedometer.csv", files["Pedometer.csv"])
        if "steps" in ped.columns and len(ped):
            steps = pd.to_numeric(ped["steps"], errors="coerce").to_numpy(dtype=np.float64)
            if np.isfinite(steps[[0, -1]]).all():
                reference["steps_pedometer"] = int(steps[-1] - steps[0])
    files.clear()
    segments = uniform_segments(path, t, rate, acc, extra)
    try:
        start: datetime | None = datetime.fromtimestamp(float(t_ns[0]) * 1e-9, tz=UTC)
    except (OverflowError, OSError, ValueError):
        start = None  # a time column that is not nanoseconds since the epoch: start unknown
    out = []
    for number, seg in enumerate(segments):
        fields = seg.fields(len(segments), number, start)
        out.append(
            device_recording(
                rate_hz=rate,
                acc_m_s2=seg.values,
                gyr_rad_s=seg.extra[0] if seg.extra else None,
                placement=placement,
                mounting=mounting,
                start_utc=fields["start_utc"],
                source=str(path),
                reference={**reference, **fields["reference"]},
            )
        )
    return out


def load_sensor_logger(
    path: str | Path,
    *,
    placement: Placement | str = Placement.PHONE,
    mounting: str | None = None,
    standardised: bool = False,
) -> Recording:
    """Read a Sensor Logger export (zip, folder, or a single TotalAcceleration.csv); a time axis
    with gaps longer than 5 s is refused here (:func:`sensor_logger_segments` splits it)."""
    return single(
        Path(path),
        sensor_logger_segments(
            path, placement=placement, mounting=mounting, standardised=standardised
        ),
    )
