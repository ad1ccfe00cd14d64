"""Turns from the yaw rate of a lower-back sensor (El-Gohary et al. 2014)."""

from __future__ import annotations

from typing import Self

import numpy as np

from retrostride.gait._signal import lowpass
from retrostride.gait.recording import FloatArray, IntArray


class YawRateTurns:
    """Turns: stretches where the trunk rotates about the vertical.

    El-Gohary M et al. (2014) "Continuous monitoring of turning in patients with movement
    disability", Sensors 14:356-369, with the parameters of the Mobilise-D implementation
    (mobgap 1.2 ``TdElGohary``, Apache-2.0): the angular rate about the vertical (the gyroscope
    projected on the gravity direction, so no sensor alignment is needed and no direction of
    travel is assumed) is low-passed at ``cutoff_hz`` (4th-order Butterworth, zero phase);
    every stretch where its magnitude stays above ``lower_dps`` and peaks above ``peak_dps`` is
    a turn candidate; a candidate is a turn if it lasts ``duration_s`` and turns the body by at
    least ``min_angle_deg`` (the integral of the unfiltered rate). Stretches are found with
    array operations (no per-sample loop).

    Results: ``turns_`` (k, 2) sample ranges [start, end), ``angle_deg_`` (signed, positive
    = to the left, counter-clockwise seen from above) and ``mask_`` (True while turning).
    """

    def __init__(
        self,
        *,
        cutoff_hz: float = 0.5,
        peak_dps: float = 15.0,
        lower_dps: float = 5.0,
        duration_s: tuple[float, float] = (0.5, 10.0),
        min_angle_deg: float = 45.0,
    ) -> None:
        self.cutoff_hz = cutoff_hz
        self.peak_dps = peak_dps
        self.lower_dps = lower_dps
        self.duration_s = duration_s
        self.min_angle_deg = min_angle_deg

    def detect(self, yaw_rate_rad_s: FloatArray, sampling_rate_hz: float) -> Self:
        """``yaw_rate_rad_s``: angular rate about the vertical [rad/s], positive to the left."""
        fs = sampling_rate_hz
        n = yaw_rate_rad_s.shape[0]
        rate_dps = np.rad2deg(yaw_rate_rad_s)
        smooth = np.abs(lowpass(rate_dps, self.cutoff_hz, fs, order=4))
        above = smooth > self.lower_dps
        edges = np.diff(np.concatenate(([0], above.astype(np.int8), [0])))
        starts = np.flatnonzero(edges == 1)
        ends = np.flatnonzero(edges == -1)
        if starts.size:
            peak = np.maximum.reduceat(smooth, starts)
            # reduceat runs to the next start; the stretch ends earlier, but below-threshold
            # samples never exceed peak_dps, so the peak test is unaffected
            csum = np.concatenate(([0.0], np.cumsum(rate_dps) / fs))
            angle = csum[ends] - csum[starts]
            dur = (ends - starts) / fs
            keep = (
                (peak > self.peak_dps)
                & (dur >= self.duration_s[0])
                & (dur <= self.duration_s[1])
                & (np.abs(angle) >= self.min_angle_deg)
            )
            starts, ends, angle = starts[keep], ends[keep], angle[keep]
        else:
            angle = np.empty(0)
        mask = np.zeros(n, dtype=bool)
        if starts.size:
            marks = np.zeros(n + 1, dtype=np.int32)
            np.add.at(marks, starts, 1)
            np.add.at(marks, ends, -1)
            mask = np.cumsum(marks[:-1]) > 0
        self.turns_: IntArray = np.column_stack([starts, ends]).astype(np.intp).reshape(-1, 2)
        self.angle_deg_: FloatArray = np.asarray(angle, dtype=np.float64)
        self.mask_: np.ndarray = mask
        return self


def turn_heading(turns: IntArray, angle_deg: FloatArray, *, n_samples: int) -> FloatArray:
    """Heading of the path [rad] at each sample boundary (``n_samples + 1``, 0 at the start):
    constant outside turns, changing at each turn's mean rate (its angle over its duration)
    inside it, so a stretch's heading change is that rate times its time inside the turn.

    A turn's angle and duration are properties of the whole turn, not of where the contacts
    fall inside it: the trunk's own yaw oscillation (pelvic rotation, about +-5 degrees a step,
    largest in a pivot) is averaged out, and a time-warped or reversed copy of the walk gives
    each stride the same share of the turn. ``turns`` (k, 2) sample ranges [start, end) and
    ``angle_deg`` (k,) as :class:`YawRateTurns` gives them."""
    rate = np.zeros(n_samples + 1)
    if turns.size:
        dur = np.maximum(turns[:, 1] - turns[:, 0], 1)
        per_sample = np.deg2rad(angle_deg) / dur
        np.add.at(rate, turns[:, 0], per_sample)
        np.add.at(rate, turns[:, 1], -per_sample)
    out: FloatArray = np.concatenate(([0.0], np.cumsum(np.cumsum(rate)[:-1])))
    return out
