"""Streaming analysis: chunked results equal whole-recording results; long bouts are re-joined."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from retrostride.gait.pipeline import analyze
from retrostride.gait.recording import Recording
from retrostride.gait.result import BoutResult, GaitResult
from retrostride.gait.streaming import (
    StreamParams,
    StreamTotals,
    analyze_stream,
    iter_bouts,
    merge_bouts,
)
from retrostride.importers.imu import load_mobilised_mat, load_phone_oxford


@pytest.fixture(scope="module")
def lab_day(shared_data: Path) -> Recording:
    """Every Mobilise-D lab trial end to end, twice (about 14 min of 100 Hz lower-back data)."""
    recs = [
        rec
        for who in ("HA", "MS")
        for rec in load_mobilised_mat(shared_data / "imu" / "mobgap-lab" / who / "001" / "data.mat")
    ] * 2
    gyr = [r.gyr_rad_s for r in recs if r.gyr_rad_s is not None]
    return dataclasses.replace(
        recs[0],
        acc_m_s2=np.concatenate([r.acc_m_s2 for r in recs]),
        gyr_rad_s=np.concatenate(gyr),
        reference={},
    )


def chunks_of(rec: Recording, chunk_s: float) -> Iterator[Recording]:
    n = round(chunk_s * rec.sampling_rate_hz)
    for i in range(0, len(rec), n):
        gyr = None if rec.gyr_rad_s is None else rec.gyr_rad_s[i : i + n]
        yield dataclasses.replace(rec, acc_m_s2=rec.acc_m_s2[i : i + n], gyr_rad_s=gyr)


def assert_same_bouts(got: list[BoutResult], want: list[BoutResult], fs: float) -> None:
    """The same bouts in order: direction and step count equal, start and end at the same
    sample (within half a sample period; they are computed on other paths)."""
    assert [(b.direction.value, b.n_steps) for b in got] == [
        (b.direction.value, b.n_steps) for b in want
    ]
    np.testing.assert_allclose(
        [(b.start_s, b.end_s) for b in got],
        [(b.start_s, b.end_s) for b in want],
        rtol=0,
        atol=0.5 / fs,
    )


@pytest.mark.parametrize(
    ("chunk_s", "window_s", "max_carry_s"), [(600.0, 400.0, 300.0), (180.0, 250.0, 200.0)]
)
def test_chunked_bouts_equal_whole_recording(
    lab_day: Recording, chunk_s: float, window_s: float, max_carry_s: float
) -> None:
    whole = analyze(lab_day)
    assert len(whole.bouts) >= 20
    params = StreamParams(window_s=window_s, max_carry_s=max_carry_s)
    assert lab_day.duration_s > 2 * window_s
    streamed = list(iter_bouts(chunks_of(lab_day, chunk_s), stream=params))
    assert_same_bouts(streamed, whole.bouts, lab_day.sampling_rate_hz)
    for a, b in zip(streamed, whole.bouts, strict=True):
        np.testing.assert_allclose(a.initial_contacts_s, b.initial_contacts_s, rtol=0, atol=1e-9)
        # filters see a little less context at a chunk's start: equal to 0.1 %
        assert a.cadence_spm == pytest.approx(b.cadence_spm, rel=1e-3, nan_ok=True)
        assert a.stride_length_m == pytest.approx(b.stride_length_m, rel=1e-3, nan_ok=True)
        assert a.direction_confidence == pytest.approx(b.direction_confidence, rel=1e-3)


def test_long_bout_is_cut_and_rejoined(shared_data: Path) -> None:
    """A phone's 3 minutes of continuous walking, with a carry limit of one minute."""
    rec = load_phone_oxford(shared_data / "imu" / "phone-oxford" / "user2_hand_1506421987098.csv")
    whole = analyze(rec)
    longest = max(whole.bouts, key=lambda b: b.duration_s)
    small = StreamParams(overlap_s=20.0, margin_s=5.0, max_carry_s=60.0, window_s=90.0)
    assert longest.duration_s > 2 * small.max_carry_s
    streamed = list(iter_bouts(chunks_of(rec, 30.0), stream=small))
    joined = max(streamed, key=lambda b: b.duration_s)
    assert joined.start_s == pytest.approx(longest.start_s, abs=1.0)
    assert joined.end_s == pytest.approx(longest.end_s, abs=1.0)
    steps_whole = sum(b.n_steps for b in whole.bouts)
    steps_streamed = sum(b.n_steps for b in streamed)
    assert abs(steps_streamed - steps_whole) <= 0.02 * steps_whole
    assert joined.cadence_spm == pytest.approx(longest.cadence_spm, rel=0.03)


def test_merge_bouts_adds_up(lab_day: Recording) -> None:
    bouts = [b for b in analyze(lab_day).bouts if len(b.strides) >= 3][:2]
    a, b = bouts
    m = merge_bouts(a, b)
    # start, end and contacts are copied from the two bouts: exact on purpose
    assert (m.start_s, m.end_s, m.n_steps) == (a.start_s, b.end_s, a.n_steps + b.n_steps)
    assert len(m.strides) == len(a.strides) + len(b.strides)
    np.testing.assert_array_equal(
        m.initial_contacts_s, np.concatenate([a.initial_contacts_s, b.initial_contacts_s])
    )
    durations = m.strides.duration_s
    assert m.stride_time_cv_percent == pytest.approx(
        100 * np.std(durations, ddof=1) / np.mean(durations), rel=1e-12
    )
    assert min(a.cadence_spm, b.cadence_spm) <= m.cadence_spm <= max(a.cadence_spm, b.cadence_spm)


def test_totals_and_analyze_stream_agree_with_whole(lab_day: Recording) -> None:
    whole = analyze(lab_day)
    result = analyze_stream(chunks_of(lab_day, 300.0))
    assert result.duration_s == pytest.approx(lab_day.duration_s, rel=1e-12)
    totals = StreamTotals()
    for bout in result.bouts:
        totals.add(bout)
    expected = whole.totals()
    assert totals.n_bouts == expected["n_bouts"]
    # sums of the same bouts' durations, in chunks: equal to float rounding
    assert totals.walking_time_s == pytest.approx(expected["walking_time_s"], rel=1e-9)
    assert totals.forward_time_s == pytest.approx(expected["forward_time_s"], rel=1e-9)
    assert totals.mean_cadence_spm == pytest.approx(expected["mean_cadence_spm"], rel=1e-6)
    assert totals.step_count == sum(b.n_steps for b in whole.bouts)


def test_refuses_mismatched_chunks_and_bad_params(lab_day: Recording) -> None:
    first, second = list(chunks_of(lab_day, 400.0))[:2]
    other = dataclasses.replace(second, sampling_rate_hz=50.0)
    with pytest.raises(ValueError, match="sampling rate"):
        list(iter_bouts([first, other]))
    with pytest.raises(ValueError, match="margin_s < overlap_s < max_carry_s < window_s"):
        StreamParams(overlap_s=30.0, margin_s=40.0)
    with pytest.raises(ValueError, match="no chunk"):
        analyze_stream([])


@pytest.mark.parametrize("chunk_s", [37.0, 600.0])
def test_every_window_has_the_same_length(
    lab_day: Recording, chunk_s: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bounded, chunk-independent memory: every analysis but the last sees exactly window_s."""
    import retrostride.gait.streaming as streaming

    sizes: list[int] = []

    def counting(rec: Recording, **params: Any) -> GaitResult:
        sizes.append(len(rec))
        return analyze(rec, **params)

    monkeypatch.setattr(streaming, "analyze", counting)
    params = StreamParams(window_s=200.0, max_carry_s=150.0)
    bouts = list(iter_bouts(chunks_of(lab_day, chunk_s), stream=params))
    assert len(sizes) >= 4
    assert set(sizes[:-1]) == {round(params.window_s * lab_day.sampling_rate_hz)}
    assert_same_bouts(bouts, analyze(lab_day).bouts, lab_day.sampling_rate_hz)
