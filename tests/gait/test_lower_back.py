"""Lower-back pipeline against the INDIP reference, and its direction under time reversal."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrostride.gait.pipeline import analyze
from retrostride.gait.recording import Recording
from retrostride.gait.transforms import time_reversed, time_scaled
from retrostride.importers.imu import load_mobilised_mat
from retrostride.science.locomotion import Direction


@pytest.fixture(scope="module")
def straight_walks(shared_data: Path) -> list[Recording]:
    """The Test5 trials (straight walks) of both participants."""
    recs = []
    for cohort in ("HA", "MS"):
        recs += [
            r
            for r in load_mobilised_mat(
                shared_data / "imu" / "mobgap-lab" / cohort / "001" / "data.mat"
            )
            if "Test5" in r.reference["test"]
        ]
    assert len(recs) == 4
    return recs


def _within(rec: Recording) -> tuple[float, float, float, dict[str, float]]:
    res = analyze(rec)
    wb = rec.reference["indip"][0]
    ics = np.concatenate([b.initial_contacts_s for b in res.bouts])
    ics = ics[(ics >= wb["start_s"] - 0.1) & (ics <= wb["end_s"] + 0.1)]
    strides = [
        (s, ln, sp)
        for b in res.bouts
        for s, ln, sp in zip(
            b.strides.start_s, b.strides.length_m, b.strides.speed_m_s, strict=True
        )
        if wb["start_s"] - 0.1 <= s <= wb["end_s"]
    ]
    cadence = 60.0 / float(np.mean(np.diff(ics)))
    return (
        cadence,
        float(np.mean([x[1] for x in strides])),
        float(np.mean([x[2] for x in strides])),
        wb,
    )


def test_cadence_stride_length_speed_vs_indip(straight_walks: list[Recording]) -> None:
    for rec in straight_walks:
        cadence, length, speed, wb = _within(rec)
        assert cadence == pytest.approx(wb["cadence_spm"], rel=0.05), rec.source
        assert length == pytest.approx(wb["stride_length_m"], abs=0.2), rec.source
        assert speed == pytest.approx(wb["speed_m_s"], abs=0.15), rec.source


def test_initial_contacts_match_indip(straight_walks: list[Recording]) -> None:
    errors = []
    for rec in straight_walks:
        res = analyze(rec)
        ours = np.concatenate([b.initial_contacts_s for b in res.bouts])
        for ref in rec.reference["indip"][0]["initial_contacts_s"]:
            errors.append(np.min(np.abs(ours - ref)))
    assert np.median(errors) < 0.06


def test_step_sides_match_indip(straight_walks: list[Recording]) -> None:
    agree, total = 0, 0
    for rec in straight_walks:
        res = analyze(rec)
        wb = rec.reference["indip"][0]
        for b in res.bouts:
            for t, side in zip(b.strides.start_s, b.strides.side, strict=True):
                j = int(np.argmin(np.abs(wb["initial_contacts_s"] - t)))
                if abs(wb["initial_contacts_s"][j] - t) < 0.1 and side:
                    total += 1
                    agree += side == wb["initial_contact_sides"][j]
    assert total >= 20 and agree / total >= 0.8


def test_direction_forward_and_reversed_backward(straight_walks: list[Recording]) -> None:
    for rec in straight_walks:
        fwd = analyze(rec)
        rev = analyze(time_reversed(rec))  # type: ignore[arg-type]
        assert [b.direction for b in fwd.bouts] == [Direction.FORWARD] * len(fwd.bouts)
        assert [b.direction for b in rev.bouts] == [Direction.BACKWARD] * len(rev.bouts)
        assert all(b.direction_confidence > 0.5 for b in fwd.bouts + rev.bouts)
        c0 = np.median(np.concatenate([np.diff(b.initial_contacts_s) for b in fwd.bouts]))
        c1 = np.median(np.concatenate([np.diff(b.initial_contacts_s) for b in rev.bouts]))
        assert c1 == pytest.approx(c0, rel=0.06)
        l0 = np.median(np.concatenate([b.strides.length_m for b in fwd.bouts]))
        l1 = np.median(np.concatenate([b.strides.length_m for b in rev.bouts]))
        assert l1 == pytest.approx(l0, rel=0.06)


def test_speed_change_scales_cadence_not_length(straight_walks: list[Recording]) -> None:
    rec = straight_walks[0]
    base = analyze(rec)
    fast = analyze(time_scaled(rec, 1.2))  # type: ignore[arg-type]
    c0 = np.median(np.concatenate([np.diff(b.initial_contacts_s) for b in base.bouts]))
    c1 = np.median(np.concatenate([np.diff(b.initial_contacts_s) for b in fast.bouts]))
    assert c0 / c1 == pytest.approx(1.2, rel=0.03)
    assert all(b.direction is Direction.FORWARD for b in fast.bouts)


def test_unknown_mounting_gives_no_direction(straight_walks: list[Recording]) -> None:
    import dataclasses

    from retrostride.gait.recording import Frame

    rec = dataclasses.replace(straight_walks[0], frame=Frame.DEVICE)
    res = analyze(rec)
    assert res.bouts and all(b.direction is Direction.UNKNOWN for b in res.bouts)
    assert np.isfinite(res.bouts[0].cadence_spm)


def test_result_to_dict_is_json(straight_walks: list[Recording]) -> None:
    import json

    d = analyze(straight_walks[0]).to_dict()
    text = json.dumps(d, allow_nan=False)
    assert '"direction": "forward"' in text
    assert d["totals"]["step_count"] >= 8
