"""Chunked readers for recordings too long to hold in memory (days to weeks at 100 Hz).

Each reader yields contiguous :class:`Recording` chunks of about ``chunk_s`` seconds, ready for
:func:`retrostride.gait.streaming.iter_bouts`. Only one chunk is in memory at a time.

- :func:`iter_generic_csv_chunks`: retrostride's generic IMU CSV (``docs/imu-csv-layout.md``),
  read with pandas in chunks. A streamed file needs a regular time axis (or none, with
  ``sampling_rate_hz``); resampling an irregular one needs the whole file
  (:func:`retrostride.importers.imu.generic_csv.load_generic_csv`).
- :func:`iter_npy_chunks`: a NumPy ``.npy`` array of shape (n, 3) or (n, 6): acceleration x, y, z
  [m/s^2] then angular rate x, y, z [rad/s], in the body frame of
  :mod:`retrostride.gait.recording`, float32 or float64. Read with plain file reads, not a
  memory map, so the pages read do not stay resident.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from retrostride.errors import FileRefused
from retrostride.gait.recording import FloatArray, Frame, Placement, Recording
from retrostride.importers.imu._common import apply_mounting, check_placement, is_regular
from retrostride.importers.imu.generic_csv import read_layout

DEFAULT_CHUNK_S = 600.0
"""Default chunk length [s]: 10 minutes, 60 000 samples at 100 Hz (about 3 MB as float64)."""


def iter_generic_csv_chunks(
    path: str | Path,
    *,
    chunk_s: float = DEFAULT_CHUNK_S,
    placement: Placement | str | None = None,
    sampling_rate_hz: float | None = None,
    mounting: str | None = None,
) -> Iterator[Recording]:
    """Yield a generic IMU CSV file as chunks of about ``chunk_s`` seconds.

    Arguments override the file's metadata, as in ``load_generic_csv``. Raises ``FileRefused``
    naming the file and row range for a missing column, a non-numeric value or an irregular
    time axis.
    """
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise FileRefused(path, "no such file")
    layout = read_layout(
        path, placement=placement, sampling_rate_hz=sampling_rate_hz, mounting=mounting
    )
    cols, rate, mounting = layout.columns, layout.rate_hz, layout.mounting
    rows_per_chunk: int | None = None if rate is None else max(2, round(chunk_s * rate))
    reader = pd.read_csv(
        path,
        skiprows=layout.skip,
        header=None,
        usecols=cols,
        dtype=np.float64,
        chunksize=rows_per_chunk or 100_000,
        engine="c",
    )
    first_row = 0
    last_t: float | None = None
    try:
        for frame_chunk in reader:
            data = frame_chunk[cols].to_numpy(dtype=np.float64)
            where = f"data rows {first_row + 1}-{first_row + len(data)}"
            if not np.isfinite(data).all():
                raise FileRefused(path, f"a missing or non-numeric value in {where}")
            if layout.has_time:
                t = data[:, -1] if last_t is None else np.concatenate(([last_t], data[:, -1]))
                if len(t) >= 2:
                    if rate is None:
                        rate = 1.0 / float(np.median(np.diff(t)))
                    if not is_regular(t) or abs(float(np.median(np.diff(t))) * rate - 1) > 0.05:
                        raise FileRefused(
                            path,
                            f"the time axis is irregular in {where}; a streamed file needs a "
                            "regular one (load it whole to resample it)",
                        )
                last_t = float(data[-1, -1])
            if rate is None:
                raise FileRefused(path, "no time_s column and no sampling_rate_hz metadata")
            acc: FloatArray = apply_mounting(data[:, 0:3] * layout.acc_factor, mounting)
            gyr: FloatArray | None = None
            if layout.has_gyr:
                gyr = apply_mounting(data[:, 3:6] * layout.gyr_factor, mounting)
            first_row += len(data)
            yield Recording(
                sampling_rate_hz=float(rate),
                acc_m_s2=np.ascontiguousarray(acc),
                gyr_rad_s=None if gyr is None else np.ascontiguousarray(gyr),
                placement=layout.placement,
                frame=layout.frame,
                side=layout.side,
                source=str(path),
                sensor_height_m=layout.sensor_height_m,
                person_height_m=layout.person_height_m,
            )
    except (ValueError, pd.errors.ParserError) as exc:
        if isinstance(exc, FileRefused):
            raise
        where = f"after data row {first_row}"
        raise FileRefused(path, f"a data row {where} is not numeric ({exc})") from None


def iter_npy_chunks(
    path: str | Path,
    *,
    sampling_rate_hz: float,
    placement: Placement | str = Placement.LOWER_BACK,
    frame: Frame | str = Frame.BODY,
    chunk_s: float = DEFAULT_CHUNK_S,
    sensor_height_m: float | None = None,
) -> Iterator[Recording]:
    """Yield an (n, 3) or (n, 6) ``.npy`` array (see the module docstring) in chunks."""
    path = Path(path)
    if sampling_rate_hz <= 0:
        raise ValueError(f"sampling_rate_hz must be positive, got {sampling_rate_hz}")
    place = check_placement(path, placement or Placement.LOWER_BACK)
    with path.open("rb") as handle:
        try:
            version = np.lib.format.read_magic(handle)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(handle)
            else:
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(handle)
        except ValueError as exc:
            raise FileRefused(path, f"not a NumPy .npy file ({exc})") from None
        if len(shape) != 2 or shape[1] not in (3, 6) or fortran:
            raise FileRefused(
                path, f"expected a C-ordered (n, 3) or (n, 6) array, got shape {shape}"
            )
        if dtype not in (np.dtype("<f4"), np.dtype("<f8")):
            raise FileRefused(path, f"expected float32 or float64 values, got {dtype}")
        n, width = int(shape[0]), int(shape[1])
        rows = max(2, round(chunk_s * sampling_rate_hz))
        done = 0
        while done < n:
            count = min(rows, n - done)
            block = np.fromfile(handle, dtype=dtype, count=count * width)
            if block.size != count * width:
                at = done + block.size // width
                raise FileRefused(path, f"the file ends early, at sample {at}")
            block = block.reshape(count, width).astype(np.float64)
            done += count
            yield Recording(
                sampling_rate_hz=float(sampling_rate_hz),
                acc_m_s2=np.ascontiguousarray(block[:, :3]),
                gyr_rad_s=np.ascontiguousarray(block[:, 3:]) if width == 6 else None,
                placement=place,
                frame=Frame(frame),
                source=str(path),
                sensor_height_m=sensor_height_m,
            )
