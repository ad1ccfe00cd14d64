"""Gait analysis of arbitrarily long recordings in bounded memory (days to weeks at 100 Hz).

The recording arrives as an iterator of contiguous :class:`Recording` chunks (same sampling rate,
placement and frame; see :mod:`retrostride.importers.imu.streaming` for readers). Each chunk is
analysed with :func:`retrostride.gait.pipeline.analyze` together with a *carry*: the tail of the
data before it that is not yet settled. Method:

1. ``buffer = carry + chunk``; analyse it; times are shifted by the buffer's global start.
2. A bout that ends at least ``overlap_s`` before the buffer's end is final (the pipeline saw
   ``overlap_s`` of data after it without walking continuing it): it is yielded.
3. The carry for the next chunk starts ``margin_s`` before the first unsettled bout (never before
   the end of the last yielded bout, so that no bout is counted twice), or ``overlap_s`` before
   the buffer's end when no bout is open. Its length is capped at ``max_carry_s``: a bout still
   open then (hours of continuous walking) is cut at the buffer's end and merged with its
   continuation from the next buffer (same direction, gap at most ``merge_gap_s``).

Memory is bounded by ``chunk + max_carry`` samples plus one held-back bout, whatever the length
of the stream; :class:`StreamTotals` keeps running totals in constant memory, so callers need not
keep the bouts. Only single-sensor recordings (lower back, phone, one foot) are streamed.

Valid range: ``overlap_s`` must exceed the pipeline's longest pause merged inside a bout (the
lower-back pipeline merges bouts across pauses of a few seconds), else a bout separated by a short
pause from the chunk border may come out as two.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from retrostride.gait.pipeline import analyze
from retrostride.gait.recording import FloatArray, Recording
from retrostride.gait.result import BoutResult, GaitResult, StrideTable
from retrostride.science.locomotion import Direction


@dataclass(frozen=True, slots=True)
class StreamParams:
    """Chunk bookkeeping [s]: see the module docstring for each."""

    overlap_s: float = 60.0
    margin_s: float = 10.0
    max_carry_s: float = 600.0
    merge_gap_s: float = 3.0

    def __post_init__(self) -> None:
        if not 0 < self.margin_s < self.overlap_s < self.max_carry_s:
            raise ValueError(
                "need 0 < margin_s < overlap_s < max_carry_s, got "
                f"{self.margin_s}, {self.overlap_s}, {self.max_carry_s}"
            )


def shift_bout(bout: BoutResult, offset_s: float) -> BoutResult:
    """The same bout with every time moved by ``offset_s`` [s]."""
    s = bout.strides
    strides = replace(
        s,
        start_s=s.start_s + offset_s,
        end_s=s.end_s + offset_s,
        initial_contact_s=s.initial_contact_s + offset_s,
        final_contact_s=s.final_contact_s + offset_s,
    )
    return replace(
        bout,
        start_s=bout.start_s + offset_s,
        end_s=bout.end_s + offset_s,
        initial_contacts_s=bout.initial_contacts_s + offset_s,
        final_contacts_s=bout.final_contacts_s + offset_s,
        strides=strides,
    )


def _weighted(a: float, wa: float, b: float, wb: float) -> float:
    pairs = [(v, w) for v, w in ((a, wa), (b, wb)) if math.isfinite(v) and w > 0]
    if not pairs:
        return math.nan
    return sum(v * w for v, w in pairs) / sum(w for _, w in pairs)


def _cat(a: FloatArray, b: FloatArray) -> FloatArray:
    return np.concatenate([a, b])


def merge_bouts(a: BoutResult, b: BoutResult) -> BoutResult:
    """One bout from ``a`` and the bout ``b`` continuing it (same direction, ``b`` after ``a``).

    Counts add up; cadence and speed are duration-weighted, stride length and symmetry weighted by
    steps; the stride-time variability is recomputed from the joined strides where there are any.
    """
    sa, sb = a.strides, b.strides
    strides = StrideTable(
        _cat(sa.start_s, sb.start_s),
        _cat(sa.end_s, sb.end_s),
        _cat(sa.initial_contact_s, sb.initial_contact_s),
        _cat(sa.final_contact_s, sb.final_contact_s),
        [*sa.side, *sb.side],
        _cat(sa.duration_s, sb.duration_s),
        _cat(sa.length_m, sb.length_m),
        _cat(sa.speed_m_s, sb.speed_m_s),
        _cat(sa.direction_sign, sb.direction_sign),
    )
    durations = strides.duration_s[np.isfinite(strides.duration_s)]
    if durations.size >= 2:
        cv = float(100.0 * np.std(durations, ddof=1) / np.mean(durations))
    else:
        cv = _weighted(a.stride_time_cv_percent, a.n_steps, b.stride_time_cv_percent, b.n_steps)
    da, db = a.duration_s, b.duration_s
    return BoutResult(
        start_s=a.start_s,
        end_s=b.end_s,
        direction=a.direction,
        direction_confidence=_weighted(a.direction_confidence, da, b.direction_confidence, db),
        n_steps=a.n_steps + b.n_steps,
        cadence_spm=_weighted(a.cadence_spm, da, b.cadence_spm, db),
        stride_length_m=_weighted(a.stride_length_m, a.n_steps, b.stride_length_m, b.n_steps),
        speed_m_s=_weighted(a.speed_m_s, da, b.speed_m_s, db),
        stride_time_cv_percent=cv,
        symmetry_step_time_ratio=_weighted(
            a.symmetry_step_time_ratio, a.n_steps, b.symmetry_step_time_ratio, b.n_steps
        ),
        initial_contacts_s=_cat(a.initial_contacts_s, b.initial_contacts_s),
        final_contacts_s=_cat(a.final_contacts_s, b.final_contacts_s),
        step_time_left_s=_weighted(a.step_time_left_s, a.n_steps, b.step_time_left_s, b.n_steps),
        step_time_right_s=_weighted(
            a.step_time_right_s, a.n_steps, b.step_time_right_s, b.n_steps
        ),
        strides=strides,
    )


def _check_compatible(first: Recording, chunk: Recording) -> None:
    if (chunk.sampling_rate_hz, chunk.placement, chunk.frame) != (
        first.sampling_rate_hz,
        first.placement,
        first.frame,
    ):
        raise ValueError(
            "every chunk must share the first one's sampling rate, placement and frame: "
            f"got {chunk.sampling_rate_hz} Hz {chunk.placement} {chunk.frame}, expected "
            f"{first.sampling_rate_hz} Hz {first.placement} {first.frame}"
        )
    if (chunk.gyr_rad_s is None) != (first.gyr_rad_s is None):
        raise ValueError("every chunk must have a gyroscope, or none may")


def _join(carry: Recording | None, chunk: Recording) -> Recording:
    if carry is None or len(carry) == 0:
        return chunk
    gyr = None
    if carry.gyr_rad_s is not None and chunk.gyr_rad_s is not None:
        gyr = np.concatenate([carry.gyr_rad_s, chunk.gyr_rad_s])
    return replace(
        carry,
        acc_m_s2=np.concatenate([carry.acc_m_s2, chunk.acc_m_s2]),
        gyr_rad_s=gyr,
        reference={},
    )


def _tail(buffer: Recording, start: int) -> Recording:
    gyr = None if buffer.gyr_rad_s is None else buffer.gyr_rad_s[start:].copy()
    return replace(buffer, acc_m_s2=buffer.acc_m_s2[start:].copy(), gyr_rad_s=gyr, reference={})


def iter_bouts(
    chunks: Iterable[Recording],
    *,
    stream: StreamParams | None = None,
    **params: Any,
) -> Iterator[BoutResult]:
    """Yield the walking bouts of a chunked recording in time order (seconds from its start).

    ``params`` go to :func:`retrostride.gait.pipeline.analyze`. Raises ``ValueError`` when
    chunks disagree in sampling rate, placement, frame or sensors.
    """
    sp = stream or StreamParams()
    first: Recording | None = None
    carry: Recording | None = None
    carry_start = 0  # global sample index of carry[0]
    settled_s = -math.inf  # global end of the last bout yielded (or held back)
    held: BoutResult | None = None  # a bout cut at a buffer end, waiting for its continuation
    iterator = iter(chunks)
    chunk = next(iterator, None)
    while chunk is not None:
        if first is None:
            first = chunk
        _check_compatible(first, chunk)
        following = next(iterator, None)
        last = following is None
        buffer = _join(carry, chunk)
        fs = buffer.sampling_rate_hz
        n = len(buffer)
        offset_s = carry_start / fs
        result = analyze(buffer, **params)
        commit_s = n / fs if last else n / fs - sp.overlap_s
        open_bouts: list[BoutResult] = []
        for local in sorted(result.bouts, key=lambda b: b.start_s):
            bout = shift_bout(local, offset_s)
            if bout.end_s <= settled_s + 1e-9:
                continue  # a fragment of a bout already yielded, seen again in the margin
            if bout.end_s <= offset_s + commit_s:
                held, ready = _settle(held, bout, sp, cut=False)
                yield from ready
                settled_s = bout.end_s
            else:
                open_bouts.append(bout)
        if last:
            break
        next_start_s = offset_s + n / fs - sp.overlap_s
        if open_bouts:
            next_start_s = min(next_start_s, open_bouts[0].start_s - sp.margin_s)
        if offset_s + n / fs - next_start_s > sp.max_carry_s:
            # A bout open longer than the carry may hold: cut it here, continue it next time.
            cut = open_bouts[0]
            held, ready = _settle(held, cut, sp, cut=True)
            yield from ready
            settled_s = cut.end_s
            next_start_s = cut.end_s
        next_start_s = max(next_start_s, settled_s, offset_s)
        start = min(round(next_start_s * fs) - carry_start, n)
        carry = _tail(buffer, start)
        carry_start += start
        chunk = following
    if held is not None:
        yield held


def _settle(
    held: BoutResult | None, bout: BoutResult, sp: StreamParams, *, cut: bool
) -> tuple[BoutResult | None, list[BoutResult]]:
    """Take a settled bout: return (the bout now held back, the bouts ready to yield).

    A bout is held back only while it may still be continued, that is when it was ``cut`` at a
    buffer end. The next bout continues it when it has the same direction and starts at most
    ``merge_gap_s`` after it ends; the two are then merged.
    """
    if (
        held is not None
        and bout.direction == held.direction
        and bout.start_s - held.end_s <= sp.merge_gap_s
    ):
        bout = merge_bouts(held, bout)
        held = None
    ready = [] if held is None else [held]
    if cut:
        return bout, ready
    return None, [*ready, bout]


@dataclass(slots=True)
class StreamTotals:
    """Running totals over a stream of bouts, in constant memory (SI units).

    ``step_count`` counts the steps inside bouts (a whole-recording ``GaitResult.step_count``
    may also count isolated steps outside bouts).
    """

    n_bouts: int = 0
    step_count: int = 0
    walking_time_s: float = 0.0
    forward_time_s: float = 0.0
    backward_time_s: float = 0.0
    by_direction: dict[str, int] = field(default_factory=dict)
    _cadence_time: float = 0.0
    _length_steps: float = 0.0
    _length_n: float = 0.0
    _speed_steps: float = 0.0
    _speed_n: float = 0.0

    def add(self, bout: BoutResult) -> None:
        self.n_bouts += 1
        self.step_count += int(bout.n_steps)
        d = bout.duration_s
        self.walking_time_s += d
        if bout.direction is Direction.FORWARD:
            self.forward_time_s += d
        elif bout.direction is Direction.BACKWARD:
            self.backward_time_s += d
        key = bout.direction.value
        self.by_direction[key] = self.by_direction.get(key, 0) + 1
        if math.isfinite(bout.stride_length_m):
            self._length_steps += bout.stride_length_m * bout.n_steps
            self._length_n += bout.n_steps
        if math.isfinite(bout.speed_m_s):
            self._speed_steps += bout.speed_m_s * bout.n_steps
            self._speed_n += bout.n_steps

    @property
    def mean_cadence_spm(self) -> float:
        return 60.0 * self.step_count / self.walking_time_s if self.walking_time_s > 0 else math.nan

    @property
    def mean_stride_length_m(self) -> float:
        """Mean stride length over bouts, weighted by steps [m]; NaN without lengths."""
        return self._length_steps / self._length_n if self._length_n > 0 else math.nan

    @property
    def mean_speed_m_s(self) -> float:
        """Mean walking speed over bouts, weighted by steps [m/s]; NaN without speeds."""
        return self._speed_steps / self._speed_n if self._speed_n > 0 else math.nan

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_bouts": self.n_bouts,
            "step_count": self.step_count,
            "walking_time_s": round(self.walking_time_s, 3),
            "forward_time_s": round(self.forward_time_s, 3),
            "backward_time_s": round(self.backward_time_s, 3),
            "bouts_by_direction": dict(self.by_direction),
            "mean_cadence_spm": _finite(self.mean_cadence_spm),
            "mean_stride_length_m": _finite(self.mean_stride_length_m),
            "mean_speed_m_s": _finite(self.mean_speed_m_s),
        }


def _finite(value: float) -> float | None:
    return round(value, 4) if math.isfinite(value) else None


def analyze_stream(
    chunks: Iterable[Recording], *, stream: StreamParams | None = None, **params: Any
) -> GaitResult:
    """A :class:`GaitResult` of a chunked recording; keeps every bout (use :func:`iter_bouts`
    with :class:`StreamTotals` when even the bouts are too many to hold)."""
    meta: list[Recording] = []
    samples = [0]

    def counted(source: Iterable[Recording]) -> Iterator[Recording]:
        for chunk in source:
            if not meta:
                meta.append(chunk)
            samples[0] += len(chunk)
            yield chunk

    bouts = list(iter_bouts(counted(chunks), stream=stream, **params))
    if not meta:
        raise ValueError("the stream holds no chunk")
    head = meta[0]
    return GaitResult(
        placement=head.placement,
        sampling_rate_hz=head.sampling_rate_hz,
        duration_s=samples[0] / head.sampling_rate_hz,
        bouts=bouts,
        step_count=sum(b.n_steps for b in bouts),
        walking_time_s=sum(b.duration_s for b in bouts),
        source=head.source,
        params={"streaming": True, **params},
    )
