"""Foot pipeline against motion capture; phone step counts against ground truth."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrostride.gait.pipeline import analyze
from retrostride.gait.recording import (
    STANDARD_GRAVITY_M_S2,
    FootPair,
    Frame,
    Placement,
    Recording,
)
from retrostride.gait.transforms import time_reversed
from retrostride.importers.imu import load_gaitmap_foot, load_phone_oxford
from retrostride.science.locomotion import Direction

APP_ERROR_PERCENT = 3.7  # the Oxford data set's own app on these files


@pytest.fixture(scope="module")
def pair(shared_data: Path) -> FootPair:
    return load_gaitmap_foot(shared_data / "imu" / "gaitmap-foot" / "imu_sample.csv")


def test_foot_stride_length_vs_mocap_heel(pair: FootPair) -> None:
    res = analyze(pair)
    errors = []
    for side in ("left", "right"):
        ev = pair.reference[f"{side}_events"]
        ref = dict(zip(*pair.reference[f"{side}_stride_length_m"].values(), strict=True))
        ic = np.concatenate(
            [b.strides.initial_contact_s[np.array(b.strides.side) == side] for b in res.bouts]
        )
        ln = np.concatenate(
            [b.strides.length_m[np.array(b.strides.side) == side] for b in res.bouts]
        )
        for sid, ric in zip(ev["s_id"], ev["ic_s"], strict=True):
            j = int(np.argmin(np.abs(ic - ric)))
            if abs(ic[j] - ric) < 0.05:
                errors.append(ln[j] - ref[sid])
    assert len(errors) >= 30
    assert np.mean(np.abs(errors)) < 0.06
    assert abs(np.mean(errors)) < 0.03


def test_foot_events_vs_mocap(pair: FootPair) -> None:
    res = analyze(pair)
    ours = np.concatenate([b.strides.initial_contact_s for b in res.bouts])
    ref = np.concatenate([pair.reference[f"{s}_events"]["ic_s"] for s in ("left", "right")])
    err = [np.min(np.abs(ours - r)) for r in ref]
    assert np.median(err) < 0.03


def test_foot_direction_reverses(pair: FootPair) -> None:
    fwd = analyze(pair)
    rev = analyze(time_reversed(pair))
    assert fwd.bouts and all(b.direction is Direction.FORWARD for b in fwd.bouts)
    assert rev.bouts and all(b.direction is Direction.BACKWARD for b in rev.bouts)
    l0 = np.median(np.concatenate([b.strides.length_m for b in fwd.bouts]))
    l1 = np.median(np.concatenate([b.strides.length_m for b in rev.bouts]))
    assert l1 == pytest.approx(l0, rel=0.05)
    assert 1.2 < l0 < 1.5


def test_phone_step_counts_beat_the_app(shared_data: Path) -> None:
    errors = []
    for path in sorted((shared_data / "imu" / "phone-oxford").glob("*.csv")):
        rec = load_phone_oxford(path)
        res = analyze(rec)
        gt = rec.reference["steps_ground_truth"]
        err = 100.0 * (res.step_count - gt) / gt
        assert abs(err) < 5.0, path.name
        assert all(b.direction is Direction.UNKNOWN for b in res.bouts)
        errors.append(err)
    assert len(errors) == 6
    assert np.mean(np.abs(errors)) < APP_ERROR_PERCENT
    # issue 14's goal: within 1 % (1.17 % before the edge rule, EDGE_STEP_RATIO; 0.78 % now)
    assert np.mean(np.abs(errors)) < 1.0


def test_phone_beats_hardware_counter_on_its_files(shared_data: Path) -> None:
    ours, hardware = [], []
    for path in sorted((shared_data / "imu" / "phone-oxford").glob("user2_*.csv")):
        rec = load_phone_oxford(path)
        gt = rec.reference["steps_ground_truth"]
        ours.append(abs(analyze(rec).step_count - gt) / gt)
        hardware.append(abs(rec.reference["steps_hardware"] - gt) / gt)
    assert len(ours) == 3
    assert np.mean(ours) < np.mean(hardware)


def _phone_walk(n_steps: int, step_s: float, impact_m_s2: float, handling: int) -> Recording:
    """A phone in a pocket: ``n_steps`` heel-strike impacts (a 0.1-s pulse of the acceleration
    norm per step) while walking, then ``handling`` irregular movements of a tenth of a step's
    impact, 0.6-1.1 s apart, as when the phone is taken out after the walk; still around them."""
    fs = 100.0
    rng = np.random.default_rng(3)
    times = [2.0 + k * step_s for k in range(n_steps)]
    amps = [impact_m_s2] * n_steps
    t_last = times[-1]
    for _ in range(handling):
        t_last += float(rng.uniform(0.6, 1.1))
        times.append(t_last)
        amps.append(0.1 * impact_m_s2)
    t = np.arange(round((t_last + 3.0) * fs)) / fs
    norm = np.full(t.size, STANDARD_GRAVITY_M_S2)
    for tk, ak in zip(times, amps, strict=True):
        norm += ak * np.exp(-0.5 * ((t - tk) / 0.05) ** 2)
    acc = np.zeros((t.size, 3))
    acc[:, 2] = norm + rng.normal(0.0, 0.02, t.size)
    return Recording(
        sampling_rate_hz=fs, acc_m_s2=acc, placement=Placement.PHONE, frame=Frame.DEVICE
    )


def test_phone_handling_after_a_walk_is_no_step() -> None:
    """When walking stops, the local RMS that sets the peak threshold decays with it, so small
    movements of the phone after the walk passed as steps (5 of 6 counted before the edge rule,
    ``EDGE_STEP_RATIO``); a step's impact does not drop to a third of its neighbours'."""
    result = analyze(_phone_walk(40, 0.55, 3.0, handling=6))
    assert result.step_count == pytest.approx(40, abs=1)
    assert analyze(_phone_walk(40, 0.55, 3.0, handling=0)).step_count == pytest.approx(40, abs=1)
