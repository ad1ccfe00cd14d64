"""Running totals over a stream of walking bouts, in constant memory (see
:mod:`retrostride.gait.streaming`)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from retrostride.gait.result import SIDEWAYS, BoutResult
from retrostride.science.locomotion import Direction


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
    sideways_time_s: float = 0.0
    _cadence_time: float = 0.0
    _cadence_sum: float = 0.0
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
        elif bout.direction is SIDEWAYS:
            self.sideways_time_s += d
        if math.isfinite(bout.cadence_spm) and d > 0:
            self._cadence_sum += bout.cadence_spm * d
            self._cadence_time += d
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
        """The bouts' cadences weighted by their durations (as ``GaitResult.mean_cadence_spm``)."""
        return self._cadence_sum / self._cadence_time if self._cadence_time > 0 else math.nan

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
            "sideways_time_s": round(self.sideways_time_s, 3),
            "bouts_by_direction": dict(self.by_direction),
            "mean_cadence_spm": _finite(self.mean_cadence_spm),
            "mean_stride_length_m": _finite(self.mean_stride_length_m),
            "mean_speed_m_s": _finite(self.mean_speed_m_s),
        }


def _finite(value: float) -> float | None:
    return round(value, 4) if math.isfinite(value) else None
