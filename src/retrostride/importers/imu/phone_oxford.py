"""The phone accelerometer layout of the Oxford step-counter data set (Oxford-step-counter/DataSet).

No header; seven comma-separated columns per row: timestamp (nanoseconds since boot, although
the data set's README says microseconds: the values step by about 10,000,000 per 10 ms sample),
acc x, y, z (m/s^2 with gravity, Android axes), then three *running totals* of steps: the data
set's own app algorithm, the ground-truth device, and the phone's hardware step counter (0 where
absent). The step columns are reference data: they go to ``Recording.reference`` and never into
the channels. The irregular time axis is resampled linearly to its median rate. The phone's
orientation on the body is unknown, so the frame is ``device``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from retrostride.errors import FileRefused
from retrostride.gait.recording import Frame, Placement, Recording
from retrostride.importers.imu._common import (
    check_size,
    require_finite,
    resample_uniform,
    uniform_rate_hz,
)

N_COLUMNS = 7


def looks_like_phone_oxford(first_line: str) -> bool:
    """True when a line has the layout's seven numeric fields with a large integer timestamp."""
    parts = first_line.strip().split(",")
    if len(parts) != N_COLUMNS:
        return False
    try:
        values = [float(p) for p in parts]
    except ValueError:
        return False
    return values[0] > 1e9 and float(values[0]).is_integer()


def load_phone_oxford(path: str | Path) -> Recording:
    """Read one recording of the layout; ground-truth step counts land in ``reference``.

    ``reference`` keys: ``steps_ground_truth``, ``steps_app``, ``steps_hardware`` (steps during
    the recording, the last running total minus the first; ``steps_hardware`` is None when the
    column is all zero) and ``placement_on_body`` (from the file name, e.g. "frontpocket").
    """
    path = Path(path)
    check_size(path)
    try:
        data = np.loadtxt(path, delimiter=",", ndmin=2, dtype=np.float64)
    except ValueError as exc:
        raise FileRefused(
            path, f"not the phone-oxford layout: a row is not 7 numbers ({exc})"
        ) from None
    if data.shape[1] != N_COLUMNS:
        raise FileRefused(path, f"expected {N_COLUMNS} columns, found {data.shape[1]}")
    t_s = (data[:, 0] - data[0, 0]) * 1e-9
    acc = data[:, 1:4]
    require_finite(path, "acceleration", acc)
    rate = uniform_rate_hz(path, t_s)
    if not 10.0 <= rate <= 1000.0:
        raise FileRefused(
            path, f"sampling rate {rate:.1f} Hz is implausible (timestamps not in ns?)"
        )
    _, acc_u = resample_uniform(t_s, acc, rate)
    steps = data[:, 4:7]
    totals = steps[-1] - steps[0]
    hardware = None if not np.any(steps[:, 2]) else int(totals[2])
    stem = path.stem.split("_")
    where = stem[1] if len(stem) >= 3 else None
    return Recording(
        sampling_rate_hz=rate,
        acc_m_s2=np.ascontiguousarray(acc_u),
        placement=Placement.PHONE,
        frame=Frame.DEVICE,
        source=str(path),
        reference={
            "steps_ground_truth": int(totals[1]),
            "steps_app": int(totals[0]),
            "steps_hardware": hardware,
            "placement_on_body": where,
        },
    )
