"""Helpers shared by the IMU loaders: mounting strings, uniform resampling, checks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from retrostride.errors import FileRefused
from retrostride.gait.recording import FloatArray, Frame, Placement, Recording
from retrostride.importers.imu._bounds import MAX_FILL_RATIO, MAX_GAP_S, check_rate

_AXIS = re.compile(r"^\s*([+-]?)([xyz])\s*$")

MAX_FILE_BYTES = 512 * 1024 * 1024
"""Largest IMU file a whole-file loader opens [bytes] (a day at 100 Hz of 6 channels as CSV is
about 0.5 GB); longer recordings go through :mod:`retrostride.importers.imu.streaming`."""


def mounting_matrix(mounting: str) -> FloatArray:
    """The 3x3 matrix taking device axes to body axes, from a mounting string.

    ``mounting`` names, for body x (anterior), y (left) and z (up) in turn, the device axis
    that points that way, with a sign: ``"+z,+x,+y"`` means body x = device +z, body y =
    device +x, body z = device +y. It must describe a rotation (a right-handed frame).
    """
    parts = [p for p in mounting.split(",")]
    if len(parts) != 3:
        raise ValueError(f"mounting {mounting!r}: expected three signed axes like '+z,+x,+y'")
    m = np.zeros((3, 3))
    for row, part in enumerate(parts):
        match = _AXIS.match(part.lower())
        if match is None:
            raise ValueError(f"mounting {mounting!r}: {part!r} is not a signed axis (+x, -y, z)")
        sign = -1.0 if match.group(1) == "-" else 1.0
        m[row, "xyz".index(match.group(2))] = sign
    if not np.isclose(abs(np.linalg.det(m)), 1.0):
        raise ValueError(f"mounting {mounting!r}: each device axis must be used once")
    if np.linalg.det(m) < 0:
        raise ValueError(f"mounting {mounting!r}: describes a mirror image, not a rotation")
    return m


def check_placement(path: Path, value: Placement | str) -> Placement:
    """The placement ``value`` names, refused (naming it and the choices) when it names none."""
    try:
        return Placement(value)
    except ValueError:
        raise FileRefused(
            path, f"placement {value!r} is not one of {', '.join(p.value for p in Placement)}"
        ) from None


def apply_mounting(values: FloatArray, mounting: str | None) -> FloatArray:
    """Rotate (n, 3) device-axis values into the body frame; unchanged when ``mounting`` is None."""
    if mounting is None:
        return values
    return np.ascontiguousarray(values @ mounting_matrix(mounting).T)


def device_recording(
    *,
    rate_hz: float,
    acc_m_s2: FloatArray,
    gyr_rad_s: FloatArray | None,
    placement: str,
    mounting: str | None,
    **fields: Any,
) -> Recording:
    """A recording of channels in the device's axes: rotated into the body frame when the
    ``mounting`` is known (frame ``body``), left as they are otherwise (frame ``device``).
    ``fields``: the other :class:`Recording` fields (source, start, reference...)."""
    return Recording(
        sampling_rate_hz=rate_hz,
        acc_m_s2=apply_mounting(np.ascontiguousarray(acc_m_s2), mounting),
        gyr_rad_s=None
        if gyr_rad_s is None
        else apply_mounting(np.ascontiguousarray(gyr_rad_s), mounting),
        placement=Placement(placement),
        frame=Frame.BODY if mounting else Frame.DEVICE,
        **fields,
    )


def check_size(path: Path, max_bytes: int = MAX_FILE_BYTES) -> None:
    """Refuse a missing, empty or oversized file with a message naming it."""
    if not path.exists():
        raise FileRefused(path, "no such file")
    if path.is_dir():
        return
    size = path.stat().st_size
    if size == 0:
        raise FileRefused(path, "the file is empty")
    if size > max_bytes:
        raise FileRefused(path, f"the file is {size} bytes, more than the limit of {max_bytes}")


def uniform_rate_hz(path: Path, t_s: FloatArray, field: str = "time column") -> float:
    """The sampling rate of a time axis [Hz] (median interval); refuses non-increasing times
    and a rate outside ``MIN_RATE_HZ``-``MAX_RATE_HZ`` (naming ``field``)."""
    if t_s.size < 2:
        raise FileRefused(path, "fewer than two samples")
    dt = np.diff(t_s)
    if not np.all(np.isfinite(dt)):
        raise FileRefused(path, f"the {field} holds non-numeric values")
    if np.any(dt < 0):
        bad = int(np.argmax(dt < 0)) + 1
        raise FileRefused(path, f"the {field} goes backwards at sample {bad}")
    med = float(np.median(dt))
    if med <= 0:
        raise FileRefused(path, f"the {field} does not advance")
    return check_rate(path, 1.0 / med, f"the sampling rate of the {field}")


def resample_uniform(
    t_s: FloatArray, values: FloatArray, rate_hz: float
) -> tuple[FloatArray, FloatArray]:
    """Linear interpolation of (n, k) values onto a uniform grid starting at ``t_s[0]``."""
    t0 = float(t_s[0])
    n = int(np.floor((float(t_s[-1]) - t0) * rate_hz + 1e-6)) + 1
    grid = t0 + np.arange(n) / rate_hz
    # drop duplicate times (np.interp needs increasing x)
    keep = np.concatenate(([True], np.diff(t_s) > 0))
    t, v = t_s[keep], values[keep]
    out = np.column_stack([np.interp(grid, t, v[:, k]) for k in range(v.shape[1])])
    return grid, out


def segment_bounds(path: Path, t_s: FloatArray, rate_hz: float) -> list[tuple[int, int]]:
    """Index ranges ``[start, stop)`` of the time axis between gaps longer than ``MAX_GAP_S``.

    A pause is never interpolated across: each segment becomes its own recording. A lone sample
    between two gaps is dropped. A segment whose uniform grid would hold more than
    ``MAX_FILL_RATIO`` times its recorded samples (mostly dropouts) is refused, so that no time
    axis can make the resampler allocate more than a small multiple of the file's own samples.
    """
    cuts = (np.flatnonzero(np.diff(t_s) > MAX_GAP_S) + 1).tolist()
    out = []
    for start, stop in zip([0, *cuts], [*cuts, int(t_s.size)], strict=True):
        if stop - start < 2:
            continue
        grid = int(np.floor((float(t_s[stop - 1]) - float(t_s[start])) * rate_hz + 1e-6)) + 1
        if grid > MAX_FILL_RATIO * (stop - start) + rate_hz:
            raise FileRefused(
                path,
                f"the time axis from {float(t_s[start] - t_s[0]):.3f} s to "
                f"{float(t_s[stop - 1] - t_s[0]):.3f} s holds {stop - start} samples for "
                f"{grid} sampling intervals at {rate_hz:g} Hz: too many dropouts to resample",
            )
        out.append((start, stop))
    if not out:
        raise FileRefused(path, f"no two consecutive samples less than {MAX_GAP_S:g} s apart")
    return out


@dataclass(frozen=True, slots=True)
class Segment:
    """One stretch of a recording between gaps, on a uniform grid."""

    offset_s: float
    """Time of its first sample after the recording's first sample [s]."""
    values: FloatArray
    """(n, k) values on the uniform grid."""
    extra: list[FloatArray]
    """Other channels (with their own time axes) interpolated onto the same grid."""

    def fields(self, count: int, index: int, start_utc: datetime | None) -> dict[str, Any]:
        """``start_utc`` and the ``reference`` entry of segment ``index`` of ``count``."""
        start = None if start_utc is None else start_utc + timedelta(seconds=self.offset_s)
        if count == 1:
            return {"start_utc": start, "reference": {}}
        return {
            "start_utc": start,
            "reference": {"segment": {"index": index + 1, "of": count, "offset_s": self.offset_s}},
        }


def uniform_segments(
    path: Path,
    t_s: FloatArray,
    rate_hz: float,
    values: FloatArray,
    extra: tuple[tuple[FloatArray, FloatArray], ...] = (),
    *,
    resample: bool = True,
) -> list[Segment]:
    """Split ``values`` (sampled at ``t_s``) at gaps and put each segment on a uniform grid at
    ``rate_hz``; ``extra`` (time, values) pairs are interpolated onto the same grid. With
    ``resample=False`` a segment whose intervals are regular keeps its samples as they are."""
    out = []
    for start, stop in segment_bounds(path, t_s, rate_hz):
        t = t_s[start:stop]
        if not resample and is_regular(t):
            grid, v = t, values[start:stop]
        else:
            grid, v = resample_uniform(t, values[start:stop], rate_hz)
        others = [
            np.column_stack([np.interp(grid, te, ve[:, k]) for k in range(ve.shape[1])])
            for te, ve in extra
        ]
        out.append(Segment(round(float(t[0] - t_s[0]), 6), v, others))
    return out


def single(path: Path, recordings: list[Recording]) -> Recording:
    """The one recording of a file, refusing a file that a gap split into several segments."""
    if len(recordings) != 1:
        raise FileRefused(
            path,
            f"the time axis has gaps longer than {MAX_GAP_S:g} s: it splits into "
            f"{len(recordings)} segments; load it with load_recording to get each one",
        )
    return recordings[0]


def is_regular(t_s: FloatArray, tolerance: float = 0.05) -> bool:
    """True when every interval is within ``tolerance`` (relative) of the median one."""
    dt = np.diff(t_s)
    med = float(np.median(dt))
    return bool(np.all(np.abs(dt - med) <= tolerance * med))


def require_finite(path: Path, name: str, values: FloatArray) -> None:
    """Refuse NaN or infinite measurements, naming the first bad row."""
    bad = ~np.isfinite(values)
    if bad.any():
        row = int(np.argmax(bad.any(axis=1) if values.ndim == 2 else bad))
        raise FileRefused(
            path, f"{name} holds a missing or non-numeric value at data row {row + 1}"
        )
