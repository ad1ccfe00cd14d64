"""Direction of travel from a lower-back sensor (retrostride.gait.direction), from physics.

The confidence is a sign test over the bout's strides, each voting with the reliability of its
own pendular evidence: long bouts of consistent but weak strides (daily-life walking, where
much of the trunk's bob is not vaulting) are said with confidence, bouts without pendular
exchange, or too short to tell, are not.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from gait_synth import Still, TrunkSteps, trunk_walk

from retrostride.gait._signal import gravity_components, gravity_estimate, vertical_rate
from retrostride.gait.direction import CentripetalDirection, PendulumPhaseDirection
from retrostride.gait.lower_back import LowerBackPipeline
from retrostride.gait.pipeline import analyze
from retrostride.gait.recording import Recording
from retrostride.gait.turns import YawRateTurns
from retrostride.science.locomotion import Direction

FS = 100.0


def _weak_walk(way: str) -> list[Still | TrunkSteps]:
    """40 steps whose trunk vaults by 1 cm and bobs 3 cm more without vaulting (knee flexion,
    weight shift: 4-68 mm of bob in short daily-life strides), so over each stride the
    fore-aft acceleration correlates with the vertical velocity by only about 0.3."""
    return [Still(3), TrunkSteps(40, 0.55, 0.65, way, bob_m=0.01, extra_bob_m=0.03), Still(3)]


def test_long_bout_of_weak_but_consistent_strides_is_said() -> None:
    for way, want in (("forward", Direction.FORWARD), ("backward", Direction.BACKWARD)):
        bouts = analyze(trunk_walk(_weak_walk(way))).bouts
        assert len(bouts) == 1
        assert bouts[0].direction is want
        assert bouts[0].direction_confidence >= 0.8


def test_walking_without_pendular_exchange_gets_no_direction() -> None:
    """The trunk bobs 3 cm per step without vaulting (no dip of speed at mid-stance): no
    evidence of the direction, whatever the number of steps."""
    rec = trunk_walk([Still(3), TrunkSteps(40, 0.55, 0.65, bob_m=0.0, extra_bob_m=0.03), Still(3)])
    bouts = analyze(rec).bouts
    assert bouts
    assert all(b.direction is Direction.UNKNOWN for b in bouts)


def _pendular(n_strides: int, phase: float, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """``a_ap`` and ``v_z`` of ``n_strides`` 1-s strides: v_z a 2-Hz sine, a_ap in anti-phase
    (``phase`` -1: forward) or in phase (+1), both with noise of a fifth of the motion."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_strides * int(FS)) / FS
    v_z = np.sin(2 * np.pi * 2.0 * t)
    a_ap = phase * np.sin(2 * np.pi * 2.0 * t)
    return a_ap + rng.normal(0, 0.2, t.size), v_z + rng.normal(0, 0.2, t.size)


def _estimate(a_ap: np.ndarray, v_z: np.ndarray, n_strides: int) -> PendulumPhaseDirection:
    stride = int(FS)
    starts = np.arange(n_strides) * stride
    strides = np.column_stack([starts, starts + stride]).astype(np.intp)
    bouts = np.array([[0, n_strides * stride]], dtype=np.intp)
    return PendulumPhaseDirection().estimate(
        a_ap, v_z, bouts, strides, np.zeros(n_strides, dtype=np.intp), sampling_rate_hz=FS
    )


def test_confidence_grows_with_consistent_strides() -> None:
    """Two clean strides are little evidence, twelve are much: the confidence grows with the
    number of strides that agree (a sign test), it is not the bout's correlation alone."""
    few = _estimate(*_pendular(2, -1.0), 2)
    many = _estimate(*_pendular(12, -1.0), 12)
    assert few.confidence_[0] < 0.8 <= many.confidence_[0]
    assert many.direction_ == [Direction.FORWARD]


def test_mixed_strides_stay_unknown() -> None:
    """Six strides forward then six backward inside one bout: no direction."""
    fa, fv = _pendular(6, -1.0)
    ba, bv = _pendular(6, 1.0, seed=4)
    d = _estimate(np.r_[fa, ba], np.r_[fv, bv], 12)
    assert d.direction_ == [Direction.UNKNOWN]
    assert d.confidence_[0] < PendulumPhaseDirection().min_confidence


def _slalom(rec: Recording, way: list[tuple[float, float]], period_s: float = 6.0) -> Recording:
    """``rec`` walked along a slalom: the trunk (and the path) turn left and right, up to
    ``0.6`` rad/s, every ``period_s / 2`` seconds (66 degrees each: El-Gohary turns). The
    gyroscope gets the yaw rate and the accelerometer the centripetal acceleration of the
    path, ``v_x * yaw rate`` to the left, ``v_x`` the velocity along the trunk's x axis
    (``way``: (start [s], v_x [m/s]) from each time on)."""
    fs = rec.sampling_rate_hz
    t = np.arange(len(rec)) / fs
    yaw = 0.6 * np.sin(2 * np.pi * t / period_s)
    v_x = np.zeros_like(t)
    for start, v in way:
        v_x[t >= start] = v
    acc = rec.acc_m_s2.copy()
    acc[:, 1] += v_x * yaw
    assert rec.gyr_rad_s is not None
    gyr = rec.gyr_rad_s.copy()
    gyr[:, 2] += np.where(v_x != 0, yaw, 0.0)
    return dataclasses.replace(rec, acc_m_s2=acc, gyr_rad_s=gyr)


def test_forward_then_backward_along_a_slalom_is_split() -> None:
    """Forward, then straight into backward walking, turning left and right all along: two
    bouts, each its own direction (strides in turns carry no sign of their own, so a split
    that counts signs never cut this walk)."""
    step = TrunkSteps(24, 0.55, 0.65)
    rec = trunk_walk([Still(3), step, dataclasses.replace(step, way="backward"), Still(3)])
    v = 0.65 / 0.55
    rec = _slalom(rec, [(3.0, v), (3.0 + 24 * 0.55, -v), (3.0 + 48 * 0.55, 0.0)])
    result = analyze(rec)
    said = [b for b in result.bouts if b.direction_confidence >= 0.8]
    assert [b.direction for b in said] == [Direction.FORWARD, Direction.BACKWARD]
    reversal = 3.0 + 24 * 0.55
    assert said[0].end_s <= reversal + 0.6 and said[1].start_s >= reversal - 0.6


def _shuffle_with_turns(way: str) -> list[Still | TrunkSteps]:
    """Shuffling without pendular exchange (the trunk bobs 3 cm per step without vaulting)
    along a path that turns left by 120 degrees, runs straight, and turns right by 120
    degrees (4.4 s each: El-Gohary turns)."""
    shuffle = TrunkSteps(8, 0.55, 0.4, way, bob_m=0.0, extra_bob_m=0.03)
    return [
        Still(3),
        shuffle,
        dataclasses.replace(shuffle, turn_deg=120.0),
        shuffle,
        dataclasses.replace(shuffle, turn_deg=-120.0),
        shuffle,
        Still(3),
    ]


def test_turning_shuffle_is_said_from_its_centripetal_acceleration() -> None:
    """Without pendular exchange the phase test has no evidence (the bout stays ``unknown``
    without the centripetal evidence, the default), but along a curve the trunk accelerates
    towards the inside of the turn, to the left of a forward walker turning left and to the
    right of a backward one: with it, the direction is said."""
    for way, want in (("forward", Direction.FORWARD), ("backward", Direction.BACKWARD)):
        rec = trunk_walk(_shuffle_with_turns(way))
        bouts = LowerBackPipeline(centripetal=True).run(rec).result_.bouts
        assert len(bouts) == 1
        assert bouts[0].direction is want
        assert bouts[0].direction_confidence >= 0.8
        # without the centripetal evidence (the default) no direction is said
        assert analyze(rec).bouts[0].direction_confidence < 0.5


def test_centripetal_evidence_needs_a_turn() -> None:
    """Straight walking gives the centripetal test no evidence (log odds 0), a turn gives it
    the sign of the direction of travel."""
    straight = trunk_walk([Still(3), TrunkSteps(24, 0.55, 0.4, bob_m=0.0), Still(3)])
    for rec, want in (
        (straight, 0.0),
        (trunk_walk(_shuffle_with_turns("forward")), 1.0),
        (trunk_walk(_shuffle_with_turns("backward")), -1.0),
    ):
        fs = rec.sampling_rate_hz
        assert rec.gyr_rad_s is not None
        g = gravity_estimate(rec.acc_m_s2, fs)
        _, _, a_ml = gravity_components(rec.acc_m_s2, fs, with_horizontal=True, gravity=g)
        assert a_ml is not None
        yaw = vertical_rate(rec.gyr_rad_s, rec.acc_m_s2, fs, gravity=g)
        turning = YawRateTurns().detect(yaw, fs).mask_
        bounds = np.array([[0, len(rec)]], dtype=np.intp)
        cue = CentripetalDirection().estimate(a_ml, yaw, turning, bounds, sampling_rate_hz=fs)
        assert np.sign(cue.log_odds_[0]) == want
        if want:
            assert abs(cue.log_odds_[0]) > 3.0  # posterior odds over 20:1 on its own
