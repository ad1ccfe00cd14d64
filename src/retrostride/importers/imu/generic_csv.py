"""retrostride's own IMU CSV layout (documented in ``docs/imu-csv-layout.md``).

::

    # retrostride-imu-csv 1
    # placement: lower-back
    # frame: body
    # sampling_rate_hz: 100
    time_s,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2,gyr_x_rad_s,gyr_y_rad_s,gyr_z_rad_s
    0.00,0.12,-0.05,9.79,0.001,0.002,-0.001

Comment lines (``#``) before the header carry ``key: value`` metadata. Units are in the column
names: acceleration ``_m_s2`` or ``_g``; angular rate ``_rad_s`` or ``_deg_s``. ``time_s`` is
optional when ``sampling_rate_hz`` is given; an irregular time axis is resampled linearly to its
median rate. Gyroscope columns are optional. Columns that are not measurements (for example
``ref_*`` or ``steps_ground_truth``) are ignored here and never become channels.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from retrostride.errors import FileRefused
from retrostride.gait.recording import (
    STANDARD_GRAVITY_M_S2,
    FloatArray,
    Frame,
    Placement,
    Recording,
)
from retrostride.importers.imu._common import (
    apply_mounting,
    check_size,
    is_regular,
    require_finite,
    resample_uniform,
    uniform_rate_hz,
)

MAGIC = "# retrostride-imu-csv"

_ACC_UNITS = {"m_s2": 1.0, "g": STANDARD_GRAVITY_M_S2}
_GYR_UNITS = {"rad_s": 1.0, "deg_s": np.pi / 180.0}
_KNOWN_KEYS = {
    "placement",
    "frame",
    "sampling_rate_hz",
    "side",
    "sensor_height_m",
    "person_height_m",
    "start_utc",
    "mounting",
}


def _find(header: list[str], prefix: str, units: dict[str, float]) -> tuple[list[int], float]:
    """Column indices of x, y, z for a channel prefix ('acc'/'gyr') and their unit factor."""
    for unit, factor in units.items():
        names = [f"{prefix}_{axis}_{unit}" for axis in "xyz"]
        if all(n in header for n in names):
            return [header.index(n) for n in names], factor
    return [], 1.0


def load_generic_csv(
    path: str | Path,
    *,
    placement: Placement | str | None = None,
    sampling_rate_hz: float | None = None,
    mounting: str | None = None,
) -> Recording:
    """Read a retrostride IMU CSV file into a :class:`Recording`.

    Arguments override the file's metadata. ``mounting`` (see
    :func:`retrostride.importers.imu._common.mounting_matrix`) rotates device axes into the body
    frame and sets ``frame`` to ``body``.
    """
    path = Path(path)
    check_size(path)
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    meta: dict[str, str] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines) and (lines[i].startswith("#") or not lines[i].strip()):
        body = lines[i].lstrip("#").strip()
        if ":" in body:
            key, _, value = body.partition(":")
            if key.strip() in _KNOWN_KEYS:
                meta[key.strip()] = value.strip()
        i += 1
    if i >= len(lines):
        raise FileRefused(path, "no header line with column names")
    header = [h.strip().lower() for h in lines[i].split(",")]
    acc_idx, acc_factor = _find(header, "acc", _ACC_UNITS)
    if not acc_idx:
        raise FileRefused(
            path,
            "no accelerometer columns: expected acc_x_m_s2, acc_y_m_s2, acc_z_m_s2 "
            "(or acc_x_g, ...) in the header",
        )
    gyr_idx, gyr_factor = _find(header, "gyr", _GYR_UNITS)
    t_idx = header.index("time_s") if "time_s" in header else None
    cols = acc_idx + gyr_idx + ([t_idx] if t_idx is not None else [])
    if not any(line.strip() for line in lines[i + 1 :]):
        raise FileRefused(path, "fewer than two data rows (the file has a header only)")
    try:
        data = np.loadtxt(
            io.StringIO("\n".join(lines[i + 1 :])), delimiter=",", usecols=cols, ndmin=2
        )
    except ValueError as exc:
        raise FileRefused(path, f"a data row is not numeric ({exc})") from None
    if data.shape[0] < 2:
        raise FileRefused(path, "fewer than two data rows")
    acc = data[:, 0:3] * acc_factor
    require_finite(path, "acceleration", acc)
    gyr: FloatArray | None = None
    if gyr_idx:
        gyr = data[:, 3:6] * gyr_factor
        require_finite(path, "angular rate", gyr)
    rate = sampling_rate_hz or (
        float(meta["sampling_rate_hz"]) if "sampling_rate_hz" in meta else None
    )
    if t_idx is not None:
        t = data[:, -1]
        measured = uniform_rate_hz(path, t)
        if not is_regular(t):
            rate = rate or measured
            _, acc = resample_uniform(t, acc, rate)
            if gyr is not None:
                _, gyr = resample_uniform(t, gyr, rate)
        rate = rate or measured
    if rate is None:
        raise FileRefused(path, "no time_s column and no sampling_rate_hz metadata")
    try:
        place = Placement(placement or meta.get("placement", "lower-back"))
    except ValueError:
        raise FileRefused(
            path,
            f"placement {meta.get('placement')!r} is not one of "
            f"{', '.join(p.value for p in Placement)}",
        ) from None
    mounting = mounting or meta.get("mounting")
    frame = Frame.BODY if mounting else Frame(meta.get("frame", "body"))
    acc = apply_mounting(acc, mounting)
    gyr = apply_mounting(gyr, mounting) if gyr is not None else None
    return Recording(
        sampling_rate_hz=float(rate),
        acc_m_s2=np.ascontiguousarray(acc),
        gyr_rad_s=None if gyr is None else np.ascontiguousarray(gyr),
        placement=place,
        frame=frame,
        side=meta.get("side") or None,
        source=str(path),
        sensor_height_m=float(meta["sensor_height_m"]) if "sensor_height_m" in meta else None,
        person_height_m=float(meta["person_height_m"]) if "person_height_m" in meta else None,
    )


def write_generic_csv(recording: Recording, path: str | Path) -> None:
    """Write a recording in this layout (the inverse of :func:`load_generic_csv`)."""
    n = len(recording)
    t = np.arange(n) / recording.sampling_rate_hz
    cols = [t[:, None], recording.acc_m_s2]
    names = ["time_s", "acc_x_m_s2", "acc_y_m_s2", "acc_z_m_s2"]
    if recording.gyr_rad_s is not None:
        cols.append(recording.gyr_rad_s)
        names += ["gyr_x_rad_s", "gyr_y_rad_s", "gyr_z_rad_s"]
    head = [
        f"{MAGIC} 1",
        f"# placement: {recording.placement.value}",
        f"# frame: {recording.frame.value}",
        f"# sampling_rate_hz: {recording.sampling_rate_hz:g}",
    ]
    if recording.side:
        head.append(f"# side: {recording.side}")
    if recording.sensor_height_m:
        head.append(f"# sensor_height_m: {recording.sensor_height_m:g}")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(head) + "\n" + ",".join(names) + "\n")
        np.savetxt(fh, np.hstack(cols), delimiter=",", fmt="%.6g")
