"""phyphox CSV export ("Acceleration with g" and "Gyroscope" experiments; zip or single CSV).

phyphox (RWTH Aachen, phyphox.org) exports each data set as CSV with quoted headers naming the
unit, as defined in its experiment files' ``<export>`` sets: ``"Time (s)"``,
``"Acceleration x (m/s^2)"`` ... ``"Acceleration z (m/s^2)"`` (optionally
``"Absolute acceleration (m/s^2)"``) and ``"Time (s)"``, ``"Gyroscope x (rad/s)"`` ....
Acceleration "with g" is the specific force including gravity, in the phone's axes (x right along
the screen, y up along it, z out of it). A zip export holds one CSV per set
(``Accelerometer.csv``, ``Gyroscope.csv``) plus ``meta/``. Comma or tab separated, dot decimal
(phyphox can also export with a comma decimal and semicolons: both are accepted).
"Linear Acceleration" exports (without g) are refused: gait analysis needs gravity.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from retrostride.errors import FileRefused
from retrostride.gait.recording import FloatArray, Placement, Recording
from retrostride.importers.imu._bounds import MAX_SAMPLES, check_rows, read_member, zip_members
from retrostride.importers.imu._common import (
    check_size,
    device_recording,
    require_finite,
    single,
    uniform_rate_hz,
    uniform_segments,
)

ACC_COLUMNS = ["Acceleration x (m/s^2)", "Acceleration y (m/s^2)", "Acceleration z (m/s^2)"]
GYR_COLUMNS = ["Gyroscope x (rad/s)", "Gyroscope y (rad/s)", "Gyroscope z (rad/s)"]
TIME_COLUMN = "Time (s)"


def _read_table(path: Path, blob: bytes) -> pd.DataFrame:
    lines = blob[:400].decode("utf-8", errors="replace").splitlines()
    first = lines[0] if lines else ""
    if ";" in first:
        table = pd.read_csv(io.BytesIO(blob), sep=";", decimal=",", nrows=MAX_SAMPLES + 1)
    else:
        sep = "\t" if "\t" in first else ","
        table = pd.read_csv(io.BytesIO(blob), sep=sep, nrows=MAX_SAMPLES + 1)
    check_rows(path, len(table))
    return table


def is_phyphox(first_line: str) -> bool:
    return "Time (s)" in first_line and (
        "Acceleration x (m/s^2)" in first_line
        or "Gyroscope x (rad/s)" in first_line
        or "Linear Acceleration x (m/s^2)" in first_line
    )


def _tables(path: Path) -> list[pd.DataFrame]:
    if zipfile.is_zipfile(path):
        return [
            _read_table(path, read_member(path, info))
            for info in zip_members(path)
            if not info.filename.startswith("meta/")
        ]
    return [_read_table(path, path.read_bytes())]


def phyphox_segments(
    path: str | Path,
    *,
    placement: Placement | str = Placement.PHONE,
    mounting: str | None = None,
) -> list[Recording]:
    """A phyphox export as one recording per segment between time gaps."""
    path = Path(path)
    check_size(path)
    try:
        tables = _tables(path)
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise FileRefused(path, f"not a phyphox CSV export ({exc})") from None
    acc_t = next((t for t in tables if all(c in t.columns for c in ACC_COLUMNS)), None)
    if acc_t is None:
        if any("Linear Acceleration x (m/s^2)" in t.columns for t in tables):
            raise FileRefused(
                path,
                "phyphox 'Linear Acceleration' excludes gravity; export the "
                "'Acceleration with g' experiment instead",
            )
        raise FileRefused(path, f"no phyphox columns {', '.join(ACC_COLUMNS)}")
    try:
        t = acc_t[TIME_COLUMN].to_numpy(dtype=np.float64)
        acc = acc_t[ACC_COLUMNS].to_numpy(dtype=np.float64)
    except (KeyError, ValueError) as exc:
        raise FileRefused(
            path, f"the acceleration table lacks a numeric {TIME_COLUMN!r} ({exc})"
        ) from None
    require_finite(path, "acceleration", acc)
    rate = uniform_rate_hz(path, t, f"{TIME_COLUMN!r} column")
    extra: tuple[tuple[FloatArray, FloatArray], ...] = ()
    gyr_t = next((x for x in tables if all(c in x.columns for c in GYR_COLUMNS)), None)
    if gyr_t is not None:
        try:
            tw = gyr_t[TIME_COLUMN].to_numpy(dtype=np.float64)
            gyr = gyr_t[GYR_COLUMNS].to_numpy(dtype=np.float64)
        except (KeyError, ValueError) as exc:
            raise FileRefused(
                path, f"the gyroscope table lacks a numeric {TIME_COLUMN!r} ({exc})"
            ) from None
        require_finite(path, "angular rate", gyr)
        extra = ((tw, gyr),)
    tables.clear()
    segments = uniform_segments(path, t, rate, acc, extra)
    out = []
    for number, seg in enumerate(segments):
        fields = seg.fields(len(segments), number, None)
        out.append(
            device_recording(
                rate_hz=rate,
                acc_m_s2=seg.values,
                gyr_rad_s=seg.extra[0] if seg.extra else None,
                placement=placement,
                mounting=mounting,
                source=str(path),
                reference=fields["reference"],
            )
        )
    return out


def load_phyphox(
    path: str | Path,
    *,
    placement: Placement | str = Placement.PHONE,
    mounting: str | None = None,
) -> Recording:
    """Read a phyphox export (acceleration with g, optional gyroscope) into a Recording; a time
    axis with gaps longer than 5 s is refused here (:func:`phyphox_segments` splits it)."""
    return single(Path(path), phyphox_segments(path, placement=placement, mounting=mounting))
