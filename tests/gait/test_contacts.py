"""Contacts from the trunk's vertical acceleration, and the direction vote: robust to quick and
irregular steps (a walk sped up) and to a few shuffling strides at a bout's start."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from retrostride.gait.contacts import VerticalJerkContacts
from retrostride.gait.direction import PendulumPhaseDirection
from retrostride.gait.pipeline import analyze
from retrostride.gait.recording import Recording
from retrostride.gait.transforms import time_scaled
from retrostride.importers.imu import load_mobilised_mat
from retrostride.science.locomotion import Direction
from retrostride.services.gait_variants import Variant, compare

FS = 100.0


def test_refine_stays_between_borders() -> None:
    """The best score beyond a border is not taken; with no border the window decides."""
    score = np.zeros(100)
    score[30] = 1.0  # inside the window, beyond the border at 25
    score[22] = 0.5
    anchors = np.array([20])
    got = VerticalJerkContacts._refine(anchors, score, -5, 15, np.array([10, 25]))
    assert got.tolist() == [22]
    got = VerticalJerkContacts._refine(anchors, score, -5, 15, np.empty(0, dtype=np.intp))
    assert got.tolist() == [30]
    # the anchor always qualifies, even when every other sample is beyond a border
    got = VerticalJerkContacts._refine(anchors, -np.ones(100), -5, 15, np.array([19, 21]))
    assert got.tolist() == [20]


def test_ic_stays_in_its_trough_on_quick_steps() -> None:
    """Quick steps (2.5 Hz, 0.4 s) with a sharp rise of a_v just after each crest of v_z, less
    than 0.3 s after the step's trough: the IC is the rise before the crest, not that one."""
    t = np.arange(0, 20, 1 / FS)
    f = 2.5
    a_v = 3.0 * np.cos(2 * np.pi * f * t)  # v_z = sin: troughs at 0.3 + 0.4 k s, crests 0.1 + ...
    # an up-down pulse (no net velocity) 0.25 s after each trough, 0.05 s after the crest
    centres = 0.3 + 0.25 + 0.4 * np.arange(50)
    d = t[:, None] - centres[None, :]
    a_v += (-40.0 * d / 0.02 * np.exp(-0.5 * (d / 0.02) ** 2)).sum(axis=1)
    c = VerticalJerkContacts().detect(a_v, FS)
    ic_s = c.ic_ / FS
    mid = ic_s[(ic_s > 3) & (ic_s < 17)]
    phase = (mid - 0.3) % 0.4  # time since the trough
    assert mid.size >= 30
    # never past the crest 0.2 s after the trough (allow the trough's lead-in: phase near 0.4)
    assert np.all((phase < 0.2) | (phase > 0.35))


def test_free_living_sped_up_finds_the_same_strides(shared_data: Path) -> None:
    """The person with multiple sclerosis, free living (Mobilise-D Test11), 1.2 times faster:
    at least 80 % of the strides are found again, with the same stride time x 1.2."""
    path = shared_data / "imu" / "mobgap-lab" / "MS" / "001" / "data.mat"
    rec = next(r for r in load_mobilised_mat(path) if "Test11" in r.reference["test"])
    assert isinstance(rec, Recording)
    base = analyze(rec)
    fast = time_scaled(rec, 1.2)
    variant = Variant("speed x1.2", fast, lambda x: 1.2 * x, Direction.FORWARD, 1.2)
    out = compare(base, analyze(fast), variant)
    assert out.matched_fraction >= 0.8
    assert abs(out.duration_change_percent) <= 3.0


def _stride_bounds(n_strides: int, stride: int) -> np.ndarray:
    starts = np.arange(n_strides) * stride
    return np.column_stack([starts, starts + stride]).astype(np.intp)


def test_few_small_strides_do_not_outvote_the_walking() -> None:
    """A forward walk (a_ap in anti-phase with v_z) of five strides, preceded by three
    shuffling strides with a tenth of the motion and the opposite phase: forward, confident."""
    stride = 100  # samples: 1 s strides, two steps each
    t = np.arange(8 * stride) / FS
    amp = np.r_[np.full(3 * stride, 0.1), np.ones(5 * stride)]
    phase = np.r_[np.ones(3 * stride), -np.ones(5 * stride)]
    v_z = amp * np.sin(2 * np.pi * 2.0 * t)
    a_ap = phase * amp * np.sin(2 * np.pi * 2.0 * t)
    strides = _stride_bounds(8, stride)
    bouts = np.array([[0, 8 * stride]], dtype=np.intp)
    d = PendulumPhaseDirection().estimate(
        a_ap, v_z, bouts, strides, np.zeros(8, dtype=np.intp), sampling_rate_hz=FS
    )
    assert d.stride_sign_.tolist() == [-1.0] * 3 + [1.0] * 5  # signs are labels: exact
    assert d.direction_ == [Direction.FORWARD]
    # the shuffling strides cost the walking little of its confidence (five strides alone:
    # the confidence a sign test gives five consistent strides)
    alone = PendulumPhaseDirection().estimate(
        a_ap[3 * stride :],
        v_z[3 * stride :],
        np.array([[0, 5 * stride]], dtype=np.intp),
        _stride_bounds(5, stride),
        np.zeros(5, dtype=np.intp),
        sampling_rate_hz=FS,
    )
    assert d.confidence_[0] >= 0.9 * alone.confidence_[0]
    assert d.confidence_[0] >= PendulumPhaseDirection().min_confidence
