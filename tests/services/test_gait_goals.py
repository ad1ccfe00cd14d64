"""The goal table: stride length per length band and direction coverage (issue 14)."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "gait"))
from gait_synth import FootStride, foot_walk

from retrostride.gait.pipeline import analyze
from retrostride.science.locomotion import Direction
from retrostride.services.gait_coverage import (
    band_figures,
    coverage,
    match_strides,
)
from retrostride.services.gait_goals import both_matched
from retrostride.services.gait_validation import validate


def test_strides_are_matched_by_start_and_counted_per_band() -> None:
    ref_start = np.array([1.0, 2.0, 3.0, 4.0])
    ref_len = np.array([0.5, 0.7, 1.2, 1.3])
    ours = match_strides(
        ref_start, np.array([2.05, 0.98, 3.5, 4.1]), np.array([0.8, 0.6, 9.0, 1.1])
    )
    np.testing.assert_allclose(ours, [0.6, 0.8, np.nan, 1.1], atol=1e-12)
    short, mid, long = band_figures(ref_len, ours)
    assert (short.n_reference, short.n_matched) == (1, 1)
    assert short.bias_m == pytest.approx(0.1, abs=1e-12)
    assert (mid.n_reference, mid.n_matched) == (1, 1)
    assert (long.n_reference, long.n_matched) == (2, 1)
    assert long.mae_m == pytest.approx(0.2, abs=1e-12)


def test_coverage_counts_time_in_bouts_of_the_right_direction_and_wrong_strides() -> None:
    result = analyze(foot_walk([FootStride(0.3, 0.5, 1.2)] * 10))
    (bout,) = result.bouts
    window = [(bout.start_s - 1.0, bout.end_s)]
    mids = np.linspace(bout.start_s + 0.5, bout.end_s - 0.5, 8)
    fwd = coverage(result, window, mids, Direction.FORWARD)
    assert fwd.walking_s == pytest.approx(bout.duration_s + 1.0, rel=1e-12)
    assert fwd.covered_s == pytest.approx(bout.duration_s, rel=1e-12)
    assert fwd.n_wrong == 0 and fwd.n_strides == 8
    bwd = coverage(result, window, mids, Direction.BACKWARD)
    assert bwd.covered_s == pytest.approx(0.0, abs=1e-12) and bwd.n_wrong == 8


def test_goal_table_totals_are_the_sums_of_its_rows(shared_data: Path) -> None:
    report = validate(shared_data / "imu", variants=False, goals=True, mobgap=False)
    rows = report.goals
    assert rows
    for band in ("< 0.6 m", "0.6-0.8 m", ">= 0.8 m"):
        counts = [
            tuple(int(x) for x in str(g.ours).split(" / "))
            for g in rows
            if g.item.endswith(band)
            and g.metric.startswith("strides")
            and not g.item.startswith(("all", "gaitmap"))
        ]
        (total,) = [
            g for g in rows if g.item == f"all lower-back {band}" and g.metric.startswith("strides")
        ]
        assert tuple(int(x) for x in str(total.ours).split(" / ")) == tuple(
            int(x) for x in np.sum(counts, axis=0)
        )
    wrong = [g for g in rows if g.item.startswith("all ") and "opposite" in g.metric]
    assert len(wrong) == 4 and all(g.met for g in wrong)  # no stride in a bout the wrong way


def test_both_matched_keeps_only_strides_both_pipelines_found() -> None:
    ours = np.array([1.0, math.nan, 0.5, 0.7])
    theirs = np.array([1.1, 0.9, math.nan, 0.6])
    b_ours, b_theirs = both_matched(ours, theirs)
    np.testing.assert_allclose(b_ours, [1.0, math.nan, math.nan, 0.7], atol=0)
    np.testing.assert_allclose(b_theirs, [1.1, math.nan, math.nan, 0.6], atol=0)
