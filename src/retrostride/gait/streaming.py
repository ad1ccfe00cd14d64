"""Gait analysis of arbitrarily long recordings in bounded memory (days to weeks at 100 Hz).

The recording arrives as an iterator of contiguous :class:`Recording` chunks of any length (same
sampling rate, placement and frame; see :mod:`retrostride.importers.imu.streaming` for readers).
It is analysed in *windows of a fixed length* (``window_s``) with
:func:`retrostride.gait.pipeline.analyze`: each window is the *carry* (the tail of the previous
window that is not yet settled) followed by as much new data as fills it. Method:

1. ``window = carry + new data`` (exactly ``window_s`` long, except the last one); analyse it;
   times are shifted by the window's global start.
2. A bout that ends at least ``overlap_s`` before the window's end is final (the pipeline saw
   ``overlap_s`` of data after it without walking continuing it): it is yielded. A bout that
   starts before the end of the last settled bout is a fragment of it, seen again in the lead-in
   below, and is dropped.
3. The carry for the next window starts ``margin_s`` before the first unsettled bout, or
   ``overlap_s`` before the window's end when no bout is open, but never earlier than
   ``margin_s`` before the end of the last settled bout (a lead-in, so that the filters and the
   step detector see data before a bout that starts right after it). Its length is capped at
   ``max_carry_s``: a bout still open then (continuous walking longer than about
   ``max_carry_s``) is cut at the window's end, the next carry starts exactly at the cut, and
   the bout is merged with its continuation from the next window (same direction, gap at most
   ``merge_gap_s``); its counts add up and its averages are weighted (:func:`merge_bouts`).

Memory: every analysis sees ``window_s`` of data, whatever the chunk sizes, the carry or the
length of the stream, so the pipeline's largest temporary arrays have the same size in every
window and the peak memory does not grow with the stream. Besides the window, the stream holds
at most one input chunk not yet analysed and one held-back bout; :class:`StreamTotals` keeps
running totals in constant memory, so callers need not keep the bouts. Only single-sensor
recordings (lower back, phone, one foot) are streamed.

Valid range: ``overlap_s`` must exceed the pipeline's longest pause merged inside a bout (the
lower-back pipeline merges bouts across pauses of a few seconds), else a bout separated by a short
pause from the window border may come out as two; ``window_s`` must exceed ``max_carry_s``.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from retrostride.gait.pipeline import analyze
from retrostride.gait.recording import FloatArray, Recording
from retrostride.gait.result import BoutResult, GaitResult, StrideTable
from retrostride.gait.stream_totals import StreamTotals

__all__ = [
    "StreamParams",
    "StreamTotals",
    "analyze_stream",
    "iter_bouts",
    "merge_bouts",
    "shift_bout",
]


@dataclass(frozen=True, slots=True)
class StreamParams:
    """Chunk bookkeeping [s]: see the module docstring for each."""

    overlap_s: float = 60.0
    margin_s: float = 10.0
    max_carry_s: float = 300.0
    merge_gap_s: float = 3.0
    window_s: float = 720.0

    def __post_init__(self) -> None:
        if not 0 < self.margin_s < self.overlap_s < self.max_carry_s < self.window_s:
            raise ValueError(
                "need 0 < margin_s < overlap_s < max_carry_s < window_s, got "
                f"{self.margin_s}, {self.overlap_s}, {self.max_carry_s}, {self.window_s}"
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
        step_time_right_s=_weighted(a.step_time_right_s, a.n_steps, b.step_time_right_s, b.n_steps),
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


class _Samples:
    """The input chunks not yet analysed, taken out in pieces of any length."""

    def __init__(self, chunks: Iterable[Recording]) -> None:
        self._iterator = iter(chunks)
        self._pending: list[Recording] = []
        self._count = 0
        self.first: Recording | None = None

    def _pull(self) -> bool:
        chunk = next(self._iterator, None)
        if chunk is None:
            return False
        if self.first is None:
            self.first = chunk
        _check_compatible(self.first, chunk)
        if len(chunk):
            self._pending.append(chunk)
            self._count += len(chunk)
        return True

    def head(self) -> Recording | None:
        """The first chunk of the stream (None for an empty stream)."""
        while self.first is None and self._pull():
            pass
        return self.first

    def take(self, count: int) -> tuple[list[FloatArray], list[FloatArray], bool]:
        """Up to ``count`` samples (acceleration and angular-rate pieces) and whether the stream
        is exhausted after them."""
        while self._count < count and self._pull():
            pass
        acc: list[FloatArray] = []
        gyr: list[FloatArray] = []
        need = count
        while need > 0 and self._pending:
            head = self._pending[0]
            k = min(need, len(head))
            acc.append(head.acc_m_s2[:k])
            if head.gyr_rad_s is not None:
                gyr.append(head.gyr_rad_s[:k])
            if k == len(head):
                self._pending.pop(0)
            else:
                rest = None if head.gyr_rad_s is None else head.gyr_rad_s[k:]
                self._pending[0] = replace(head, acc_m_s2=head.acc_m_s2[k:], gyr_rad_s=rest)
            self._count -= k
            need -= k
        exhausted = not self._pending and not self._pull()
        return acc, gyr, exhausted


def _window(
    head: Recording, carry: Recording | None, acc: list[FloatArray], gyr: list[FloatArray]
) -> Recording:
    """The carry followed by the new pieces, in one freshly allocated recording."""
    acc_parts = ([] if carry is None else [carry.acc_m_s2]) + acc
    gyr_parts = ([] if carry is None or carry.gyr_rad_s is None else [carry.gyr_rad_s]) + gyr
    return replace(
        head,
        acc_m_s2=np.concatenate(acc_parts),
        gyr_rad_s=np.concatenate(gyr_parts) if gyr_parts else None,
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
    samples = _Samples(chunks)
    carry: Recording | None = None
    carry_start = 0  # global sample index of carry[0]
    settled_s = -math.inf  # global end of the last bout yielded (or held back)
    after_cut = False  # the carry starts exactly at a cut bout's end (no lead-in)
    held: BoutResult | None = None  # a bout cut at a window end, waiting for its continuation
    while True:
        head = samples.head()
        if head is None:
            return
        fs = head.sampling_rate_hz
        carried = 0 if carry is None else len(carry)
        acc, gyr, last = samples.take(round(sp.window_s * fs) - carried)
        if carried == 0 and not acc:
            break  # chunks of no samples only
        buffer = _window(head, carry, acc, gyr)
        del acc, gyr, carry
        n = len(buffer)
        offset_s = carry_start / fs
        result = analyze(buffer, **params)
        commit_s = n / fs if last else n / fs - sp.overlap_s
        open_bouts: list[BoutResult] = []
        for local in sorted(result.bouts, key=lambda b: b.start_s):
            bout = shift_bout(local, offset_s)
            if bout.end_s <= settled_s + 1e-9 or (
                not after_cut and bout.start_s < settled_s - 1e-9
            ):
                continue  # a fragment of a bout already settled, seen again in the lead-in
            if bout.end_s <= offset_s + commit_s:
                held, ready = _settle(held, bout, sp, cut=False)
                yield from ready
                settled_s = bout.end_s
            else:
                open_bouts.append(bout)
        del result
        if last:
            break
        next_start_s = offset_s + n / fs - sp.overlap_s
        if open_bouts:
            next_start_s = min(next_start_s, open_bouts[0].start_s - sp.margin_s)
        after_cut = False
        if offset_s + n / fs - next_start_s > sp.max_carry_s:
            # A bout open longer than the carry may hold: cut it here, continue it next time.
            cut = open_bouts[0]
            held, ready = _settle(held, cut, sp, cut=True)
            yield from ready
            settled_s = cut.end_s
            next_start_s = cut.end_s
            after_cut = True
        else:
            next_start_s = max(next_start_s, settled_s - sp.margin_s)
        next_start_s = max(next_start_s, offset_s)
        start = min(round(next_start_s * fs) - carry_start, n)
        carry = _tail(buffer, start)
        carry_start += start
        del buffer, open_bouts
        gc.collect()
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
        source=head.source,
        params={"streaming": True, **params},
    )
