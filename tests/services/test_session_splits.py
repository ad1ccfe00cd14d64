"""Splits, laps and chart series of a session against values worked by hand."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from retrostride.log.model import Samples, Segment, Session
from retrostride.science.locomotion import Direction
from retrostride.services.session_splits import SPLIT_LENGTHS_M, laps, session_stretches, splits
from retrostride.services.session_view import Axis, chart_series, view_of


def _run() -> Session:
    """2.5 km: the first 1200 s at 1 m/s (backward), then 1300 m at 2 m/s (forward), 1 Hz."""
    t = np.arange(0.0, 1851.0)
    speed = np.where(t <= 1200, 1.0, 2.0)
    distance = np.concatenate([[0.0], np.cumsum(speed[1:])])
    hr = np.where(t < 1000, 100.0, 150.0)
    altitude = np.where(t < 500, 10.0, 15.0)
    samples = Samples(time_s=t, distance_m=distance, heart_rate_bpm=hr, altitude_m=altitude,
                      cadence_spm=np.where(t < 60, 0.0, 110.0))
    return Session(
        sport="walking", start_utc=datetime(2026, 3, 2, tzinfo=UTC), elapsed_s=1850.0,
        moving_s=1850.0, distance_m=float(distance[-1]), samples=samples,
        segments=[Segment(0.0, 1200.0, 1200.0, direction=Direction.BACKWARD),
                  Segment(1200.0, 650.0, 650.0, direction=Direction.FORWARD)],
    )


def test_splits_per_km_cut_where_the_distance_crosses_each_km() -> None:
    s = _run().samples
    assert s is not None and s.distance_m is not None
    cut = splits(s.time_s, s.distance_m, 1000.0, heart_rate_bpm=s.heart_rate_bpm,
                 cadence_spm=s.cadence_spm, altitude_m=s.altitude_m)
    # 2500 m: two full km and a last 500 m
    assert [c.distance_m for c in cut] == pytest.approx([1000.0, 1000.0, 500.0], abs=1e-9)
    assert [c.partial for c in cut] == [False, False, True]
    # km 1 at 1 m/s: 1000 s; km 2: 200 s at 1 m/s then 800 m at 2 m/s = 600 s; last 250 s
    assert [c.time_s for c in cut] == pytest.approx([1000.0, 600.0, 250.0], abs=1e-9)
    assert cut[0].speed_m_s == pytest.approx(1.0, rel=1e-9)
    assert cut[1].speed_m_s == pytest.approx(1000.0 / 600.0, rel=1e-9)
    # heart rate: 100 in the first km (t < 1000), 150 from then on
    assert cut[0].heart_rate_bpm == pytest.approx(100.0, abs=1e-9)
    assert cut[2].heart_rate_bpm == pytest.approx(150.0, abs=1e-9)
    # cadence ignores the standing start (zeros)
    assert cut[0].cadence_spm == pytest.approx(110.0, abs=1e-9)
    # the 5 m climb happens in the first km
    assert cut[0].elevation_gain_m == pytest.approx(5.0, abs=1e-9)
    assert cut[1].elevation_gain_m == pytest.approx(0.0, abs=1e-9)


def test_splits_per_mile_and_a_stop_inside_a_split() -> None:
    t = np.arange(0.0, 4001.0)
    moving = (t < 1000) | (t >= 2000)  # a 1000 s stop after 1000 m
    distance = np.cumsum(np.where(moving, 1.0, 0.0)) - 1.0
    cut = splits(t, distance, SPLIT_LENGTHS_M["mi"])
    assert cut[0].distance_m == pytest.approx(1609.344, rel=1e-12)
    # the mile holds the stop: 1609.344 s of moving plus 1000 s standing
    assert cut[0].time_s == pytest.approx(2609.344, abs=1e-6)
    assert cut[-1].partial and cut[-1].distance_m == pytest.approx(3000.0 - 1609.344, abs=1e-6)


def test_no_split_without_distance_and_a_bad_length_is_refused() -> None:
    t = np.arange(10.0)
    assert splits(t, np.full(10, np.nan), 1000.0) == []
    assert splits(t, np.zeros(10), 1000.0) == []
    with pytest.raises(ValueError, match="split length"):
        splits(t, t, 0.0)


def test_laps_fill_speed_and_heart_rate_from_the_samples() -> None:
    """A lap record without speed or heart rate (as some watches write) gets them from the
    samples inside it, so that the page shows no '-' where the data exist."""
    session = _run()
    done = laps(session.segments, session.samples)
    assert [lap.direction for lap in done] == ["backward", "forward"]
    # lap 1: 0..1200 s, 1200 m; samples inside hold heart rate 100 (t<1000) and 150
    assert done[0].distance_m == pytest.approx(1200.0, abs=1e-9)
    assert done[0].speed_m_s == pytest.approx(1.0, rel=1e-9)
    assert done[0].heart_rate_bpm == pytest.approx((1000 * 100.0 + 201 * 150.0) / 1201, rel=1e-9)
    assert done[0].max_heart_rate_bpm == pytest.approx(150.0)
    assert done[1].speed_m_s == pytest.approx(2.0, rel=1e-9)
    # the device's own lap values win over the samples
    own = Segment(0.0, 100.0, 100.0, distance_m=50.0, speed_m_s=0.5, heart_rate_bpm=90.0)
    lap = laps([own], session.samples)[0]
    assert lap.speed_m_s == pytest.approx(0.5) and lap.heart_rate_bpm == pytest.approx(90.0)


def test_session_stretches_choose_the_unit() -> None:
    session = _run()
    _, km = session_stretches(session, "km")
    _, mi = session_stretches(session, "mi")
    assert len(km) == 3 and len(mi) == 2
    with pytest.raises(ValueError, match="split unit"):
        session_stretches(session, "furlong")


def test_chart_series_against_distance_moves_the_direction_spans() -> None:
    session = _run()
    by_time = chart_series(session, Axis.TIME)
    by_distance = chart_series(session, Axis.DISTANCE)
    assert by_time is not None and by_distance is not None
    assert by_time.spans[1].start == pytest.approx(1200.0)  # seconds
    assert by_distance.spans[1].start == pytest.approx(1200.0)  # metres (1 m/s until then)
    assert by_distance.spans[1].end == pytest.approx(2500.0)
    assert float(np.nanmax(by_distance.x)) == pytest.approx(2500.0)
    # speed from the distance's slope where the watch gave no speed channel
    assert by_time.speed_m_s is not None
    assert float(np.nanmedian(by_time.speed_m_s[1300:1800])) == pytest.approx(2.0, rel=1e-9)


def test_speed_spikes_are_blanked_and_no_distance_axis_without_distance() -> None:
    t = np.arange(0.0, 100.0)
    speed = np.full(100, 1.5)
    speed[50] = 80.0  # a GPS jump: not a walking speed
    session = Session(sport="walking", start_utc=None, elapsed_s=99.0,
                      samples=Samples(time_s=t, speed_m_s=speed))
    series = chart_series(session, Axis.TIME)
    assert series is not None and series.speed_m_s is not None
    assert np.isnan(series.speed_m_s[50]) and series.speed_m_s[49] == pytest.approx(1.5)
    assert chart_series(session, Axis.DISTANCE) is None
    view = view_of(session, "km", Axis.DISTANCE)  # falls back to time
    assert not view.distance_axis and view.series is not None
    assert view.series.axis is Axis.TIME and view.splits == []
