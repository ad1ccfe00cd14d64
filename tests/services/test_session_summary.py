"""The session summary against values worked by hand."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from retrostride.log.model import Samples, Segment, Session
from retrostride.science.locomotion import Direction
from retrostride.services.session_summary import summarise


def test_summary_of_a_session_with_samples() -> None:
    t = np.arange(0.0, 181.0)  # 3 min at 1 Hz
    speed = np.where(t < 120, 1.0, 2.0)  # 1 m/s, then 2 m/s for the last minute
    distance = np.concatenate([[0.0], np.cumsum(speed[1:])])
    altitude = np.array([100.0, 100.4, 101.2, 103.0, 102.5, 101.0] + [101.0] * 175)
    hr = np.full(t.size, 100.0)
    hr[-1] = 130.0
    samples = Samples(time_s=t, distance_m=distance, altitude_m=altitude, heart_rate_bpm=hr,
                      cadence_spm=np.full(t.size, 90.0))
    session = Session(
        sport="walking", start_utc=datetime(2026, 3, 2, tzinfo=UTC), elapsed_s=180.0,
        moving_s=180.0, distance_m=float(distance[-1]), samples=samples,
        segments=[Segment(0.0, 120.0, 120.0, direction=Direction.BACKWARD),
                  Segment(120.0, 60.0, 60.0, direction=Direction.FORWARD)],
    )
    s = summarise(session)
    assert s.avg_speed_m_s == pytest.approx(241.0 / 180.0, rel=1e-9)  # 119 m + 61 x 2 m
    assert s.best_speed_m_s == pytest.approx(2.0, rel=1e-9)
    assert s.avg_heart_rate_bpm == pytest.approx(100.0 + 30.0 / 181.0, rel=1e-9)
    assert s.max_heart_rate_bpm == pytest.approx(130.0)
    assert s.avg_cadence_spm == pytest.approx(90.0)
    # 100 -> 101.2 (+1.2) -> 103.0 (+1.8); 103.0 -> 101.0 (-2.0); the 0.4 and 0.5 are noise
    assert s.elevation_gain_m == pytest.approx(3.0, abs=1e-9)
    assert s.elevation_loss_m == pytest.approx(2.0, abs=1e-9)
    assert (s.backward_s, s.forward_s, s.other_s) == (120.0, 60.0, 0.0)


def test_summary_without_samples_uses_the_segments() -> None:
    session = Session(
        sport="walking", start_utc=None, elapsed_s=600.0, moving_s=600.0, distance_m=600.0,
        segments=[Segment(0.0, 600.0, 600.0, direction=Direction.UNKNOWN, speed_m_s=1.0)],
    )
    s = summarise(session)
    assert s.best_speed_m_s == pytest.approx(1.0) and s.avg_heart_rate_bpm is None
    assert s.elevation_gain_m is None and s.other_s == 600.0
