"""Foot pipeline against motion capture; phone step counts against ground truth."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrostride.gait.pipeline import analyze
from retrostride.gait.recording import FootPair
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
    assert np.mean(np.abs(errors)) < 2.0


def test_phone_beats_hardware_counter_on_its_files(shared_data: Path) -> None:
    ours, hardware = [], []
    for path in sorted((shared_data / "imu" / "phone-oxford").glob("user2_*.csv")):
        rec = load_phone_oxford(path)
        gt = rec.reference["steps_ground_truth"]
        ours.append(abs(analyze(rec).step_count - gt) / gt)
        hardware.append(abs(rec.reference["steps_hardware"] - gt) / gt)
    assert len(ours) == 3
    assert np.mean(ours) < np.mean(hardware)
