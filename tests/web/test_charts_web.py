"""The chart engine (server SVG, labels in CSS pixels), the track, and the display formatting."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pytest

from retrostride.web.charts import (
    Bars,
    Level,
    Line,
    Shade,
    Spread,
    Table,
    Ticks,
    XAxis,
    _nice_ticks,
    bar_chart,
    downsample,
    epoch_days,
    line_chart,
    track_svg,
)
from retrostride.web.prefs import Formatter, Prefs


def _data(markup: str) -> dict[str, Any]:
    """The numbers the chart hands to its script (the data-chart attribute)."""
    found = re.search(r'data-chart="([^"]+)"', markup)
    assert found is not None
    return dict(json.loads(html.unescape(found.group(1))))


def test_line_breaks_at_gaps_and_shades_directions() -> None:
    t = np.arange(0.0, 600.0)
    y = np.full(t.size, 1.0)
    y[200:260] = np.nan  # a signal loss: the line must stop, not bridge it
    svg = str(line_chart(
        t, [Line("Speed", y, "km/h")], title="Speed", axis=XAxis("min"),
        shades=[Shade(0, 300, "forward", "#b35900"), Shade(300, 600, "backward", "#1f5f8b")],
    ))
    path = re.search(r'<path class="rs-line" d="([^"]+)"', svg)
    assert path is not None
    assert path.group(1).count("M") == 2
    assert 'fill="#b35900"' in svg and 'fill="#1f5f8b"' in svg
    assert 'role="img"' in svg and "<desc" in svg and "mean 1.0" in svg
    # the labels are text in CSS pixels beside the stretched plot, never inside its viewBox
    plot = svg.split('class="rs-data"')[1].split("</svg>")[0]
    assert "<text" not in plot and 'preserveAspectRatio="none"' in svg
    assert 'vector-effect="non-scaling-stroke"' in plot
    data = _data(svg)
    assert data["k"] == "min" and data["s"][0]["u"] == "km/h"
    assert data["s"][0]["v"][250] is None and data["s"][0]["v"][0] == pytest.approx(1.0)
    assert str(line_chart(t, [Line("Speed", np.full(t.size, np.nan), "km/h")],
                          title="Speed", axis=XAxis("min"))) == ""


def _x_labels(svg: str) -> list[str]:
    return re.findall(r'<text x="[^"]+" y="16" text-anchor="middle">([^<]+)<', svg)


def test_x_labels_in_the_persons_distance_unit() -> None:
    x = np.linspace(0.0, 5000.0, 101)  # 5 km = 3.1 mi
    km = str(line_chart(x, [Line("HR", np.full(101, 120.0), "beats/min")], title="HR",
                        axis=XAxis("km")))
    mi = str(line_chart(x, [Line("HR", np.full(101, 120.0), "beats/min")], title="HR",
                        axis=XAxis("mi")))
    assert _x_labels(km) == ["0", "1", "2", "3", "4"]  # 5 sits under the unit: left out
    assert _x_labels(mi) == ["0", "1", "2"]  # 3 mi sits under the unit
    assert ">km</text>" in km and ">mi</text>" in mi and "over 3.11 mi" in mi


def test_date_axis_ticks_and_a_band_with_markers() -> None:
    days = [epoch_days(date(2021, 1, 4)) + 7 * k for k in range(260)]  # five years, weekly
    values = [400.0 + k for k in range(260)]
    svg = str(line_chart(
        days, [Line("Walk", values, "m", markers=True)], title="Walk", axis=XAxis("date"),
        levels=[Level(350.0, 450.0, "MIC band"), Level(400.0, 400.0, "baseline")],
    ))
    assert re.findall(r'text-anchor="middle">(\d{4})<', svg) == ["2022", "2023", "2024", "2025"]
    assert svg.count("h0") == 260  # one marker per reading
    assert 'fill-opacity="0.22"' in svg and 'stroke-dasharray="6 4"' in svg
    assert "MIC band" in svg.split('class="rs-legend"')[1]  # the keys sit below the plot
    assert _data(svg)["x"][0] == pytest.approx(epoch_days(date(2021, 1, 4)))


def test_bars_stacked_and_side_by_side_with_their_numbers() -> None:
    stacked = str(bar_chart(["1", "2"], [Bars("a", [2.0, 4.0], "#111111"),
                                         Bars("b", [1.0, 0.0], "#222222")],
                            title="T", unit="min",
                            table=Table("Numbers", ("Week", "a"), [("1", "2"), ("2", "4")])))
    heights = [float(h) for h in re.findall(r'<rect x="[^"]+" y="[^"]+" width="[^"]+" '
                                            r'height="([^"]+)"', stacked)]
    assert len(heights) == 3  # the empty "b" of week 2 draws nothing
    # drawn week by week, bottom first: a=2 is twice b=1, and half of a=4
    assert heights[0] == pytest.approx(2 * heights[1], rel=1e-3)
    assert heights[2] == pytest.approx(2 * heights[0], rel=1e-3)
    assert "<details" in stacked and "<th scope=\"row\">2</th><td>4</td>" in stacked
    assert "a: 6 min in all, 4 in the last" in stacked
    side = str(bar_chart(["1"], [Bars("a", [2.0], "#111111"), Bars("b", [2.0], "#222222")],
                         title="T", unit="min", stacked=False))
    xs = [float(v) for v in re.findall(r'<rect x="([^"]+)"', side)]
    assert len(xs) == 2 and xs[1] > xs[0]
    assert str(bar_chart([], [], title="T", unit="min")) == ""


def test_a_spread_with_event_ticks_on_a_seconds_axis() -> None:
    """A signal's per-bin minimum and maximum as a band, contacts as ticks at the bottom and
    the top: drawn inside the stretched plot, counted in the description, keyed in the legend,
    both bounds in the read-out's numbers."""
    x = np.arange(0.5, 60.5)
    low, high = np.sin(x / 5.0) - 1.0, np.sin(x / 5.0) + 1.0
    low[20:25] = np.nan  # a gap: the band is drawn in two pieces
    svg = str(line_chart(
        x, [], spreads=[Spread("vertical", low, high, "m/s2", "#1a1a1a")],
        ticks=[Ticks("initial contacts", [1.0, 2.0, 3.0], "#0b3d91"),
               Ticks("final contacts", [1.5, 2.5, 99.0], "#7a1f1f", top=True)],
        shades=[Shade(0.0, 30.0, "backward bout", "#1f5f8b")],
        title="Signal", axis=XAxis("s"), css_class="gait-chart",
    ))
    assert '<figure class="rs-chart gait-chart"' in svg
    plot = svg.split('class="rs-data"')[1].split("</svg>")[0]
    band = re.search(r'<path class="rs-spread" d="([^"]+)"', plot)
    assert band is not None and band.group(1).count("M") == 2 and band.group(1).count("Z") == 2
    tick_paths = re.findall(r'<path class="rs-ticks" d="([^"]+)"', plot)
    assert [p.count("M") for p in tick_paths] == [3, 2]  # 99 s lies outside the chart
    assert tick_paths[0].startswith("M") and " 1000V940" in tick_paths[0]  # along the bottom
    assert " 0V60" in tick_paths[1]  # along the top
    assert "initial contacts: 3" in svg and "final contacts: 2" in svg and "over 59 seconds" in svg
    legend = svg.split('class="rs-legend"')[1]
    assert "initial contacts" in legend and "backward bout" in legend
    data = _data(svg)
    assert data["k"] == "s" and data["s"][0]["lo"][0] == pytest.approx(low[0], abs=0.01)
    assert data["s"][0]["v"][0] == pytest.approx(high[0], abs=0.01)
    assert data["s"][0]["lo"][22] is None
    assert ">s</text>" in svg  # the axis' unit
    assert str(line_chart(x, [], spreads=[Spread("v", x * np.nan, x * np.nan, "g")],
                          title="S", axis=XAxis("s"))) == ""


def test_category_labels_fit_a_phone_and_a_desktop() -> None:
    """Long labels (two years of months) are thinned to what a 390 px phone's plot holds side
    by side (the rest are minor labels, hidden there by charts.css) and a desktop's."""
    labels = [f"{m} {y}" for y in (2025, 2026) for m in ("Jan", "Feb", "Mar", "Apr", "May",
                                                          "Jun", "Jul", "Aug", "Sep", "Oct",
                                                          "Nov", "Dec")]
    svg = str(bar_chart(labels, [Bars("h", [1.0] * 24, "#111111")], title="T", unit="h"))
    axis = svg.split('class="rs-xaxis"')[1]
    shown = re.findall(r'text-anchor="middle">([^<]+)<', axis)
    minor = re.findall(r'text-anchor="middle" class="rs-minor">([^<]+)<', axis)
    phone = len(shown)
    assert phone * (8 * 7.5 + 12) <= 290 and phone >= 3 and shown[0] == "Jan 2025"
    assert (phone + len(minor)) * (8 * 7.5 + 12) <= 760 and len(minor) >= phone
    short = str(bar_chart([str(k) for k in range(8)], [Bars("h", [1.0] * 8, "#111111")],
                          title="T", unit="h"))
    assert len(re.findall(r'text-anchor="middle">', short.split('class="rs-xaxis"')[1])) == 8


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
