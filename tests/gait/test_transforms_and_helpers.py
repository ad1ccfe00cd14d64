"""Variant transforms and numerical helpers: checked against their definitions."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from retrostride.gait._orientation import prefix_orientations, rotate, tilt_quaternion
from retrostride.gait._signal import segment_reduce
from retrostride.gait.bouts import StepSequenceBouts, quantile
from retrostride.gait.lower_back import LowerBackPipeline
from retrostride.gait.recording import Placement, Recording
from retrostride.gait.stride_length import (
    DRIFT_CUTOFF_PER_STEP_HZ,
    MOBILISED_FACTOR,
    InvertedPendulumStrideLength,
    chord_factor,
    vertical_excursion_m,
)
from retrostride.gait.summary import cv_percent, step_time_ratio
from retrostride.gait.transforms import stance_knots, time_reversed, time_scaled, warp_map


def _recording(n: int = 3000, fs: float = 100.0) -> Recording:
    rng = np.random.default_rng(1)
    acc = rng.normal(0, 1, (n, 3)) + np.array([0.0, 0.0, 9.81])
    gyr = rng.normal(0, 0.5, (n, 3))
    return Recording(fs, acc, Placement.LOWER_BACK, gyr_rad_s=gyr)


def test_time_reversal_signs_and_involution() -> None:
    rec = _recording()
    rev = time_reversed(rec)
    assert isinstance(rev, Recording) and rev.gyr_rad_s is not None and rec.gyr_rad_s is not None
    # reversal and negation copy the samples: exact on purpose
    np.testing.assert_array_equal(rev.acc_m_s2, rec.acc_m_s2[::-1])  # sign kept
    np.testing.assert_array_equal(rev.gyr_rad_s, -rec.gyr_rad_s[::-1])  # negated
    back = time_reversed(rev)
    assert isinstance(back, Recording)
    np.testing.assert_array_equal(back.acc_m_s2, rec.acc_m_s2)


def test_time_scaled_length_and_sine_amplitude() -> None:
    fs, f0 = 100.0, 1.0
    t = np.arange(6000) / fs
    acc = np.column_stack([np.zeros_like(t), np.zeros_like(t), 9.81 + np.sin(2 * np.pi * f0 * t)])
    rec = Recording(fs, acc, Placement.LOWER_BACK)
    fast = time_scaled(rec, 1.2)
    assert isinstance(fast, Recording)
    assert len(fast) == pytest.approx(len(rec) / 1.2, abs=2)
    # the same displacement 1.2x faster: acceleration amplitude x 1.44, frequency x 1.2
    mid = fast.acc_m_s2[1000:4000, 2] - 9.81
    assert np.max(np.abs(mid)) == pytest.approx(1.44, rel=0.03)


def test_stance_knots_keep_ics_and_stay_plausible() -> None:
    ics = np.array([0.0, 0.5, 1.0, 1.5])
    fcs = np.array([0.1, 0.6, 1.45])  # the last one at 90 % of its step: implausible, skipped
    orig, new = stance_knots(ics, fcs, 0.2)
    # the ICs are copied into the knots, not computed: exact membership on purpose
    assert set(ics) <= set(orig) and set(ics) <= set(new)
    moved = new[~np.isin(new, ics)]
    np.testing.assert_allclose(moved, [0.2, 0.7], rtol=1e-12, atol=0)  # 20 % -> 40 % of the step
    warp = warp_map(2.0, orig, new)
    np.testing.assert_allclose(warp(new), orig, rtol=0, atol=1e-12)


def test_prefix_orientations_equal_sequential_product() -> None:
    rng = np.random.default_rng(2)
    gyr = rng.normal(0, 3, (2, 300, 3))
    q0 = Rotation.random(2, random_state=3).as_quat()
    q = prefix_orientations(q0, gyr, 0.005)
    for k in range(2):
        r = Rotation.from_quat(q0[k])
        for j in range(1, 300):  # the sequential reference the scan must reproduce
            r = r * Rotation.from_rotvec(gyr[k, j] * 0.005)
        np.testing.assert_allclose(
            Rotation.from_quat(q[k, -1]).as_matrix(), r.as_matrix(), rtol=0, atol=1e-9
        )


def test_tilt_quaternion_sends_gravity_up_without_yaw() -> None:
    a = np.array([[3.0, 0.0, 9.0], [0.0, -4.0, 8.0]])
    q = tilt_quaternion(a)
    up = rotate(q, a / np.linalg.norm(a, axis=1, keepdims=True))
    np.testing.assert_allclose(up, [[0, 0, 1], [0, 0, 1]], rtol=0, atol=1e-12)
    x_world = rotate(q, np.array([[1.0, 0, 0], [1.0, 0, 0]]))
    assert abs(x_world[0, 1]) < 1e-12 and x_world[1, 1] == pytest.approx(0, abs=1e-12)


def _sine_steps(step_s: float, h_m: float, fs: float = 100.0) -> tuple[np.ndarray, np.ndarray]:
    """Vertical acceleration of a trunk bobbing h_m peak to peak once per step, and the steps."""
    n_step = round(step_s * fs)
    t = np.arange(30 * n_step) / fs
    w = 2 * np.pi / step_s
    a_v = -(h_m / 2) * w**2 * np.cos(w * t)  # z = h/2 cos(wt)
    starts = np.arange(5 * n_step, 25 * n_step, n_step)
    return a_v, np.column_stack([starts, starts + n_step])


def test_vertical_excursion_of_a_sine() -> None:
    a_v, bounds = _sine_steps(0.5, 0.04)  # 4 cm peak to peak at 2 steps/s
    np.testing.assert_allclose(vertical_excursion_m(a_v, 100.0, bounds), 0.04, rtol=0.02)
    # the drift filter's cut-off follows the step frequency (0.6 x): its zero-phase gain at
    # the step frequency is 1 / (1 + 0.6^8) = 0.983 at any cadence, so a 1-s step (60
    # steps/min, where Mobilise-D's fixed 1 Hz filter halves the excursion) keeps it too
    a_v, bounds = _sine_steps(1.0, 0.04)
    np.testing.assert_allclose(vertical_excursion_m(a_v, 100.0, bounds), 0.04 / 1.0168, rtol=0.01)
    # at 100 steps/min the cut-off is Mobilise-D's 1 Hz
    assert abs(DRIFT_CUTOFF_PER_STEP_HZ * 100.0 / 60.0 - 1.0) < 1e-12


def test_vertical_excursion_keeps_time_scaled_steps() -> None:
    """The same bobbing walked 20 % slower or faster keeps its excursion."""
    a_v, bounds = _sine_steps(0.55, 0.03)
    base = vertical_excursion_m(a_v, 100.0, bounds)
    for step_s in (0.55 / 0.8, 0.55 / 1.2):
        a_v, bounds = _sine_steps(step_s, 0.03)
        np.testing.assert_allclose(vertical_excursion_m(a_v, 100.0, bounds), base, rtol=0.01)


def test_inverted_pendulum_step_length() -> None:
    a_v, bounds = _sine_steps(0.5, 0.04)
    strides = np.array([[0, 1], [1, 2]])
    est = InvertedPendulumStrideLength().estimate(a_v, 100.0, bounds, strides, 0.95)
    h = est.excursion_m_
    expected = MOBILISED_FACTOR * 2 * np.sqrt(2 * 0.95 * h - h * h)
    np.testing.assert_allclose(est.step_length_m_, expected, rtol=1e-12, atol=0)
    # 2 sqrt(2 x 0.95 x 0.04 - 0.04^2) = 0.5455 m
    assert est.step_length_m_[0] == pytest.approx(MOBILISED_FACTOR * 0.5455, rel=0.01)
    np.testing.assert_allclose(
        est.stride_length_m_, est.step_length_m_[:2] + est.step_length_m_[1:3], rtol=1e-12, atol=0
    )
    assert abs(MOBILISED_FACTOR - 1.147) < 0.001  # 4.587 / 4


def test_turning_stride_is_the_chord_of_its_arc() -> None:
    turn = np.radians([0.0, 90.0, -90.0, 180.0, 360.0])
    expected = [1.0, np.sqrt(2) / (np.pi / 2), np.sqrt(2) / (np.pi / 2), 2 / np.pi, 0.0]
    np.testing.assert_allclose(chord_factor(turn), expected, rtol=0, atol=1e-12)
    a_v, bounds = _sine_steps(0.5, 0.04)
    strides = np.array([[0, 1], [1, 2]])
    straight = InvertedPendulumStrideLength().estimate(a_v, 100.0, bounds, strides, 0.95)
    turning = InvertedPendulumStrideLength().estimate(
        a_v, 100.0, bounds, strides, 0.95, stride_turn_rad=np.radians([0.0, 90.0])
    )
    np.testing.assert_allclose(turning.step_length_m_, straight.step_length_m_, atol=1e-12)
    np.testing.assert_allclose(
        turning.stride_length_m_,
        straight.stride_length_m_ * np.array([1.0, expected[1]]),
        rtol=1e-12,
    )


def test_bouts_need_four_regular_steps() -> None:
    ic = np.array([0.0, 0.5, 1.0, 1.5, 2.0, 5.0, 5.5, 6.0, 9.0, 9.6, 10.1, 10.6, 11.2])
    bouts = StepSequenceBouts().detect(ic).bouts_
    np.testing.assert_array_equal(bouts, [[0, 4], [8, 12]])


def test_step_regularity_is_each_steps_autocorrelation() -> None:
    """Each step's correlation with the same number of samples before it (steps of unequal
    length, one longer than ``max_len``, one whose window leaves the recording), then the
    median over the step and its neighbours: as numpy computes it step by step."""
    rng = np.random.default_rng(2)
    x = np.sin(np.arange(3000) * 2 * np.pi / 55.0) + 0.4 * rng.standard_normal(3000)
    ic = np.array([20, 90, 150, 200, 262, 300, 540, 600, 655, 700, 771, 830])
    max_len = 200
    raw = np.full(ic.size - 1, -1.0)  # unknown counts as irregular
    for k, (lo, hi) in enumerate(itertools.pairwise(ic)):
        d = hi - lo
        if lo - d >= 0 and d <= max_len:
            raw[k] = np.corrcoef(x[lo:hi], x[lo - d : lo])[0, 1]
    padded = np.concatenate(([raw[0]], raw, [raw[-1]]))
    expected = np.median(np.lib.stride_tricks.sliding_window_view(padded, 3), axis=1)
    got = LowerBackPipeline._step_regularity(x, ic, max_len)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    # computed a few steps at a time: the same
    np.testing.assert_allclose(
        LowerBackPipeline._step_regularity(x, ic, max_len, chunk=3), expected, atol=1e-12
    )


def test_bout_summaries_equal_numpy() -> None:
    rng = np.random.default_rng(6)
    x = rng.gamma(3.0, 0.4, size=37)
    np.testing.assert_allclose(
        cv_percent(x), np.std(x, ddof=1) / np.mean(x) * 100.0, rtol=1e-14
    )
    a, b = np.mean(x[0::2]), np.mean(x[1::2])
    np.testing.assert_allclose(step_time_ratio(x), max(a, b) / min(a, b), rtol=1e-14)


def test_quantile_is_numpys_linear_quantile() -> None:
    rng = np.random.default_rng(9)
    for n in (1, 2, 3, 4, 5, 8, 13, 40, 101):
        x = np.round(rng.gamma(2.0, 1.0, size=n), 1)  # ties included
        for q in (0.0, 0.25, 0.5, 0.75, 0.9, 1.0):
            np.testing.assert_allclose(quantile(x, q), np.quantile(x, q), rtol=1e-15)
    assert np.isnan(quantile(np.array([1.0, np.nan, 2.0]), 0.75))


def test_segment_reduce_parts_on_request() -> None:
    x = np.random.default_rng(1).standard_normal(200)
    starts, ends = np.array([0, 50, 120]), np.array([50, 120, 200])
    mx, mn, mean = segment_reduce(x, starts, ends)
    only_mean = segment_reduce(x, starts, ends, extrema=False)
    only_extrema = segment_reduce(x, starts, ends, mean=False)
    np.testing.assert_allclose(only_mean[2], mean, rtol=1e-15)
    np.testing.assert_allclose(only_extrema[0], mx, rtol=1e-15)
    np.testing.assert_allclose(only_extrema[1], mn, rtol=1e-15)
    assert only_mean[0].size == 0 and only_extrema[2].size == 0
