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
from retrostride.importers.imu._common import (
    check_size,
    device_recording,
    require_finite,
    resample_uniform,
    uniform_rate_hz,
)


def _reader(path: Path) -> dict[str, bytes]:
    """CSV files of the export by base name (``Accelerometer.csv`` ...)."""
    files: dict[str, bytes] = {}
    if path.is_dir():
        for f in path.glob("*.csv"):
            files[f.name] = f.read_bytes()
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                if name.lower().endswith(".csv"):
                    files[Path(name).name] = zf.read(name)
    else:
        files[path.name] = path.read_bytes()
    return files


def is_sensor_logger(files: dict[str, bytes]) -> bool:
    return any(
        n in files and files[n][:200].lstrip(b"\xef\xbb\xbf").startswith(b"time,seconds_elapsed")
        for n in ("TotalAcceleration.csv", "Accelerometer.csv")
    )


def _xyz(path: Path, name: str, blob: bytes) -> tuple[FloatArray, FloatArray, FloatArray]:
    try:
        df = pd.read_csv(io.BytesIO(blob))
        t_ns = df["time"].to_numpy(dtype=np.float64)
        t = df["seconds_elapsed"].to_numpy(dtype=np.float64)
        v = df[["x", "y", "z"]].to_numpy(dtype=np.float64)
    except (KeyError, ValueError, pd.errors.ParserError) as exc:
        raise FileRefused(
            path, f"{name}: expected columns time, seconds_elapsed, z, y, x ({exc})"
        ) from None
    require_finite(path, name, v)
    return t, v, t_ns


def load_sensor_logger(
    path: str | Path,
    *,
    placement: Placement | str = Placement.PHONE,
    mounting: str | None = None,
    standardised: bool = False,
) -> Recording:
    """Read a Sensor Logger export (zip, folder, or a single TotalAcceleration.csv)."""
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
        meta = pd.read_csv(io.BytesIO(files.get("Metadata.csv") or files["metadata.csv"]))
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
    rate = uniform_rate_hz(path, t)
    grid, acc_u = resample_uniform(t, acc, rate)
    gyr_u = None
    if "Gyroscope.csv" in files:
        tw, gyr, _ = _xyz(path, "Gyroscope.csv", files["Gyroscope.csv"])
        gyr_u = np.column_stack([np.interp(grid, tw, gyr[:, k]) for k in range(3)])
    reference: dict[str, object] = {"platform": platform}
    if "Pedometer.csv" in files:
        ped = pd.read_csv(io.BytesIO(files["Pedometer.csv"]))
        if "steps" in ped.columns and len(ped):
            reference["steps_pedometer"] = int(ped["steps"].iloc[-1] - ped["steps"].iloc[0])
    start = datetime.fromtimestamp(float(t_ns[0]) * 1e-9, tz=UTC)
    return device_recording(
        rate_hz=rate,
        acc_m_s2=acc_u,
        gyr_rad_s=gyr_u,
        placement=placement,
        mounting=mounting,
        start_utc=start,
        source=str(path),
        reference=reference,
    )
