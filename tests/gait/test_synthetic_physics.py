"""Single mechanisms reproduced from physics on synthetic recordings (tests/gait/gait_synth.py).

Each test builds what a sensor moving that way would record and checks one figure the pipeline
must get right for that motion: side-stepping, a long foot-flat, a still moment mid-swing, a
change from forward to backward walking, foot axes unknown, totals that agree with the bouts.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from gait_synth import Fidget, FootStride, Still, TrunkSteps, foot_walk, trunk_walk

from retrostride.gait.pipeline import analyze
from retrostride.gait.recording import Frame
from retrostride.gait.result import SIDEWAYS
from retrostride.gait.transforms import time_reversed
from retrostride.science.locomotion import Direction


def test_lower_back_side_steps_are_sideways() -> None:
    rec = trunk_walk(
        [
            Still(3),
            TrunkSteps(20, 0.55, 0.65),
            Still(3),
            TrunkSteps(20, 0.6, 0.45, "sideways"),
            Still(3),
        ]
    )
    result = analyze(rec)
    assert [b.direction for b in result.bouts] == [Direction.FORWARD, SIDEWAYS]
    assert result.bouts[1].direction_confidence >= 0.8
    assert result.totals()["sideways_time_s"] == pytest.approx(result.bouts[1].duration_s)


def test_foot_side_steps_are_sideways_and_directions_split_bouts() -> None:
    """Forward, then straight into backward, then side steps: three bouts, each its own."""
    rec = foot_walk(
        [FootStride(0.3, 0.5, 1.2)] * 10
        + [FootStride(0.3, 0.5, -0.8)] * 10
        + [FootStride(0.5, 0.5, 0.0, 0.4, pitch_rad=0.8)] * 8
    )
    result = analyze(rec)
    assert [b.direction for b in result.bouts] == [Direction.FORWARD, Direction.BACKWARD, SIDEWAYS]
    assert all(b.direction_confidence >= 0.8 for b in result.bouts)
    # no stride inside a bout of the opposite direction
    for bout in result.bouts:
        want = {Direction.FORWARD: 1, Direction.BACKWARD: -1}.get(bout.direction, 0)  # type: ignore[call-overload]
        assert all(int(s) == want for s in bout.strides.direction_sign)


def test_foot_shuffle_within_the_displacement_error_gets_no_direction() -> None:
    """Three strides that move the foot 1 cm (marching on the spot), well inside a ZUPT
    stride's displacement error (4 cm): no evidence of a direction (the share of stride
    length said forward at 1.00)."""
    result = analyze(foot_walk([FootStride(0.3, 0.5, 0.01)] * 3))
    assert result.bouts
    assert all(b.direction is Direction.UNKNOWN for b in result.bouts)
    assert all(b.direction_confidence < 0.5 for b in result.bouts)


def test_foot_walk_with_one_step_back_keeps_its_direction() -> None:
    """Six strides of 0.8 m forward with a 0.8-m step back among them (making room for
    someone): a sign test over the strides says the bout forward with confidence (six
    clear votes against one); the share of stride length said it at 0.71."""
    fwd, back = FootStride(0.3, 0.5, 0.8), FootStride(0.3, 0.5, -0.8)
    result = analyze(foot_walk([fwd] * 6 + [back] + [fwd] * 6))
    first = result.bouts[0]
    assert first.strides.direction_sign.tolist().count(-1.0) == 1
    assert first.direction is Direction.FORWARD
    assert first.direction_confidence >= 0.8


def test_foot_axes_unknown_gives_no_direction() -> None:
    rec = foot_walk([FootStride(0.3, 0.5, 1.2)] * 10, frame=Frame.DEVICE)
    result = analyze(rec)
    assert result.bouts and all(b.direction is Direction.UNKNOWN for b in result.bouts)
    assert all(b.direction_confidence == pytest.approx(0.0, abs=1e-12) for b in result.bouts)


def test_long_foot_flat_slow_walking_is_one_bout_with_whole_cycle_cadence() -> None:
    """1.5 s foot-flat + 0.5 s swing: a 2-s gait cycle, 60 steps/min (one foot)."""
    rec = foot_walk([FootStride(1.5, 0.5, 0.6)] * 10)
    result = analyze(rec)
    assert len(result.bouts) == 1
    bout = result.bouts[0]
    assert bout.cadence_spm == pytest.approx(60.0, rel=0.02)
    assert bout.speed_m_s == pytest.approx(0.6 / 2.0, rel=0.03)
    assert bout.distance_m == pytest.approx(10 * 0.6, rel=0.03)
    assert result.totals()["mean_cadence_spm"] == pytest.approx(bout.cadence_spm, rel=1e-9)


def test_slowest_walking_kept_at_40_steps_per_min() -> None:
    rec = foot_walk([FootStride(2.5, 0.5, 0.5)] * 8)  # 3-s cycle: 40 steps/min
    result = analyze(rec)
    assert len(result.bouts) == 1 and result.bouts[0].n_steps == 16
    assert result.bouts[0].cadence_spm == pytest.approx(40.0, rel=0.02)


def test_pause_ends_a_foot_bout() -> None:
    walk = [FootStride(0.3, 0.5, 1.0)] * 5
    rec = foot_walk([*walk, FootStride(4.0, 0.5, 1.0), *walk])  # stands 4 s, then walks on
    assert [len(b.strides) for b in analyze(rec).bouts] == [5, 6]


def test_still_moment_mid_swing_does_not_split_the_stride() -> None:
    rec = foot_walk([FootStride(0.3, 0.6, -0.7, still_s=0.15)] * 10)
    result = analyze(rec)
    assert len(result.bouts) == 1
    bout = result.bouts[0]
    assert len(bout.strides) == 10
    assert bout.stride_length_m == pytest.approx(0.7, rel=0.03)
    assert bout.cadence_spm == pytest.approx(120.0 / 1.05, rel=0.02)
    assert bout.direction is Direction.BACKWARD


def test_totals_cadence_agrees_with_the_bouts() -> None:
    rec = trunk_walk(
        [Still(3), TrunkSteps(12, 0.5, 0.6), Still(4), TrunkSteps(30, 0.7, 0.5), Still(3)]
    )
    result = analyze(rec)
    bouts = [b for b in result.bouts if math.isfinite(b.cadence_spm)]
    assert len(bouts) == 2
    low, high = sorted(b.cadence_spm for b in bouts)
    total = result.totals()["mean_cadence_spm"]
    assert low <= total <= high
    weighted = sum(b.cadence_spm * b.duration_s for b in bouts) / sum(b.duration_s for b in bouts)
    assert total == pytest.approx(weighted, rel=1e-6)


def test_lower_back_forward_then_backward_without_a_pause_is_two_bouts() -> None:
    rec = trunk_walk(
        [Still(3), TrunkSteps(20, 0.55, 0.65), TrunkSteps(20, 0.55, 0.65, "backward"), Still(3)]
    )
    result = analyze(rec)
    assert [b.direction for b in result.bouts] == [Direction.FORWARD, Direction.BACKWARD]
    for bout in result.bouts:
        want = 1 if bout.direction is Direction.FORWARD else -1
        assert all(int(s) in (0, want) for s in bout.strides.direction_sign)


def test_lower_back_slow_walking_at_40_steps_per_min_is_kept() -> None:
    result = analyze(trunk_walk([Still(3), TrunkSteps(16, 1.5, 0.35), Still(3)]))
    assert len(result.bouts) == 1
    assert result.bouts[0].cadence_spm == pytest.approx(40.0, rel=0.03)


def test_lower_back_pause_with_weight_shifts_ends_the_bout() -> None:
    """Walking, 6 s of standing while shifting weight (the trunk rises and falls by up to
    10 mm every 0.7-1.3 s: vertical-velocity minima the contact detector takes for slow steps,
    with a few percent of a walking step's energy and no repeating pattern), walking again:
    two bouts, the pause in neither."""
    walk = TrunkSteps(12, 0.55, 0.65)
    rec = trunk_walk([Still(3), walk, Fidget(6.0), walk, Still(3)])
    bouts = analyze(rec).bouts
    pause_start = 3 + 12 * 0.55
    pause_end = pause_start + 6.0
    assert len(bouts) == 2
    assert bouts[0].end_s <= pause_start + 1.2  # at most the last step's lead-out
    assert bouts[1].start_s >= pause_end - 1.2
    assert all(b.n_steps >= 8 for b in bouts)


def test_lower_back_brief_stop_stays_one_bout() -> None:
    """A stop shorter than Mobilise-D's 3-s break does not end a bout."""
    walk = TrunkSteps(12, 0.55, 0.65)
    bouts = analyze(trunk_walk([Still(3), walk, Fidget(2.4), walk, Still(3)])).bouts
    assert len(bouts) == 1 and bouts[0].n_steps >= 22


def test_lower_back_hesitation_among_quick_steps_stays_one_bout() -> None:
    """Brisk walking (0.45-s steps) with a 1.2-s hesitation: one step of about 1.6 s among
    steps of 0.45 s, far below Mobilise-D's 3-s break, so one bout (a bound of 3x the local
    median step made two)."""
    walk = TrunkSteps(12, 0.45, 0.55)
    bouts = analyze(trunk_walk([Still(3), walk, Still(1.2), walk, Still(3)])).bouts
    assert len(bouts) == 1 and bouts[0].n_steps >= 24


def test_lower_back_slow_regular_steps_after_fast_ones_are_no_pause() -> None:
    """Slowing from 110 to 48 steps/min inside a bout: the slow steps carry a few percent of
    the fast ones' vertical energy (a pendulum's rise shrinks with the square of the step
    length), but they repeat one another, so the walk is not cut as a pause. (Measured in
    the middle of a bout: trailing steps this weak are trimmed as the bout's edges are.)"""
    fast = TrunkSteps(12, 0.55, 0.65)
    rec = trunk_walk([Still(3), fast, TrunkSteps(8, 1.25, 0.4), fast, Still(3)])
    bouts = analyze(rec).bouts
    assert len(bouts) == 1 and bouts[0].n_steps >= 28


def test_short_shuffling_strides_with_a_trunk_bob_are_short() -> None:
    """Shuffling steps of 0.2 m (a 5-mm pendulum rise) whose trunk bobs 20 mm more without
    vaulting (issue 14's unseen recording: 4-68 mm): not read as ordinary 1-m strides, and the
    error does not depend on the stride's length."""
    rec = trunk_walk(
        [
            Still(3),
            TrunkSteps(16, 0.55, 0.65),
            Still(3),
            TrunkSteps(16, 0.6, 0.2, extra_bob_m=0.02),
            Still(3),
        ]
    )
    walk, shuffle = analyze(rec).bouts
    k = 4.587 / 4.0  # Mobilise-D's factor K scales the pendulum's length
    assert walk.stride_length_m == pytest.approx(2 * 0.65 * k, rel=0.15)
    assert shuffle.stride_length_m == pytest.approx(2 * 0.2 * k, abs=0.2)


def test_turning_strides_are_the_chord_of_their_arc() -> None:
    """(``turn_chord``, on by default since the heading change is the turn's mean rate times
    the stride's time in it; off before, when this came out 1.00.) Walking a tight circle
    (radius 0.64 m: 45 degrees per step, 90 per stride, as in the
    pivot turns of the Mobilise-D free-living tests): the pendulum's vaulting measures the path
    along the arc, but a stride is the straight distance between two placements of the same
    foot, the chord, 10 % shorter here; the straight walk before it keeps its length."""
    rec = trunk_walk(
        [
            Still(3),
            TrunkSteps(16, 0.55, 0.5),
            Still(3),
            TrunkSteps(16, 0.55, 0.5, turn_deg=16 * 45.0),
            Still(3),
        ]
    )
    straight, turning = analyze(rec).bouts
    chord = math.sin(math.radians(45.0)) / math.radians(45.0)  # 90 degrees per stride
    assert turning.stride_length_m / straight.stride_length_m == pytest.approx(chord, abs=0.03)
    for bout in (straight, turning):  # the turn is no reason to lose strides
        assert bout.n_steps >= 12


def test_a_pivots_strides_keep_their_length_when_the_contacts_move() -> None:
    """A pivot turn (180 degrees in 1.5 s, inside straight walking) and the same walk
    time-reversed, whose strides run between other contacts (the original's final contacts):
    the heading changes in a burst, so a stride's own integrated yaw depended on where its
    contacts fell and the same stride came out up to 19 % longer or shorter; with the turn's
    mean rate times the stride's time in the turn (``turn_heading``) within 8 %."""
    rec = trunk_walk([Still(3), TrunkSteps(16, 0.55, 0.6, turn_deg=180.0, pivot_s=1.5), Still(3)])
    duration_s = (len(rec) - 1) / rec.sampling_rate_hz
    (fwd,) = analyze(rec).bouts
    (rev,) = analyze(time_reversed(rec)).bouts
    mid_f = 0.5 * (fwd.strides.start_s + fwd.strides.end_s)
    mid_r = duration_s - 0.5 * (rev.strides.start_s + rev.strides.end_s)
    nearest = np.abs(mid_r[None, :] - mid_f[:, None]).argmin(axis=1)
    change = rev.strides.length_m[nearest] / fwd.strides.length_m - 1.0
    inner = fwd.strides.length_m[1:-1]
    assert inner.min() < 0.95 * np.median(inner)  # the chord shortens the turning strides
    np.testing.assert_allclose(change[1:-1], 0.0, atol=0.08)  # gait initiation/termination aside


@pytest.mark.parametrize("steps_per_min", [45, 60, 80, 100, 120, 140])
def test_the_same_steps_walked_at_any_cadence_keep_their_length(steps_per_min: int) -> None:
    """Steps of 0.6 m at 45-140 steps/min: the pendulum's rise is the same, only its
    frequency changes, and the drift filter's cut-off follows the step frequency
    (``DRIFT_CUTOFF_PER_STEP_HZ``), so the stride length is the same at every cadence
    (1.34-1.36 m). Mobilise-D's fixed 1 Hz cut-off gives 0.41 m at 45 steps/min and 0.96 m
    at 60."""
    rec = trunk_walk([Still(3), TrunkSteps(24, 60.0 / steps_per_min, 0.6), Still(3)])
    (bout,) = analyze(rec).bouts
    k = 4.587 / 4.0  # Mobilise-D's factor K
    assert bout.stride_length_m == pytest.approx(2 * 0.6 * k, rel=0.03)
