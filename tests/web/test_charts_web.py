"""The hand-built SVG charts, the matplotlib figures inlined, and the display formatting."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import numpy as np
import pytest

from retrostride.plots import plot_outcome
from retrostride.web.charts import Band, _nice_ticks, downsample, series_svg, track_svg
from retrostride.web.figures import inline_svg
from retrostride.web.prefs import Formatter, Prefs


def test_series_breaks_at_gaps_and_shades_directions() -> None:
    t = np.arange(0.0, 600.0)
    y = np.full(t.size, 1.0)
    y[200:260] = np.nan  # a signal loss: the line must stop, not bridge it
    svg = str(series_svg(t, y, title="Speed", unit="km/h",
                         bands=[Band(0, 300, "forward"), Band(300, 600, "backward")]))
    path = re.search(r'<path d="([^"]+)"', svg)
    assert path is not None
    assert path.group(1).count("M") == 2
    assert 'fill="#b35900"' in svg and 'fill="#1f5f8b"' in svg
    assert 'role="img"' in svg and "<desc" in svg and "mean 1.0" in svg


def test_downsample_keeps_the_mean_and_the_bound() -> None:
    t = np.arange(10_000.0)
    y = np.sin(t / 100.0) + 2.0
    tt, yy = downsample(t, y, 500)
    assert tt.size == 500 and yy.size == 500
    assert abs(float(yy.mean()) - float(y.mean())) < 1e-9


def test_ticks_are_round_numbers_covering_the_range() -> None:
    # computed ticks: the round numbers to float rounding
    assert _nice_ticks(0.0, 10.0) == pytest.approx([0.0, 2.5, 5.0, 7.5, 10.0], rel=1e-12, abs=1e-12)
    assert _nice_ticks(93.0, 181.0) == pytest.approx([100.0, 125.0, 150.0, 175.0], rel=1e-12)


def test_track_keeps_north_up_and_proportions() -> None:
    # a 100 m north-south line at 60 degrees north: tall and thin, start at the bottom
    lat = 60.0 + np.linspace(0, 100 / 110_574.0, 50)
    lon = np.full(50, 10.0)
    svg = str(track_svg(np.arange(50.0), lat, lon))
    width, height = (float(v) for v in re.search(r'viewBox="0 0 (\S+) (\S+)"', svg).groups())
    assert height > 10 * width
    start = re.search(r'<circle cx="\S+" cy="(\S+)" r="6" fill="#0a7d32"', svg)
    assert start is not None and float(start.group(1)) > height / 2  # south is down
    assert str(track_svg(np.arange(3.0), np.full(3, np.nan), np.full(3, np.nan))) == ""


def test_matplotlib_figure_is_inlined_scalable_and_labelled() -> None:
    svg = str(inline_svg(
        lambda p: plot_outcome([(date(2026, 1, 1), 6.0), (date(2026, 2, 1), 3.0)], p,
                               title="Pain", unit="points", mic=1.0),
        "Pain over time",
    ))
    assert svg.startswith("<svg") and "<?xml" not in svg and "DOCTYPE" not in svg
    head = svg.split(">", 1)[0]
    assert 'role="img"' in head and 'aria-label="Pain over time"' in head
    assert "width=" not in head and "viewBox" in head


def test_formatter_units_and_zones() -> None:
    us = Formatter(Prefs("mph", "lb", "America/New_York"))
    assert us.speed(1.34112) == "3.0 mph"
    assert us.mass(45.359237) == "100.0 lb"
    assert us.distance(1609.344) == "1.00 mi"
    assert us.when(datetime(2026, 7, 1, 12, 0, tzinfo=UTC)) == "Wed 1 Jul 2026, 08:00"
    eu = Formatter(Prefs())
    assert eu.duration(840) == "14 min" and eu.duration(3900) == "1 h 05 min"
    assert eu.speed(None) == "-" and eu.kcal(float("nan")) == "-"
    assert Prefs.from_cookie(Prefs("mph", "kg", "Asia/Tokyo").cookie_value()) == Prefs(
        "mph", "kg", "Asia/Tokyo")
    assert Prefs.from_cookie("km/h|kg|Not/AZone") is None
