"""Kinematically consistent variants of a recording, for testing the bookkeeping of a pipeline.

- :func:`time_reversed`: the same motion run backwards in time (the person faces the same way
  and travels the other way): every accelerometer channel reversed in time with its sign kept,
  every gyroscope channel reversed and negated. ICs become FCs and vice versa; stride times,
  cadence and stride lengths are unchanged.
- :func:`time_scaled`: the same motion ``factor`` times faster: cadence and speed x factor,
  stride length unchanged; accelerations (gravity removed) scale by ``factor**2`` and angular
  rates by ``factor``.
- :func:`phase_warped`: a smooth (PCHIP) time warp with fixed knots at chosen events (for
  example the ICs) and moved knots inside (for example the FCs): changes the stance share
  while keeping stride times.

These prove bookkeeping (time, sign and frame conventions), not accuracy on real gait: a real
backward walker differs from a reversed forward one (toe-first contact, longer stance, shorter
strides; Laufer 2005, J Gerontol A 60:627).
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
from scipy.interpolate import PchipInterpolator

from retrostride.gait._signal import GRAVITY_CUTOFF_HZ, highpass, integrate, lowpass
from retrostride.gait.recording import FloatArray, FootPair, Recording


def _replace(rec: Recording, acc: FloatArray, gyr: FloatArray | None, tag: str) -> Recording:
    return dataclasses.replace(
        rec,
        acc_m_s2=np.ascontiguousarray(acc),
        gyr_rad_s=None if gyr is None else np.ascontiguousarray(gyr),
        source=f"{rec.source or 'recording'} [{tag}]",
        reference={},
    )


def time_reversed(rec: Recording | FootPair) -> Recording | FootPair:
    """The recording run backwards in time (see module docstring); reference dropped."""
    if isinstance(rec, FootPair):
        left, right = time_reversed(rec.left), time_reversed(rec.right)
        assert isinstance(left, Recording) and isinstance(right, Recording)
        return FootPair(left=left, right=right)
    gyr = None if rec.gyr_rad_s is None else -rec.gyr_rad_s[::-1]
    return _replace(rec, rec.acc_m_s2[::-1], gyr, "time-reversed")


def _warp(rec: Recording, t_orig_s: FloatArray, slope: FloatArray, tag: str) -> Recording:
    """Resample ``rec`` at original times ``t_orig_s`` (one per new sample, same rate).

    Chain rule: the dynamic velocity becomes ``w'(t) v(w(t))`` and the acceleration its
    derivative (which holds the ``w''`` term of a non-uniform warp); angular rates become
    ``w'(t) omega(w(t))``. Gravity (below 0.25 Hz) is resampled unchanged; this separation is
    valid for a trunk sensor, not for a foot, whose orientation changes within a stride.
    """
    fs = rec.sampling_rate_hz
    t = np.arange(len(rec)) / fs
    g = lowpass(rec.acc_m_s2, GRAVITY_CUTOFF_HZ, fs)
    vel = highpass(integrate(rec.acc_m_s2 - g, fs), 0.2, fs)

    def at(x: FloatArray) -> FloatArray:
        return np.column_stack([np.interp(t_orig_s, t, x[:, k]) for k in range(x.shape[1])])

    acc = at(g) + np.gradient(at(vel) * slope[:, None], axis=0) * fs
    gyr = None if rec.gyr_rad_s is None else at(rec.gyr_rad_s) * slope[:, None]
    return _replace(rec, acc, gyr, tag)


def time_scaled(rec: Recording | FootPair, factor: float) -> Recording | FootPair:
    """The same motion ``factor`` times faster (0.8-1.25 tested), at the same sampling rate."""
    if isinstance(rec, FootPair):
        left, right = time_scaled(rec.left, factor), time_scaled(rec.right, factor)
        assert isinstance(left, Recording) and isinstance(right, Recording)
        return FootPair(left=left, right=right)
    if not 0.5 <= factor <= 2.0:
        raise ValueError(f"factor {factor} outside 0.5-2")
    fs = rec.sampling_rate_hz
    n_new = int(np.floor((len(rec) - 1) / factor)) + 1
    t_orig = np.arange(n_new) / fs * factor
    return _warp(rec, t_orig, np.full(n_new, factor), f"speed x{factor:g}")


def warp_map(
    duration_s: float, knots_orig_s: FloatArray, knots_new_s: FloatArray
) -> PchipInterpolator:
    """The time map ``new time -> original time`` of :func:`phase_warped`: smooth and monotone
    (PCHIP) through the knots, fixed at 0 and at ``duration_s``."""
    inner = (knots_new_s > 0) & (knots_new_s < duration_s) & (knots_orig_s > 0)
    inner &= knots_orig_s < duration_s
    new = np.concatenate(([0.0], knots_new_s[inner], [duration_s]))
    orig = np.concatenate(([0.0], knots_orig_s[inner], [duration_s]))
    if np.any(np.diff(new) <= 0) or np.any(np.diff(orig) <= 0):
        raise ValueError("warp knots must be strictly increasing")
    return PchipInterpolator(new, orig)


def phase_warped(
    rec: Recording, knots_orig_s: FloatArray, knots_new_s: FloatArray, tag: str = "warped"
) -> Recording:
    """Smooth time warp: the moment ``knots_orig_s[i]`` of the original happens at
    ``knots_new_s[i]`` in the result (both increasing); see :func:`warp_map`."""
    fs = rec.sampling_rate_hz
    t = np.arange(len(rec)) / fs
    warp = warp_map(float(t[-1]), knots_orig_s, knots_new_s)
    t_orig = warp(t)
    slope = warp.derivative()(t)
    return _warp(rec, t_orig, slope, tag)


def stance_knots(
    ic_s: FloatArray,
    event_s: FloatArray,
    delta_fraction: float,
    *,
    plausible: tuple[float, float] = (0.05, 0.45),
) -> tuple[FloatArray, FloatArray]:
    """Knots that move each event after an IC by ``delta_fraction`` of the IC-to-IC interval.

    For every consecutive pair of ICs with one event between them, the ICs stay and the event
    moves by ``delta_fraction`` of the interval. Only events lying at a ``plausible`` fraction of
    the step (double support: 5-45 % of a step) are moved, and not beyond that range, so that
    the variant is still walking; a step with a misplaced event is left unwarped.
    Returns (orig, new).
    """
    lo, hi = plausible
    orig: list[float] = []
    new: list[float] = []
    for a, b in itertools.pairwise(ic_s):
        inside = event_s[(event_s > a) & (event_s < b)]
        orig.append(float(a))
        new.append(float(a))
        if inside.size == 1:
            frac = (inside[0] - a) / (b - a)
            if not lo <= frac <= hi:
                continue
            moved = min(max(frac + delta_fraction, lo), hi)
            orig.append(float(inside[0]))
            new.append(float(a + moved * (b - a)))
    if ic_s.size:
        orig.append(float(ic_s[-1]))
        new.append(float(ic_s[-1]))
    return np.array(orig), np.array(new)
