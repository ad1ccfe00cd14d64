"""Step and stride length from a lower-back sensor: the inverted-pendulum model."""

from __future__ import annotations

from typing import Self

import numpy as np

from retrostride.gait._signal import highpass, integrate, segment_reduce
from retrostride.gait.recording import FloatArray, IntArray

TROCHANTER_HEIGHT_RATIO = 0.53
"""Height of the greater trochanter over body height (Winter DA 2009, Biomechanics and Motor
Control of Human Movement, 4th ed., Fig. 4.1: 0.530 H), used as pendulum length when the
sensor height is not known."""

DEFAULT_SENSOR_HEIGHT_M = 0.93
"""Pendulum length when neither sensor nor body height is known [m]: 0.53 x 1.75 m."""


class InvertedPendulumStrideLength:
    """Step length ``K * 2 * sqrt(2 l h - h^2)`` from the trunk's vertical excursion.

    ``h`` is the peak-to-peak vertical displacement of the sensor during a step (double
    integration of the band-limited vertical velocity, high-passed against drift), ``l`` the
    pendulum length (sensor height above the ground). Zijlstra W, Hof AL (2003) "Assessment of
    spatio-temporal gait parameters from trunk accelerations during human walking", Gait Posture
    18:1-10, eq. 1; they found the model underestimates step length and used a correction
    factor; ``K = 1.25`` follows Zijlstra 2004 (Eur J Appl Physiol 92:39-44, where 1.25 was
    the mean factor over healthy adults). A stride is two consecutive steps.

    Valid for walking (not running); ``h`` above ``l`` is impossible and gives NaN. The model
    holds for either direction of travel: it uses only the vertical excursion.

    Results: ``step_length_m_`` per step (between consecutive ICs), ``stride_length_m_`` per
    stride (``step[i] + step[i+1]``), ``excursion_m_`` per step.
    """

    def __init__(self, *, correction_factor: float = 1.25, highpass_hz: float = 0.5) -> None:
        self.correction_factor = correction_factor
        self.highpass_hz = highpass_hz

    def estimate(
        self,
        v_z_m_s: FloatArray,
        sampling_rate_hz: float,
        step_bounds: IntArray,
        stride_steps: IntArray,
        sensor_height_m: float,
    ) -> Self:
        """``step_bounds`` (k, 2) sample ranges; ``stride_steps`` (m, 2) step indices of each
        stride's two steps."""
        pos = highpass(integrate(v_z_m_s, sampling_rate_hz), self.highpass_hz, sampling_rate_hz)
        mx, mn, _ = segment_reduce(pos, step_bounds[:, 0], step_bounds[:, 1] + 1)
        h = mx - mn
        lval = sensor_height_m
        arg = 2.0 * lval * h - h * h
        step = np.where(arg > 0, self.correction_factor * 2.0 * np.sqrt(np.maximum(arg, 0)), np.nan)
        self.excursion_m_: FloatArray = h
        self.step_length_m_: FloatArray = step
        if stride_steps.size:
            self.stride_length_m_: FloatArray = step[stride_steps[:, 0]] + step[stride_steps[:, 1]]
        else:
            self.stride_length_m_ = np.empty(0)
        return self
