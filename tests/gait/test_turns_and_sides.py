"""Turn detection, same-side step merging and turn-excluded direction, on synthetic signals
whose answer is known by construction, and on the INDIP step sides of the lab data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrostride.gait.direction import PendulumPhaseDirection
from retrostride.gait.lower_back import LowerBackPipeline
from retrostride.gait.pipeline import analyze
from retrostride.gait.turns import YawRateTurns
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
