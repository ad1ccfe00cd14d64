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
median rate, and split into segments (one recording each) at gaps longer than 5 s.
Gyroscope columns are optional. Columns that are not measurements (for example
``ref_*`` or ``steps_ground_truth``) are ignored here and never become channels.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np

from retrostride.errors import FileRefused
from retrostride.gait.recording import (
    STANDARD_GRAVITY_M_S2,
    Frame,
    Placement,
    Recording,
)
from retrostride.importers.imu._bounds import MAX_SAMPLES, check_rate, check_rows
from retrostride.importers.imu._common import (
    Segment,
    apply_mounting,
    check_placement,
    check_size,
    mounting_matrix,
    require_finite,
    single,
    uniform_rate_hz,
    uniform_segments,
)

MAGIC = "# retrostride-imu-csv"

_E = TypeVar("_E", Placement, Frame)

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


def _header(path: Path) -> tuple[dict[str, str], list[str], int]:
    """The metadata, the lower-case column names and the number of lines before the data,
    read line by line (the data rows are parsed later, with a row cap)."""
    meta: dict[str, str] = {}
    with path.open(encoding="utf-8-sig", errors="replace", newline=None) as handle:
        for number, line in enumerate(handle):
            if number > 1000:
                break
            if line.startswith("#") or not line.strip():
                key, sep, value = line.lstrip("#").strip().partition(":")
                if sep and key.strip() in _KNOWN_KEYS:
                    meta[key.strip()] = value.strip()
                continue
            return meta, [h.strip().lower() for h in line.split(",")], number + 1
    raise FileRefused(path, "no header line with column names")


def _meta_float(
    path: Path, meta: dict[str, str], key: str, low: float, high: float
) -> float | None:
    """A numeric header value, refused (naming the key) unless finite and in [low, high]."""
    if key not in meta:
        return None
    try:
        value = float(meta[key])
    except ValueError:
        value = float("nan")
    if not low <= value <= high:
        raise FileRefused(
            path, f"{key} {meta[key]!r} in the file header is not a number from {low:g} to {high:g}"
        )
    return value


def _meta_enum(path: Path, meta: dict[str, str], key: str, kind: type[_E], default: _E) -> _E:
    try:
        return kind(meta.get(key) or default)
    except ValueError:
        raise FileRefused(
            path,
            f"{key} {meta.get(key)!r} in the file header is not one of "
            f"{', '.join(p.value for p in kind)}",
        ) from None


@dataclass(frozen=True, slots=True)
class Layout:
    """A generic IMU CSV file's header, checked: where its data rows start, which columns hold
    what, and its metadata (the caller's arguments overriding the file's)."""

    skip: int
    """Lines before the first data row."""
    columns: list[int]
    """The data columns read: acceleration x, y, z, then angular rate x, y, z, then ``time_s``."""
    acc_factor: float
    gyr_factor: float
    has_gyr: bool
    has_time: bool
    rate_hz: float | None
    placement: Placement
    frame: Frame
    side: str | None
    sensor_height_m: float | None
    person_height_m: float | None
    mounting: str | None


def read_layout(
    path: Path,
    *,
    placement: Placement | str | None,
    sampling_rate_hz: float | None,
    mounting: str | None,
) -> Layout:
    """The file's header, every value checked before a data row is read (the whole-file and the
    chunked readers both start here)."""
    meta, header, skip = _header(path)
    acc_idx, acc_factor = _find(header, "acc", _ACC_UNITS)
    if not acc_idx:
        raise FileRefused(
            path,
            "no accelerometer columns: expected acc_x_m_s2, acc_y_m_s2, acc_z_m_s2 "
            "(or acc_x_g, ...) in the header",
        )
    gyr_idx, gyr_factor = _find(header, "gyr", _GYR_UNITS)
    t_idx = header.index("time_s") if "time_s" in header else None
    rate = sampling_rate_hz
    if rate is None and "sampling_rate_hz" in meta:
        rate = check_rate(
            path,
            _meta_float(path, meta, "sampling_rate_hz", 0, 1e12) or 0.0,
            "sampling_rate_hz in the file header",
        )
    elif rate is not None:
        rate = check_rate(path, rate, "sampling_rate_hz")
    if placement is not None:
        place = check_placement(path, placement)
    else:
        place = _meta_enum(path, meta, "placement", Placement, Placement.LOWER_BACK)
    frame = _meta_enum(path, meta, "frame", Frame, Frame.BODY)
    side = meta.get("side") or None
    if side is not None and side.lower() not in ("left", "right"):
        raise FileRefused(path, f"side {side!r} in the file header is not one of left, right")
    if mounting is None and meta.get("mounting"):
        mounting = meta["mounting"]
        try:
            mounting_matrix(mounting)
        except ValueError as exc:
            raise FileRefused(path, f"mounting in the file header: {exc}") from None
    return Layout(
        skip=skip,
        columns=acc_idx + gyr_idx + ([t_idx] if t_idx is not None else []),
        acc_factor=acc_factor,
        gyr_factor=gyr_factor,
        has_gyr=bool(gyr_idx),
        has_time=t_idx is not None,
        rate_hz=rate,
        placement=place,
        frame=Frame.BODY if mounting else frame,
        side=None if side is None else side.lower(),
        sensor_height_m=_meta_float(path, meta, "sensor_height_m", 0.05, 3.0),
        person_height_m=_meta_float(path, meta, "person_height_m", 0.3, 2.8),
        mounting=mounting,
    )


def _segments(
    path: Path,
    *,
    placement: Placement | str | None,
    sampling_rate_hz: float | None,
    mounting: str | None,
) -> list[Recording]:
    import pandas as pd

    check_size(path)
    layout = read_layout(
        path, placement=placement, sampling_rate_hz=sampling_rate_hz, mounting=mounting
    )
    cols, rate, mounting = layout.columns, layout.rate_hz, layout.mounting
    try:
        data = pd.read_csv(
            path,
            skiprows=layout.skip,
            header=None,
            usecols=cols,
            dtype=np.float64,
            comment="#",
            nrows=MAX_SAMPLES + 1,
            engine="c",
            skip_blank_lines=True,
        )[cols].to_numpy(dtype=np.float64)
    except pd.errors.EmptyDataError:
        raise FileRefused(path, "fewer than two data rows (the file has a header only)") from None
    except (ValueError, pd.errors.ParserError) as exc:
        raise FileRefused(path, f"a data row is not numeric ({exc})") from None
    check_rows(path, data.shape[0])
    if data.shape[0] < 2:
        raise FileRefused(path, "fewer than two data rows")
    width = 6 if layout.has_gyr else 3
    channels = data[:, :width].copy()
    channels[:, 0:3] *= layout.acc_factor
    require_finite(path, "acceleration", channels[:, 0:3])
    if layout.has_gyr:
        channels[:, 3:6] *= layout.gyr_factor
        require_finite(path, "angular rate", channels[:, 3:6])
    if layout.has_time:
        t = np.ascontiguousarray(data[:, -1])
        del data
        measured = uniform_rate_hz(path, t, "time_s column")
        segments = uniform_segments(path, t, rate or measured, channels, resample=False)
        rate = rate or measured
    elif rate is None:
        raise FileRefused(path, "no time_s column and no sampling_rate_hz metadata")
    else:
        segments = [Segment(0.0, channels, [])]
    out = []
    for number, seg in enumerate(segments):
        acc = apply_mounting(seg.values[:, 0:3], mounting)
        gyr = apply_mounting(seg.values[:, 3:6], mounting) if layout.has_gyr else None
        extra = seg.fields(len(segments), number, None)
        out.append(
            Recording(
                sampling_rate_hz=float(rate),
                acc_m_s2=np.ascontiguousarray(acc),
                gyr_rad_s=None if gyr is None else np.ascontiguousarray(gyr),
                placement=layout.placement,
                frame=layout.frame,
                side=layout.side,
                source=str(path),
                sensor_height_m=layout.sensor_height_m,
                person_height_m=layout.person_height_m,
                reference=extra["reference"],
            )
        )
    return out


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
    frame and sets ``frame`` to ``body``. A file whose time axis has gaps longer than
    ``MAX_GAP_S`` is refused here; :func:`generic_csv_segments` (or ``load_recording``) returns
    one recording per segment.
    """
    return single(
        Path(path),
        generic_csv_segments(
            path, placement=placement, sampling_rate_hz=sampling_rate_hz, mounting=mounting
        ),
    )


def generic_csv_segments(
    path: str | Path,
    *,
    placement: Placement | str | None = None,
    sampling_rate_hz: float | None = None,
    mounting: str | None = None,
) -> list[Recording]:
    """A retrostride IMU CSV file as one recording per segment between time gaps."""
    return _segments(
        Path(path), placement=placement, sampling_rate_hz=sampling_rate_hz, mounting=mounting
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
