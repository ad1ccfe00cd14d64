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
from retrostride.importers.imu._bounds import MAX_SAMPLES, check_rows
from retrostride.importers.imu._common import (
    check_size,
    require_finite,
    single,
    uniform_rate_hz,
    uniform_segments,
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


def phone_oxford_segments(path: str | Path) -> list[Recording]:
    """One recording per segment between time gaps (see :func:`load_phone_oxford`).

    ``reference`` keys: ``steps_ground_truth``, ``steps_app``, ``steps_hardware`` (steps during
    the recording, the last running total minus the first; ``steps_hardware`` is None when the
    column is all zero) and ``placement_on_body`` (from the file name, e.g. "frontpocket").
    """
    path = Path(path)
    check_size(path)
    try:
        data = np.loadtxt(path, delimiter=",", ndmin=2, dtype=np.float64, max_rows=MAX_SAMPLES + 1)
    except ValueError as exc:
        raise FileRefused(
            path, f"not the phone-oxford layout: a row is not 7 numbers ({exc})"
        ) from None
    check_rows(path, data.shape[0])
    if data.shape[1] != N_COLUMNS:
        raise FileRefused(path, f"expected {N_COLUMNS} columns, found {data.shape[1]}")
    t_s = (data[:, 0] - data[0, 0]) * 1e-9
    acc = data[:, 1:4]
    require_finite(path, "acceleration", acc)
    rate = uniform_rate_hz(path, t_s, "timestamp column (ns)")
    segments = uniform_segments(path, t_s, rate, acc)
    steps = data[:, 4:7]
    require_finite(path, "step counts", steps)
    totals = steps[-1] - steps[0]
    hardware = None if not np.any(steps[:, 2]) else int(totals[2])
    stem = path.stem.split("_")
    where = stem[1] if len(stem) >= 3 else None
    reference: dict[str, object] = {
        "steps_ground_truth": int(totals[1]),
        "steps_app": int(totals[0]),
        "steps_hardware": hardware,
        "placement_on_body": where,
    }
    return [
        Recording(
            sampling_rate_hz=rate,
            acc_m_s2=np.ascontiguousarray(seg.values),
            placement=Placement.PHONE,
            frame=Frame.DEVICE,
            source=str(path),
            reference={**reference, **seg.fields(len(segments), number, None)["reference"]},
        )
        for number, seg in enumerate(segments)
    ]


def load_phone_oxford(path: str | Path) -> Recording:
    """Read one recording of the layout; ground-truth step counts land in ``reference``.

    ``reference`` keys: ``steps_ground_truth``, ``steps_app``, ``steps_hardware`` (steps during
    the recording, the last running total minus the first; ``steps_hardware`` is None when the
    column is all zero) and ``placement_on_body`` (from the file name, e.g. "frontpocket").
    A time axis with gaps longer than 5 s is refused here (:func:`phone_oxford_segments`).
    """
    return single(Path(path), phone_oxford_segments(path))
