"""What users get, measured against a reference: stride length per length band, and coverage.

- **Stride-length bands** (< 0.6 m, 0.6-0.8 m, >= 0.8 m by the reference stride): each reference
  stride is matched to ours when their initial contacts lie within ``MATCH_S``; per band the
  number of reference strides, how many we matched, and our error (bias and mean absolute).
- **Coverage** per direction: the share of the reference's walking time that lies inside our
  bouts of the right direction said with confidence ``CONFIDENT`` or more, and the reference
  strides that lie inside a bout of the opposite direction at any confidence ("wrong").

Counts are kept as counts (:class:`BandFigures`, :class:`Coverage`), so a summary is the sum of
what is listed. mobgap's figures come from :mod:`retrostride.services.gait_mobgap` when mobgap is
installed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from retrostride.gait.recording import FloatArray
from retrostride.gait.result import BoutDirection, GaitResult
from retrostride.science.locomotion import Direction

BANDS: tuple[tuple[str, float, float], ...] = (
    ("< 0.6 m", 0.0, 0.6),
    ("0.6-0.8 m", 0.6, 0.8),
    (">= 0.8 m", 0.8, math.inf),
)
"""Reference stride-length bands of issue 14 (turning and shuffling strides are the short ones)."""

CONFIDENT = 0.8
"""Direction confidence at which a bout's direction counts as said (issue 14's goal)."""

MATCH_S = 0.15
"""Largest distance [s] between a reference stride's start and ours for them to be one stride
(about a quarter of a step at 100 steps/min)."""


@dataclass(slots=True)
class BandFigures:
    """One stride-length band: reference strides, ours matched to them, our errors [m]."""

    band: str
    n_reference: int = 0
    n_matched: int = 0
    error_sum_m: float = 0.0
    abs_error_sum_m: float = 0.0

    @property
    def bias_m(self) -> float:
        return self.error_sum_m / self.n_matched if self.n_matched else math.nan

    @property
    def mae_m(self) -> float:
        return self.abs_error_sum_m / self.n_matched if self.n_matched else math.nan

    def add(self, other: BandFigures) -> None:
        self.n_reference += other.n_reference
        self.n_matched += other.n_matched
        self.error_sum_m += other.error_sum_m
        self.abs_error_sum_m += other.abs_error_sum_m


def match_strides(
    ref_start_s: FloatArray, our_start_s: FloatArray, our_length_m: FloatArray
) -> FloatArray:
    """Our length for each reference stride (NaN where none of ours starts within
    ``MATCH_S``)."""
    out = np.full(ref_start_s.shape[0], math.nan)
    if our_start_s.size == 0:
        return out
    order = np.argsort(our_start_s)
    t, ln = our_start_s[order], our_length_m[order]
    pos = np.clip(np.searchsorted(t, ref_start_s), 1, max(t.size - 1, 1))
    lo = np.clip(pos - 1, 0, t.size - 1)
    hi = np.clip(pos, 0, t.size - 1)
    best = np.where(np.abs(t[lo] - ref_start_s) <= np.abs(t[hi] - ref_start_s), lo, hi)
    close = np.abs(t[best] - ref_start_s) <= MATCH_S
    out[close] = ln[best[close]]
    return out


def band_figures(ref_length_m: FloatArray, ours_m: FloatArray) -> list[BandFigures]:
    """Per band of :data:`BANDS`: counts and errors of ``ours_m`` (NaN: unmatched)."""
    out = []
    for name, lo, hi in BANDS:
        sel = (ref_length_m >= lo) & (ref_length_m < hi)
        matched = sel & np.isfinite(ours_m)
        err = ours_m[matched] - ref_length_m[matched]
        out.append(
            BandFigures(
                name,
                int(sel.sum()),
                int(matched.sum()),
                float(np.sum(err)),
                float(np.sum(np.abs(err))),
            )
        )
    return out


def our_strides(result: GaitResult) -> tuple[FloatArray, FloatArray]:
    """Initial contact [s] (the start of a lower-back stride; a foot stride's own contact) and
    length [m] of every stride of every bout."""
    starts = [b.strides.initial_contact_s for b in result.bouts]
    lengths = [b.strides.length_m for b in result.bouts]
    if not starts:
        return np.empty(0), np.empty(0)
    return np.concatenate(starts), np.concatenate(lengths)


@dataclass(slots=True)
class Coverage:
    """Reference walking [s] and strides against our bouts, for one expected direction."""

    expected: str
    walking_s: float = 0.0
    covered_s: float = 0.0
    """Inside our bouts of the expected direction with confidence >= ``CONFIDENT``."""
    n_strides: int = 0
    n_wrong: int = 0
    """Reference strides inside our bouts of the opposite direction, at any confidence."""

    @property
    def percent(self) -> float:
        return 100.0 * self.covered_s / self.walking_s if self.walking_s > 0 else math.nan

    def add(self, other: Coverage) -> None:
        self.walking_s += other.walking_s
        self.covered_s += other.covered_s
        self.n_strides += other.n_strides
        self.n_wrong += other.n_wrong


def _opposite(direction: BoutDirection) -> BoutDirection | None:
    if direction is Direction.FORWARD:
        return Direction.BACKWARD
    if direction is Direction.BACKWARD:
        return Direction.FORWARD
    return None


def coverage(
    result: GaitResult,
    windows_s: list[tuple[float, float]],
    stride_mid_s: FloatArray,
    expected: BoutDirection,
) -> Coverage:
    """Coverage of the reference walking ``windows_s`` and strides (their mid-times) by the
    bouts of ``result`` (see the module docstring)."""
    out = Coverage(expected.value)
    opposite = _opposite(expected)
    said = sorted(
        (b.start_s, b.end_s)
        for b in result.bouts
        if b.direction is expected and b.direction_confidence >= CONFIDENT
    )
    merged: list[list[float]] = []
    for b0, b1 in said:  # bouts may overlap (two feet): their union
        if merged and b0 <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b1)
        else:
            merged.append([b0, b1])
    for w0, w1 in windows_s:
        out.walking_s += max(0.0, w1 - w0)
        for b0, b1 in merged:
            out.covered_s += max(0.0, min(w1, b1) - max(w0, b0))
    out.n_strides = int(stride_mid_s.size)
    for b in result.bouts:
        if opposite is not None and b.direction is opposite:
            out.n_wrong += int(np.sum((stride_mid_s >= b.start_s) & (stride_mid_s <= b.end_s)))
    return out
