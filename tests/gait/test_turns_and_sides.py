"""Turn detection, same-side step merging and turn-excluded direction, on synthetic signals
whose answer is known by construction, and on the INDIP step sides of the lab data."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from retrostride.gait.direction import (
    PendulumPhaseDirection,
    PhaseMoments,
    SegmentMoments,
    SidewaysExchange,
)
from retrostride.gait.lower_back import LowerBackPipeline
from retrostride.gait.pipeline import analyze
from retrostride.gait.turns import YawRateTurns, turn_heading
from retrostride.importers.imu import load_mobilised_mat

FS = 100.0


def _yaw(segments: list[tuple[float, float]]) -> np.ndarray:
    """Yaw rate [rad/s] from (duration s, rate deg/s) pieces."""
    return np.deg2rad(np.concatenate([np.full(round(d * FS), r) for d, r in segments]))


def test_a_90_degree_turn_is_found_with_its_angle() -> None:
    yaw = _yaw([(5.0, 0.0), (1.5, 60.0), (5.0, 0.0)])  # 90 deg to the left in 1.5 s
    t = YawRateTurns().detect(yaw, FS)
    assert t.turns_.shape == (1, 2)
    assert t.angle_deg_[0] == pytest.approx(90.0, abs=10.0)
    start, end = t.turns_[0] / FS
    assert 4.0 < start < 5.5 and 6.0 < end < 7.5
    assert t.mask_[round(5.75 * FS)] and not t.mask_[round(2 * FS)]
    right = YawRateTurns().detect(-yaw, FS)  # the same turn to the right
    assert right.angle_deg_[0] == pytest.approx(-t.angle_deg_[0], rel=1e-12)  # float rounding


def test_small_turns_and_drift_are_not_turns() -> None:
    drift = _yaw([(20.0, 4.0)])  # slow heading drift, below the 5 deg/s bound
    sway = _yaw([(5.0, 0.0), (1.0, 30.0), (5.0, 0.0)])  # 30 deg: a bend, not a turn
    for yaw in (drift, sway, np.zeros(1000)):
        t = YawRateTurns().detect(yaw, FS)
        assert t.turns_.shape == (0, 2) and not t.mask_.any()


def _sway(ic_s: np.ndarray, n: int) -> np.ndarray:
    """Lateral acceleration of a trunk swaying once per stride: the step that starts at an
    even IC has a positive mean, the next a negative one."""
    t = np.arange(n) / FS
    step = float(np.median(np.diff(ic_s)))
    return np.asarray(np.sin(np.pi * (t - ic_s[0]) / step))


def test_a_step_split_in_two_by_a_spurious_contact_is_merged() -> None:
    ic_s = np.arange(1.0, 11.0, 0.5)
    a_ml = _sway(ic_s, round(12 * FS))
    ic = np.round(ic_s * FS).astype(np.intp)
    assert np.array_equal(LowerBackPipeline._drop_same_side_splits(ic, a_ml, FS), ic)
    spurious = np.sort(np.append(ic, round(5.2 * FS)))  # cuts the step 5.0-5.5 s
    np.testing.assert_array_equal(LowerBackPipeline._drop_same_side_splits(spurious, a_ml, FS), ic)


def test_two_real_steps_with_a_wrong_side_are_not_joined() -> None:
    """A weak or wrong sway label on a regular step must not join two real steps: together
    they last twice the median step, not one step."""
    ic_s = np.arange(1.0, 11.0, 0.5)
    a_ml = _sway(ic_s, round(12 * FS))
    a_ml[round(5.0 * FS) : round(5.5 * FS)] *= -1  # step 5.0-5.5 s now on the same side as 4.5
    ic = np.round(ic_s * FS).astype(np.intp)
    np.testing.assert_array_equal(LowerBackPipeline._drop_same_side_splits(ic, a_ml, FS), ic)


def test_no_merge_at_the_ends_of_walking() -> None:
    ic_s = np.arange(1.0, 6.0, 0.5)
    a_ml = _sway(ic_s, round(8 * FS))
    ic = np.round(ic_s * FS).astype(np.intp)
    # a spurious contact in the last step: nothing walks after it, so it is left alone
    last = np.sort(np.append(ic, round(5.2 * FS)))
    np.testing.assert_array_equal(LowerBackPipeline._drop_same_side_splits(last, a_ml, FS), last)


def test_weighted_correlation_ignores_masked_samples() -> None:
    rng = np.random.default_rng(1)
    a = rng.normal(size=1000)
    b = -a + 0.1 * rng.normal(size=1000)
    b[500:] = a[500:]  # the second half (a "turn") is in phase
    starts, ends = np.array([0]), np.array([1000])
    whole = PendulumPhaseDirection._corr(a, b, starts, ends)[0]
    w = np.r_[np.ones(500), np.zeros(500)]
    straight = PendulumPhaseDirection._corr(a, b, starts, ends, w)[0]
    assert abs(whole) < 0.2 and straight < -0.95


def test_segment_moments_give_each_segments_correlation_and_spread() -> None:
    """Running sums built once give, on overlapping segments, what numpy computes segment by
    segment: the correlation, the product of the standard deviations, with a 0/1 weight only
    over the samples of weight 1, and the same when the sums of b and the weight are shared."""
    rng = np.random.default_rng(7)
    a, a2 = rng.normal(size=2000), rng.normal(size=2000)
    b = 0.6 * a + rng.normal(size=2000)
    w = (rng.random(2000) < 0.7).astype(np.float64)
    starts = np.array([0, 100, 150, 900, 1500])
    ends = np.array([400, 260, 1900, 1000, 2000])
    plain = SegmentMoments(a, b)
    weighted = SegmentMoments(a, b, w)
    shared = SegmentMoments(a2, b, w, share=weighted)
    r, scale = plain.corr_scale(starts, ends)
    for k, (s0, s1) in enumerate(zip(starts, ends, strict=True)):
        x, y = a[s0:s1], b[s0:s1]
        np.testing.assert_allclose(r[k], np.corrcoef(x, y)[0, 1], rtol=1e-9)
        np.testing.assert_allclose(scale[k], np.std(x) * np.std(y), rtol=1e-9)
        keep = w[s0:s1] > 0
        np.testing.assert_allclose(
            weighted.corr(starts, ends)[k], np.corrcoef(x[keep], y[keep])[0, 1], rtol=1e-9
        )
        np.testing.assert_allclose(
            shared.corr(starts, ends)[k],
            np.corrcoef(a2[s0:s1][keep], y[keep])[0, 1],
            rtol=1e-9,
        )


def test_direction_from_shared_moments_equals_direction_from_signals() -> None:
    """The direction and side-stepping estimates given one recording's :class:`PhaseMoments`
    are those they compute from the signals themselves."""
    rng = np.random.default_rng(3)
    n = 3000
    t = np.arange(n) / FS
    v_z = np.sin(2 * np.pi * 1.8 * t) + 0.3 * rng.normal(size=n)
    a_ap = -np.sin(2 * np.pi * 1.8 * t) + 0.5 * rng.normal(size=n)
    a_ml = np.sin(2 * np.pi * 0.9 * t) + 0.5 * rng.normal(size=n)
    turning = np.zeros(n, dtype=bool)
    turning[1200:1700] = True
    bouts = np.array([[100, 1400], [1500, 2900]])
    ic = np.arange(100, 2900, 55)
    strides = np.column_stack([ic[:-2], ic[2:]])
    stride_bout = (strides[:, 0] >= 1500).astype(np.intp)
    for turns in (None, turning):
        m = PhaseMoments(a_ap, v_z, turns)
        kw = {"sampling_rate_hz": FS}
        alone = PendulumPhaseDirection().estimate(
            a_ap, v_z, bouts, strides, stride_bout, turns, **kw
        )
        given = PendulumPhaseDirection().estimate(
            a_ap, v_z, bouts, strides, stride_bout, turns, moments=m, **kw
        )
        np.testing.assert_allclose(given.confidence_, alone.confidence_, rtol=1e-12)
        np.testing.assert_allclose(given.correlation_, alone.correlation_, rtol=1e-12)
        np.testing.assert_allclose(given.stride_evidence_, alone.stride_evidence_, rtol=1e-12)
        side_alone = SidewaysExchange().estimate(a_ap, a_ml, v_z, bouts, turns)
        side_given = SidewaysExchange().estimate(a_ap, a_ml, v_z, bouts, turns, moments=m)
        np.testing.assert_allclose(side_given.r_ml_, side_alone.r_ml_, rtol=1e-12)
        np.testing.assert_allclose(side_given.r_ap_, side_alone.r_ap_, rtol=1e-12)


def test_reversal_split_is_the_best_cut_of_the_sign_tests() -> None:
    """All cuts at once give the cut a stride-by-stride search over :meth:`sign_test` finds:
    both parts said the opposite way at 0.8 or more, the largest summed confidence, the
    first of equal ones; none where no cut qualifies."""
    rng = np.random.default_rng(8)
    ppd = PendulumPhaseDirection

    def by_loop(ev: np.ndarray, k: int) -> int | None:
        fw = np.concatenate(([0.0], np.cumsum(np.maximum(ev, 0.0))))
        bw = np.concatenate(([0.0], np.cumsum(np.maximum(-ev, 0.0))))
        m, best, best_score = ev.size, None, 0.0
        for j in range(k, m - k + 1):
            left = 2.0 * ppd.sign_test(fw[j], bw[j]) - 1.0
            right = 2.0 * ppd.sign_test(fw[m] - fw[j], bw[m] - bw[j]) - 1.0
            if left * right < 0 and min(abs(left), abs(right)) >= 0.8:
                score = abs(left) + abs(right)
                if score > best_score:
                    best, best_score = j, score
        return best

    cases = [
        np.r_[np.full(9, 0.4), np.full(7, -0.4)],
        np.r_[np.full(6, 0.4), np.full(6, -0.4), np.full(6, 0.4)],
        np.full(12, 0.3),
        np.full(5, 0.5),
        *(0.5 * rng.standard_normal(30) + np.r_[np.full(15, 0.3), np.full(15, -0.3)]
          for _ in range(20)),
    ]
    found = 0
    for ev in cases:
        expected = by_loop(ev, 4)
        assert ppd.reversal_split(ev, 4) == expected
        found += expected is not None
    assert found >= 3


def test_step_sides_agree_with_indip(shared_data: Path) -> None:
    """With the turn's centripetal acceleration filtered out of the sway, our sides agree with
    INDIP's foot sides on at least 95 % of matched steps of every lab test (turns included)."""
    agree, total = 0, 0
    for cohort in ("HA", "MS"):
        path = shared_data / "imu" / "mobgap-lab" / cohort / "001" / "data.mat"
        for rec in load_mobilised_mat(path):
            res = analyze(rec)
            for wb in rec.reference.get("indip", []):
                ref_t, ref_side = wb["initial_contacts_s"], wb["initial_contact_sides"]
                for b in res.bouts:
                    for t, side in zip(b.strides.start_s, b.strides.side, strict=True):
                        j = int(np.nanargmin(np.abs(ref_t - t)))
                        if abs(ref_t[j] - t) < 0.1 and side and j < len(ref_side):
                            total += 1
                            agree += side == ref_side[j]
    assert total >= 100 and agree / total >= 0.95


def test_turn_heading_runs_at_each_turns_mean_rate() -> None:
    """The path's heading changes only inside turns, at the turn's angle over its duration:
    a stretch's change is that rate times its time in the turn."""
    heading = turn_heading(
        np.array([[2, 6], [8, 10]]), np.array([math.degrees(1.0), -90.0]), n_samples=12
    )
    assert heading.shape == (13,)
    np.testing.assert_allclose(heading[:3], 0.0, atol=1e-12)
    np.testing.assert_allclose(heading[4] - heading[3], 0.25, atol=1e-12)  # 1 rad over 4 samples
    np.testing.assert_allclose(heading[8], 1.0, atol=1e-12)
    np.testing.assert_allclose(heading[12], 1.0 - math.pi / 2, atol=1e-12)
