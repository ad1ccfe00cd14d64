"""Columnar track points from the XML formats, and the rules that place their times.

Parsers append plain floats per point (no object per point); ``resolve_times`` then applies the
rules shared by GPX and TCX: invalid times (clock defaults such as 1901) count as missing; a time
without a zone beside zoned times is placed with a neighbour's zone only when it then fits
between its neighbours, else the point is dropped with a warning naming it; points going back
in time are dropped; untimed points are dropped when most points are timed, otherwise the
duration is unknown and positions are kept.
"""

from __future__ import annotations

import warnings
from array import array
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from retrostride.importers.activity._common import (
    FUTURE_MARGIN,
    MIN_VALID_TIME,
    NAN,
    home_offset_s,
    plausible_offset_s,
)
from retrostride.log.model import FloatArray

NAIVE = 1e9
"""Offset marker for a time written without a zone."""

_MIN_EPOCH = MIN_VALID_TIME.timestamp()
_MIN_DATETIME_S = datetime(1, 1, 2, tzinfo=UTC).timestamp()
_MAX_DATETIME_S = datetime(9999, 12, 30, tzinfo=UTC).timestamp()


COLUMNS = ("lat", "lon", "ele", "dist", "hr", "cad", "speed", "power", "group", "segment", "line")
"""Order of the per-point tuples the parsers collect."""


def _empty() -> FloatArray:
    return np.zeros(0, dtype=np.float64)


@dataclass(slots=True)
class PointTable:
    """One row per track point; NaN where a value is missing (built by ``from_rows``)."""

    lat: FloatArray = field(default_factory=_empty)
    lon: FloatArray = field(default_factory=_empty)
    ele: FloatArray = field(default_factory=_empty)
    dist: FloatArray = field(default_factory=_empty)
    hr: FloatArray = field(default_factory=_empty)
    cad: FloatArray = field(default_factory=_empty)
    speed: FloatArray = field(default_factory=_empty)
    power: FloatArray = field(default_factory=_empty)
    group: FloatArray = field(default_factory=_empty)
    """Track (GPX) or lap (TCX) index."""
    segment: FloatArray = field(default_factory=_empty)
    """Segment index across the file: distance is not summed across segments."""
    line: FloatArray = field(default_factory=_empty)
    epoch: FloatArray = field(default_factory=_empty)
    """Seconds since 1970 UTC (naive times: as if UTC); NaN when missing or unreadable."""
    offset: FloatArray = field(default_factory=_empty)
    """UTC offset [s] written in the time, NAIVE when it had none, NaN without a time."""
    bad_times: list[str] = field(default_factory=list)
    bad_values: list[str] = field(default_factory=list)
    _epochs: list[FloatArray] = field(default_factory=list)
    _offsets: list[FloatArray] = field(default_factory=list)

    def __len__(self) -> int:
        return int(self.lat.shape[0])

    def flush_times(self, values: array[float], times: list[str | None]) -> None:
        """Parse the pending time texts (the last ``len(times)`` rows) and forget the texts.

        Parsers call this every ``TIME_CHUNK`` points so that memory holds numbers, not text.
        """
        if not times:
            return
        width = len(COLUMNS)
        n_rows = len(values) // width
        lines = np.frombuffer(values, dtype=np.float64)[(n_rows - len(times)) * width :]
        epoch, offset = parse_times(times, lines[width - 1 :: width], self.bad_times)
        self._epochs.append(epoch)
        self._offsets.append(offset)
        times.clear()

    def fill(self, values: array[float], times: list[str | None]) -> None:
        """Set the columns from the flat per-point values (``COLUMNS`` order) and time texts."""
        self.flush_times(values, times)
        matrix = np.frombuffer(values, dtype=np.float64).reshape(-1, len(COLUMNS))
        for i, name in enumerate(COLUMNS):
            setattr(self, name, np.ascontiguousarray(matrix[:, i]))
        self.epoch = np.concatenate(self._epochs) if self._epochs else _empty()
        self.offset = np.concatenate(self._offsets) if self._offsets else _empty()
        self._epochs.clear()
        self._offsets.clear()

    def subset(self, rows: np.ndarray, *, with_notes: bool) -> PointTable:
        """The rows selected by the boolean mask ``rows`` (notes of bad input only if asked)."""
        out = PointTable()
        for name in (*COLUMNS, "epoch", "offset"):
            column = getattr(self, name)
            setattr(out, name, column[rows] if column.shape[0] else column)
        if with_notes:
            out.bad_times = list(self.bad_times)
            out.bad_values = list(self.bad_values)
        return out


TIME_CHUNK = 65_536
"""Points between two ``PointTable.flush_times`` calls."""


def parse_times(
    texts: list[str | None], lines: FloatArray, bad: list[str]
) -> tuple[FloatArray, FloatArray]:
    """(epoch [s], offset [s] or NAIVE) per time text; NaN where missing or unreadable.

    Fast path: when every time ends in ``Z`` (or one same ``+hh:mm``), numpy parses them all
    at once; anything else goes through ``datetime.fromisoformat`` point by point.
    """
    n = len(texts)
    if n and None not in texts:
        suffixes = {t[-6:] if t[-1] != "Z" else "Z" for t in texts}  # type: ignore[index]
        if len(suffixes) == 1:
            (suffix,) = suffixes
            cut = 1 if suffix == "Z" else 6
            offset_s = 0.0
            if cut == 6:
                if not (
                    suffix[0] in "+-"
                    and suffix[3] == ":"
                    and suffix[1:3].isdigit()
                    and suffix[4:].isdigit()
                ):
                    cut = 0
                else:
                    sign = -1.0 if suffix[0] == "-" else 1.0
                    offset_s = sign * (int(suffix[1:3]) * 3600 + int(suffix[4:]) * 60)
            if cut:
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("error")
                        stamps = np.array(
                            [t[:-cut] for t in texts if t is not None],
                            dtype="datetime64[us]",
                        )
                except (ValueError, UserWarning, DeprecationWarning):
                    stamps = None
                if stamps is not None and not np.isnat(stamps).any():
                    epoch = stamps.astype(np.int64) / 1e6 - offset_s
                    return epoch, np.full(n, offset_s)
    epoch = np.full(n, NAN)
    offset = np.full(n, NAN)
    for i, text in enumerate(texts):
        e, o = parse_time(text)
        epoch[i], offset[i] = e, o
        if text and text.strip() and e != e:
            bad.append(f"{text.strip()!r} at line {int(lines[i])}")
    return epoch, offset


def parse_time(text: str | None) -> tuple[float, float]:
    """(epoch [s], offset [s] or NAIVE) of an xsd:dateTime; (NaN, NaN) when unreadable."""
    if not text:
        return NAN, NAN
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return NAN, NAN
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC).timestamp(), NAIVE
    delta = moment.utcoffset()
    return moment.timestamp(), delta.total_seconds() if delta is not None else 0.0


def number(text: str | None) -> float:
    """A float from element text, NaN when missing or not a number."""
    if text is None:
        return NAN
    try:
        value = float(text)
    except ValueError:
        return NAN
    return value if value == value and abs(value) != float("inf") else NAN


@dataclass(slots=True)
class TimeResult:
    utc_s: FloatArray
    """Seconds since 1970 UTC per point; NaN for untimed points (kept only when ``timed``)."""
    keep: np.ndarray
    timed: bool
    """False: too few points carry a valid time, so the duration is unknown."""
    utc_offset_s: int | None
    offset_assumed: bool
    warnings: list[str]
    warned: np.ndarray
    """Points already named in a warning (a zone-less time that fits no zone)."""


def _fmt_epoch(epoch: float, offset: float) -> str:
    if not _MIN_DATETIME_S <= epoch <= _MAX_DATETIME_S:
        # Outside what datetime holds (years 0, 10000, negative): numpy still writes it.
        return str(np.datetime64(int(epoch), "s")) + ("" if offset == NAIVE else "Z")
    if offset == NAIVE:
        return datetime.fromtimestamp(epoch, UTC).replace(tzinfo=None).isoformat() + " (no zone)"
    return datetime.fromtimestamp(epoch, UTC).isoformat()


def resolve_times(table: PointTable, home_time_zone: str, what: str = "point") -> TimeResult:
    """Apply the time rules (module docstring) to every point."""
    warns: list[str] = []
    n = len(table)
    epoch = table.epoch.copy()
    offset = table.offset.copy()
    lines = np.asarray(table.line, dtype=np.int64)
    naive = offset == NAIVE
    utc = np.where(naive, np.nan, epoch)
    # Invalid moments (clock defaults, the future) count as missing.
    max_epoch = (datetime.now(UTC) + FUTURE_MARGIN).timestamp()
    probe = np.where(naive, epoch, utc)
    invalid = np.isfinite(probe) & ((probe < _MIN_EPOCH) | (probe > max_epoch))
    if invalid.any():
        i = int(np.flatnonzero(invalid)[0])
        warns.append(
            f"{int(invalid.sum())} {what} time(s) are invalid, e.g. "
            f"{_fmt_epoch(probe[i], offset[i])}: treated as missing"
        )
        utc[invalid] = np.nan
        naive &= ~invalid
    zoned = np.isfinite(utc)
    assumed = False
    utc_offset: int | None = None
    warned = np.zeros(n, dtype=bool)
    if naive.any() and not zoned.any():
        # Only local times without a zone: read them in the person's home zone.
        first = datetime.fromtimestamp(float(epoch[naive][0]), UTC)
        utc_offset = home_offset_s(home_time_zone, first)
        utc = np.where(naive, epoch - utc_offset, utc)
        assumed = True
        warns.append(f"times have no zone: read as local time in {home_time_zone}")
    elif naive.any():
        utc = _place_naive(utc, epoch, offset, naive, lines, warns, what)
        warned = naive & ~np.isfinite(utc)
    timed_mask = np.isfinite(utc)
    n_timed = int(timed_mask.sum())
    timed = n_timed >= 2 and n_timed >= 0.5 * n
    keep = np.ones(n, dtype=bool)
    if timed:
        keep &= timed_mask
        # Points going back in time.
        idx = np.flatnonzero(keep)
        running_max = np.maximum.accumulate(utc[idx])
        back = utc[idx] < running_max - 0.5
        if back.any():
            bad = idx[back]
            keep[bad] = False
            warns.append(
                f"dropped {bad.size} {what}(s) whose time goes backwards (line {int(lines[bad[0]])}"
                + (", ..." if bad.size > 1 else "")
                + ")"
            )
    if utc_offset is None:
        offs = offset[keep & np.isfinite(offset) & (offset != NAIVE)]
        found = plausible_offset_s(float(offs[0])) if offs.size else None
        if found is not None and found != 0:
            utc_offset = found
        elif timed and keep.any():
            first_utc = datetime.fromtimestamp(float(utc[keep][0]), UTC)
            utc_offset, assumed = home_offset_s(home_time_zone, first_utc), True
    return TimeResult(utc, keep, timed, utc_offset, assumed, warns, warned)


def _place_naive(
    utc: FloatArray,
    epoch: FloatArray,
    offset: FloatArray,
    naive: np.ndarray,
    lines: np.ndarray,
    warns: list[str],
    what: str,
) -> FloatArray:
    """Give each zone-less time a neighbour's zone if it then fits between its neighbours."""
    zoned_idx = np.flatnonzero(np.isfinite(utc))
    steps = np.diff(utc[zoned_idx])
    typical = float(np.median(steps)) if steps.size else 1.0
    limit = max(60.0, 10.0 * typical)
    out = utc.copy()
    for i in np.flatnonzero(naive):
        pos = int(np.searchsorted(zoned_idx, i))
        before = int(zoned_idx[pos - 1]) if pos > 0 else None
        after = int(zoned_idx[pos]) if pos < zoned_idx.size else None
        placed = False
        for nb in (before, after):
            if nb is None:
                continue
            candidate = epoch[i] - offset[nb]
            ok_before = before is None or 0.0 <= candidate - utc[before] <= limit
            ok_after = after is None or 0.0 <= utc[after] - candidate <= limit
            if ok_before and ok_after:
                out[i] = candidate
                placed = True
                break
        if not placed:
            warns.append(
                f"dropped the {what} at line {int(lines[i])}: its time "
                f"{_fmt_epoch(epoch[i], NAIVE)} has no zone and fits no zone of its "
                "neighbours consistently"
            )
    return out
