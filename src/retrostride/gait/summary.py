"""Bout summaries shared by the placements: cadence, variability, symmetry."""

from __future__ import annotations

import math

import numpy as np

from retrostride.gait.recording import FloatArray
from retrostride.gait.result import BoutDirection, BoutResult, StrideTable


def _mean(x: FloatArray) -> float:
    """``np.mean`` of a non-empty float array (the same sum and division, without its
    Python-level dispatch: these summaries run for every bout)."""
    return float(np.add.reduce(x) / x.size)


def _nanmean(x: FloatArray) -> float:
    x = x[np.isfinite(x)]
    return _mean(x) if x.size else math.nan


def cv_percent(x: FloatArray) -> float:
    """Coefficient of variation [%] (sample standard deviation / mean); NaN under 3 values."""
    x = x[np.isfinite(x)]
    if x.size < 3:
        return math.nan
    # np.std(x, ddof=1) step by step: the deviations from the mean, their squares' sum
    dev = x - np.add.reduce(x) / x.size
    std = np.sqrt(np.add.reduce(dev * dev) / (x.size - 1))
    return float(std / _mean(x) * 100.0)


def step_time_ratio(step_s: FloatArray) -> float:
    """Larger over smaller mean of alternating steps (1 = symmetric); NaN under 4 steps."""
    if step_s.size < 4:
        return math.nan
    a, b = _mean(step_s[0::2]), _mean(step_s[1::2])
    return max(a, b) / min(a, b) if min(a, b) > 0 else math.nan


def bout_result(
    *,
    ic_s: FloatArray,
    fc_s: FloatArray,
    ic_side: list[str],
    strides: StrideTable,
    direction: BoutDirection,
    confidence: float,
    start_s: float | None = None,
    end_s: float | None = None,
) -> BoutResult:
    """Summarise one bout from its contacts (sorted, seconds) and stride table.

    ``ic_side`` names each IC's foot ("left"/"right"/""). A side's step time is the time from
    the other foot's IC to that foot's IC.
    """
    steps = np.diff(ic_s)
    side_of_step = np.asarray(ic_side[1 : steps.size + 1], dtype=object)
    left = steps[: side_of_step.size][side_of_step == "left"]
    right = steps[: side_of_step.size][side_of_step == "right"]
    # cadence as INDIP averages a bout: the mean over strides of each stride's own cadence
    # (120 / its duration: 2 steps per stride); checked on the INDIP reference of the
    # Mobilise-D lab data, where ``Cadence`` equals the mean of ``120 / Stride_Duration``
    finite = strides.duration_s[np.isfinite(strides.duration_s) & (strides.duration_s > 0)]
    if finite.size:
        cadence = _mean(120.0 / finite)
    else:
        cadence = 60.0 / _mean(steps) if steps.size else math.nan
    return BoutResult(
        start_s=float(ic_s[0]) if start_s is None else start_s,
        end_s=float(ic_s[-1]) if end_s is None else end_s,
        direction=direction,
        direction_confidence=float(confidence),
        n_steps=int(ic_s.size),
        cadence_spm=cadence,
        stride_length_m=_nanmean(strides.length_m),
        speed_m_s=_nanmean(strides.speed_m_s),
        stride_time_cv_percent=cv_percent(strides.duration_s),
        symmetry_step_time_ratio=step_time_ratio(steps),
        initial_contacts_s=ic_s,
        final_contacts_s=fc_s,
        step_time_left_s=_mean(left) if left.size else math.nan,
        step_time_right_s=_mean(right) if right.size else math.nan,
        strides=strides,
    )
