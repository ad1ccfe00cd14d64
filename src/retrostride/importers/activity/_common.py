"""Helpers shared by the format modules: file identity, columns -> Samples, zones, distances."""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt

from retrostride.errors import FileRefused, InputError
from retrostride.log.model import ExactArray, FloatArray, Samples, SourceFile, Sport
from retrostride.science.geo import great_circle_m

NAN = math.nan

MIN_VALID_TIME = datetime(1985, 1, 1, tzinfo=UTC)
"""Earlier times are clock defaults (1901, 1970, 1989/1990), never a real recording."""

FUTURE_MARGIN = timedelta(days=2)
"""A time later than now plus this margin is junk (a clock or a damaged record)."""

STEP_SPORTS: frozenset[str] = frozenset({Sport.WALKING.value, Sport.RUNNING.value, "hiking"})
"""Sports whose cadence is counted in steps (FIT counts strides per leg: x2)."""


class ReleasableBytes(bytearray):
    """A file's bytes handed over to the parser, which empties them (:meth:`release`) as soon as
    it no longer needs them. The FIT decoder does so once the record fields are read, before
    they become float columns: a FIT file's bytes and its finished samples are then never in
    memory together. Whoever hands them over must not need them afterwards; an empty buffer
    says they were released (:func:`read_file`)."""

    def release(self) -> None:
        """Free the bytes (kept when a view of them is still alive: nothing is lost then)."""
        with contextlib.suppress(BufferError):
            self.clear()


FIT_SIGNATURE = b".FIT"


def read_file(path: Path) -> bytes | ReleasableBytes:
    """A file's bytes, read once: a FIT file's as :class:`ReleasableBytes` (the FIT decoder
    releases them once decoded), any other's as ``bytes`` (XML and CSV parsers read them
    through ``io.BytesIO``, which shares ``bytes`` but would copy a ``bytearray``)."""
    with path.open("rb") as handle:
        head = handle.read(12)
        if len(head) < 12 or head[8:12] != FIT_SIGNATURE:
            handle.seek(0)
            return handle.read()
        size = os.fstat(handle.fileno()).st_size
        out = ReleasableBytes(max(size, len(head)))
        out[: len(head)] = head
        filled = len(head)
        with memoryview(out) as view:
            while filled < len(out):
                got = handle.readinto(view[filled:])
                if not got:
                    break
                filled += got
        del out[filled:]  # the file shrank meanwhile
        out.extend(handle.read())  # or grew
    return out


def file_identity(path: Path, data: bytes | bytearray | None = None) -> SourceFile:
    """SHA-256 and size of the file's bytes; ``format`` is filled in by the caller."""
    digest = hashlib.sha256()
    if data is not None:
        digest.update(data)
        size = len(data)
    else:
        size = 0
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
    return SourceFile(name=path.name, format="", sha256=digest.hexdigest(), size_bytes=size)


def check_size(path: Path, size_bytes: int, max_bytes: int) -> None:
    """Refuse a file above the size limit before reading it."""
    if size_bytes > max_bytes:
        raise FileRefused(
            path,
            f"file is {size_bytes / 1e6:.1f} MB, over the size limit of {max_bytes / 1e6:.1f} MB "
            "(raise the limit to import it)",
        )


def is_valid_time(moment: datetime) -> bool:
    """True for a plausible recording time: after 1985 and not in the future."""
    return MIN_VALID_TIME <= moment <= datetime.now(UTC) + FUTURE_MARGIN


def home_offset_s(zone_name: str, moment: datetime | None) -> int:
    """UTC offset [s] of the named IANA zone at ``moment`` (now when unknown)."""
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(
            "home_time_zone", zone_name, "an IANA time zone such as Europe/Ljubljana"
        ) from exc
    when = moment if moment is not None else datetime.now(UTC)
    offset = when.astimezone(zone).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def plausible_offset_s(offset_s: float) -> int | None:
    """A UTC offset rounded to 15 min, or None when outside -12 h..+14 h (not a zone)."""
    rounded = round(offset_s / 900.0) * 900
    if -12 * 3600 <= rounded <= 14 * 3600 and abs(offset_s - rounded) <= 120:
        return rounded
    return None


def to_array(values: npt.ArrayLike) -> ExactArray | None:
    """A float64 array (a float32 one stays float32), or None when every value is missing."""
    arr: ExactArray = np.asarray(values)
    if arr.dtype != np.float32:
        arr = np.asarray(arr, dtype=np.float64)
    if arr.size == 0 or not np.isfinite(arr).any():
        return None
    return arr


def make_samples(time_s: FloatArray, columns: Mapping[str, npt.ArrayLike]) -> Samples:
    """Samples from ``time_s`` and named columns (Samples.CHANNELS names); empty ones dropped.
    A float32 column is kept as it is only for the channels that may be float32
    (:data:`~retrostride.log.model.ExactArray`); the others become float64."""
    kwargs: dict[str, ExactArray | None] = {}
    for name, values in columns.items():
        if name not in Samples.CHANNELS:
            raise KeyError(name)
        arr = to_array(values)
        if arr is not None and arr.dtype == np.float32 and name not in Samples.EXACT_CHANNELS:
            arr = arr.astype(np.float64)
        kwargs[name] = arr
    return Samples(time_s=time_s, **kwargs)  # type: ignore[arg-type]


def haversine_steps_m(lat_deg: FloatArray, lon_deg: FloatArray) -> FloatArray:
    """Great-circle distance [m] between consecutive points (length n-1; NaN where unknown)."""
    return great_circle_m(lat_deg[:-1], lon_deg[:-1], lat_deg[1:], lon_deg[1:])


def cumulative_distance_m(
    lat_deg: FloatArray, lon_deg: FloatArray, breaks: FloatArray | None = None
) -> FloatArray:
    """Cumulative distance [m] along the points; no distance is added across ``breaks``.

    ``breaks[i]`` true means point ``i`` starts a new segment (the gap to it is not walked).
    Points without a position carry the distance reached so far.
    """
    n = lat_deg.shape[0]
    out = np.zeros(n, dtype=np.float64)
    if n < 2:
        return out
    steps = haversine_steps_m(lat_deg, lon_deg)
    # A point without a position: bridge from the last known position to the next one.
    known = np.isfinite(lat_deg) & np.isfinite(lon_deg)
    if not known.all():
        idx = np.flatnonzero(known)
        steps = np.zeros(n - 1, dtype=np.float64)
        if idx.size >= 2:
            seg = haversine_steps_m(lat_deg[idx], lon_deg[idx])
            steps[idx[1:] - 1] = seg
    steps = np.nan_to_num(steps, nan=0.0)
    if breaks is not None:
        steps[np.asarray(breaks[1:], dtype=bool)] = 0.0
    out[1:] = np.cumsum(steps)
    return out


def describe_seconds(seconds: float) -> str:
    """'12.3 min' or '45 s' for messages."""
    return f"{seconds / 60.0:.1f} min" if seconds >= 120 else f"{seconds:.0f} s"
