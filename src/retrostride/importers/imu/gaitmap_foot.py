"""Two-foot IMU CSV in the layout of gaitmap's example data.

Two header rows: ``sensor`` (``left_sensor``/``right_sensor``) and ``axis`` (``acc_x`` ...
``gyr_z``), then one row per sample with an index column. Acceleration in m/s^2, angular rate in
deg/s, 204.8 Hz by default (gaitmap's NilsPod data; pass ``sampling_rate_hz`` otherwise). The
data are already in gaitmap's foot sensor frame, which matches ours (x towards the toes, y to the
left, z up, for both feet); checked on the data: standing, z reads +9.4 m/s^2; before toe-off the
heel rises (toe down), and the gyroscope's y reads positive as a right-hand rotation about a
leftward axis must; the foot decelerates along -x at the end of swing.

Reference files next to the data, if present, go to ``FootPair.reference`` (never channels):
``stride_events_sample.csv`` (mocap events in IMU samples: ``ic``, ``tc``, ``min_vel``),
``stride_borders_sample.csv`` and ``position_sample.csv`` (heel trajectory per stride at 100 Hz,
from which each stride's length is the heel's horizontal displacement).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from retrostride.errors import FileRefused
from retrostride.gait.recording import FootPair, Frame, Placement, Recording
from retrostride.importers.imu._bounds import MAX_SAMPLES, check_rate, check_rows
from retrostride.importers.imu._common import check_size, require_finite

DEFAULT_RATE_HZ = 204.8
"""Sampling rate of gaitmap's NilsPod example data [Hz] (gaitmap ``example_data``)."""

_AXES = ["acc_x", "acc_y", "acc_z", "gyr_x", "gyr_y", "gyr_z"]


def looks_like_gaitmap_foot(head: str) -> bool:
    lines = head.splitlines()
    return (
        len(lines) >= 2
        and lines[0].startswith("sensor,")
        and "left_sensor" in lines[0]
        and lines[1].startswith("axis,")
    )


def _reference(folder: Path, rate_hz: float) -> dict[str, Any]:
    ref: dict[str, Any] = {}
    events = folder / "stride_events_sample.csv"
    if events.is_file():
        ev = pd.read_csv(events, nrows=MAX_SAMPLES)
        for side in ("left", "right"):
            e = ev[ev["foot"] == side].sort_values("start")
            ref[f"{side}_events"] = {
                "s_id": e["s_id"].to_numpy(int),
                "start_s": e["start"].to_numpy(float) / rate_hz,
                "end_s": e["end"].to_numpy(float) / rate_hz,
                "ic_s": e["ic"].to_numpy(float) / rate_hz,
                "tc_s": e["tc"].to_numpy(float) / rate_hz,
            }
    positions = folder / "position_sample.csv"
    if positions.is_file():
        pos = pd.read_csv(positions, nrows=MAX_SAMPLES).rename(columns={"Unnamed: 0": "sensor"})
        for side in ("left", "right"):
            p = pos[pos["sensor"] == f"{side}_sensor"]
            grouped = p.groupby("s_id")
            d = grouped[["pos_x", "pos_y"]].last() - grouped[["pos_x", "pos_y"]].first()
            ref[f"{side}_stride_length_m"] = {
                "s_id": d.index.to_numpy(int),
                "length_m": np.hypot(d["pos_x"], d["pos_y"]).to_numpy(float),
            }
    borders = folder / "stride_borders_sample.csv"
    if borders.is_file():
        b = pd.read_csv(borders, nrows=MAX_SAMPLES)
        for side in ("left", "right"):
            s = b[b["foot"] == side].sort_values("start")
            ref[f"{side}_stride_borders_s"] = (
                np.column_stack([s["start"].to_numpy(float), s["end"].to_numpy(float)]) / rate_hz
            )
    return ref


def load_gaitmap_foot(
    path: str | Path,
    *,
    sampling_rate_hz: float = DEFAULT_RATE_HZ,
    with_reference: bool = True,
) -> FootPair:
    """Read a two-foot gaitmap CSV into a :class:`FootPair` (reference files loaded if present)."""
    path = Path(path)
    check_size(path)
    sampling_rate_hz = check_rate(path, sampling_rate_hz, "sampling_rate_hz")
    try:
        df = pd.read_csv(path, header=[0, 1], index_col=0, nrows=MAX_SAMPLES + 1)
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise FileRefused(path, f"not a two-header-row CSV ({exc})") from None
    recs = {}
    for side in ("left", "right"):
        name = f"{side}_sensor"
        if name not in df.columns.get_level_values(0):
            raise FileRefused(path, f"no '{name}' columns in the first header row")
        missing = [a for a in _AXES if (name, a) not in df.columns]
        if missing:
            raise FileRefused(path, f"'{name}' lacks the columns {', '.join(missing)}")
        try:
            values = df[name][_AXES].to_numpy(dtype=np.float64)
        except ValueError as exc:
            raise FileRefused(path, f"'{name}' holds non-numeric values ({exc})") from None
        require_finite(path, name, values)
        recs[side] = Recording(
            sampling_rate_hz=sampling_rate_hz,
            acc_m_s2=np.ascontiguousarray(values[:, 0:3]),
            gyr_rad_s=np.ascontiguousarray(np.deg2rad(values[:, 3:6])),
            placement=Placement.FOOT,
            frame=Frame.BODY,
            side=side,
            source=f"{path}#{side}",
        )
    check_rows(path, len(df))
    ref: dict[str, Any] = {}
    if with_reference:
        try:
            ref = _reference(path.parent, sampling_rate_hz)
        except (KeyError, ValueError, TypeError, pd.errors.ParserError) as exc:
            raise FileRefused(
                path, f"a reference file next to it is not in gaitmap's layout ({exc!r})"
            ) from None
    return FootPair(left=recs["left"], right=recs["right"], reference=ref)
