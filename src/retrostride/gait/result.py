"""What gait analysis returns: per-stride arrays, per-bout summaries, recording totals.

Times are seconds from the recording's first sample. ``NaN`` marks a value the placement cannot
give (for example stride length from a phone in a pocket). ``to_dict()`` gives plain JSON types.

Symmetry is reported as the *step-time ratio* ``mean(longer side) / mean(shorter side)`` of the
two alternating step sets (1.0 = symmetric; Patterson et al. 2010, Gait Posture 31:241, "ratio"
definition), computed between odd and even steps so it needs no left/right label; where sides are
known (foot sensors, or the lower-back side rule) ``step_time_left_s`` and ``step_time_right_s``
say which side is which.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from retrostride.gait.recording import FloatArray, Placement
from retrostride.science.locomotion import Direction


class GaitOnlyDirection(StrEnum):
    """Directions gait analysis reports that the log and the energy engine do not model.

    ``sideways``: side-stepping, the body travelling along its own left-right axis (foot: the
    lateral displacement of the strides exceeds the fore-aft; lower back: the trunk's
    step-frequency oscillation is larger side to side than fore and aft). Attached to a logged
    session it becomes ``unknown`` with a note (:mod:`retrostride.services.gait_analysis`).
    """

    SIDEWAYS = "sideways"


SIDEWAYS = GaitOnlyDirection.SIDEWAYS

BoutDirection = Direction | GaitOnlyDirection
"""A bout's direction: forward, backward, unknown (the log's) or sideways (gait only)."""


def _clean(value: float) -> float | None:
    """A float for JSON: NaN and infinities become None."""
    return None if not math.isfinite(value) else round(float(value), 6)


def _array(values: FloatArray) -> list[float | None]:
    return [_clean(float(v)) for v in np.asarray(values, dtype=float)]


@dataclass(slots=True)
class StrideTable:
    """Per-stride arrays of one bout, all of the same length (one entry per stride).

    A stride runs from one initial contact of a foot to its next one (lower back: from IC ``i`` to
    IC ``i + 2``; foot: from one mid-stance rest to the next, with its IC inside).
    ``side`` is "left", "right" or "" when unknown. ``direction_sign`` is +1 forward, -1 backward,
    0 unknown or sideways.
    """

    start_s: FloatArray
    end_s: FloatArray
    initial_contact_s: FloatArray
    final_contact_s: FloatArray
    side: list[str]
    duration_s: FloatArray
    length_m: FloatArray
    speed_m_s: FloatArray
    direction_sign: FloatArray

    def __len__(self) -> int:
        return int(self.start_s.shape[0])

    @classmethod
    def empty(cls) -> StrideTable:
        e = np.empty(0)
        return cls(e, e, e, e, [], e, e, e, e)

    def to_dict(self) -> dict[str, Any]:
        return {
            "start_s": _array(self.start_s),
            "end_s": _array(self.end_s),
            "initial_contact_s": _array(self.initial_contact_s),
            "final_contact_s": _array(self.final_contact_s),
            "side": list(self.side),
            "duration_s": _array(self.duration_s),
            "length_m": _array(self.length_m),
            "speed_m_s": _array(self.speed_m_s),
            "direction_sign": [int(v) for v in self.direction_sign],
        }


@dataclass(slots=True)
class BoutResult:
    """One walking bout.

    ``direction_confidence`` is 0-1 (0: no evidence; see the direction estimator of the
    placement). ``cadence_spm`` is steps per minute; ``stride_time_cv_percent`` the coefficient of
    variation of stride durations [%]; ``symmetry_step_time_ratio`` >= 1 (see module docstring).
    """

    start_s: float
    end_s: float
    direction: BoutDirection
    direction_confidence: float
    n_steps: int
    cadence_spm: float
    stride_length_m: float
    speed_m_s: float
    stride_time_cv_percent: float
    symmetry_step_time_ratio: float
    initial_contacts_s: FloatArray
    final_contacts_s: FloatArray
    step_time_left_s: float = math.nan
    step_time_right_s: float = math.nan
    strides: StrideTable = field(default_factory=StrideTable.empty)
    walked_m: float = math.nan
    """Distance walked [m] where the pipeline measures it (foot: summed stride lengths)."""

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    @property
    def distance_m(self) -> float:
        """Distance walked in the bout [m]: measured (``walked_m``), else speed x duration;
        NaN without either."""
        if math.isfinite(self.walked_m):
            return self.walked_m
        return self.speed_m_s * self.duration_s

    def to_dict(self, *, strides: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "start_s": _clean(self.start_s),
            "end_s": _clean(self.end_s),
            "duration_s": _clean(self.duration_s),
            "direction": self.direction.value,
            "direction_confidence": _clean(self.direction_confidence),
            "n_steps": int(self.n_steps),
            "cadence_spm": _clean(self.cadence_spm),
            "stride_length_m": _clean(self.stride_length_m),
            "speed_m_s": _clean(self.speed_m_s),
            "distance_m": _clean(self.distance_m),
            "stride_time_cv_percent": _clean(self.stride_time_cv_percent),
            "symmetry_step_time_ratio": _clean(self.symmetry_step_time_ratio),
            "step_time_left_s": _clean(self.step_time_left_s),
            "step_time_right_s": _clean(self.step_time_right_s),
            "initial_contacts_s": _array(self.initial_contacts_s),
            "final_contacts_s": _array(self.final_contacts_s),
        }
        if strides:
            out["strides"] = self.strides.to_dict()
        return out


@dataclass(slots=True)
class GaitResult:
    """The analysis of one recording (or foot pair): its bouts and totals.

    ``step_count`` counts every detected step, inside bouts and (for a phone) outside them;
    ``walking_time_s`` is the summed duration of the bouts.
    """

    placement: Placement
    sampling_rate_hz: float
    duration_s: float
    bouts: list[BoutResult]
    step_count: int
    source: str | None = None
    warnings: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def walking_time_s(self) -> float:
        """Summed duration of the bouts [s]."""
        return float(sum(b.duration_s for b in self.bouts))

    @property
    def direction(self) -> BoutDirection:
        """The recording's overall direction: the one of all its bouts, ``mixed`` or ``unknown``."""
        known = {b.direction for b in self.bouts if b.direction is not Direction.UNKNOWN}
        if not known:
            return Direction.UNKNOWN
        if len(known) == 1:
            return known.pop()
        return Direction.MIXED

    @property
    def mean_cadence_spm(self) -> float:
        """Mean cadence over the walking [steps/min]: the bouts' own cadences weighted by their
        durations, so it agrees with the bouts (NaN without bouts of known cadence)."""
        pairs = [
            (b.cadence_spm, b.duration_s)
            for b in self.bouts
            if math.isfinite(b.cadence_spm) and b.duration_s > 0
        ]
        weight = sum(d for _, d in pairs)
        return sum(c * d for c, d in pairs) / weight if weight > 0 else math.nan

    def totals(self) -> dict[str, Any]:
        """Recording-level figures (JSON types)."""
        walk = self.walking_time_s
        fwd = sum(b.duration_s for b in self.bouts if b.direction is Direction.FORWARD)
        bwd = sum(b.duration_s for b in self.bouts if b.direction is Direction.BACKWARD)
        side = sum(b.duration_s for b in self.bouts if b.direction is SIDEWAYS)
        return {
            "placement": self.placement.value,
            "source": self.source,
            "duration_s": _clean(self.duration_s),
            "sampling_rate_hz": _clean(self.sampling_rate_hz),
            "step_count": int(self.step_count),
            "n_bouts": len(self.bouts),
            "walking_time_s": _clean(walk),
            "forward_time_s": _clean(fwd),
            "backward_time_s": _clean(bwd),
            "sideways_time_s": _clean(side),
            "direction": self.direction.value,
            "mean_cadence_spm": _clean(self.mean_cadence_spm),
        }

    def to_dict(self, *, strides: bool = True) -> dict[str, Any]:
        return {
            "totals": self.totals(),
            "bouts": [b.to_dict(strides=strides) for b in self.bouts],
            "warnings": list(self.warnings),
            "params": {k: v for k, v in self.params.items()},
        }
