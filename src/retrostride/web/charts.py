"""Charts drawn on the server as SVG of our own: series over time with the session's segments
shaded by direction, and the GPS track as a polyline without map tiles.

Every chart is an ``<svg role="img">`` with a title and a text description; the pages also
give the numbers as text. Coordinates are rounded: the markup stays small.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from itertools import count, pairwise

import numpy as np
import numpy.typing as npt
from markupsafe import Markup

FloatArray = npt.NDArray[np.float64]

DIRECTION_COLOURS = {
    "backward": "#1f5f8b",
    "forward": "#b35900",
    "mixed": "#6a3d9a",
    "unknown": "#6b6b6b",
}
"""Colours of directions (each at least 4.5:1 against white, for text and lines)."""

_ids = count(1)
MAX_POINTS = 600


@dataclass(frozen=True, slots=True)
class Band:
    """A stretch of a session [s from its start] and its direction."""

    start_s: float
    end_s: float
    direction: str


def _nice_ticks(lo: float, hi: float, n: int = 4) -> list[float]:
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo]
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = min((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw), default=raw)
    first = math.ceil(lo / step) * step
    ticks = []
    value = first
    while value <= hi + 1e-9 * step:
        ticks.append(round(value, 10))
        value += step
    return ticks


def downsample(t: FloatArray, y: FloatArray, max_points: int = MAX_POINTS) -> tuple[
    FloatArray, FloatArray
]:
    """At most ``max_points`` points: bin means (NaN where a bin holds no value)."""
    if t.size <= max_points:
        return t, y
    edges = np.linspace(0, t.size, max_points + 1).astype(int)
    tt = np.array([t[a:b].mean() for a, b in pairwise(edges)])
    yy = np.array(
        [
            np.nanmean(y[a:b]) if np.isfinite(y[a:b]).any() else np.nan
            for a, b in pairwise(edges)
        ]
    )
    return tt, yy


def _path(xs: Sequence[float], ys: Sequence[float]) -> str:
    parts: list[str] = []
    pen_up = True
    for x, y in zip(xs, ys, strict=True):
        if not (math.isfinite(x) and math.isfinite(y)):
            pen_up = True
            continue
        parts.append(f"{'M' if pen_up else 'L'}{x:.1f} {y:.1f}")
        pen_up = False
    return "".join(parts)


def series_svg(
    t_s: FloatArray,
    values: FloatArray,
    *,
    title: str,
    unit: str,
    bands: Sequence[Band] = (),
    colour: str = "#1a1a1a",
) -> Markup:
    """A line over time (minutes on x) with direction bands behind it."""
    uid = next(_ids)
    width, height = 640.0, 220.0
    left, right, top, bottom = 56.0, 12.0, 10.0, 34.0
    t, y = downsample(np.asarray(t_s, float), np.asarray(values, float))
    finite = np.isfinite(y) & np.isfinite(t)
    if not finite.any():
        return Markup("")
    t0, t1 = float(np.nanmin(t)), float(np.nanmax(t))
    if bands:
        t1 = max(t1, max(b.end_s for b in bands))
    y_lo, y_hi = float(np.min(y[finite])), float(np.max(y[finite]))
    pad = (y_hi - y_lo) * 0.08 or max(abs(y_hi) * 0.1, 1.0)
    y_lo, y_hi = y_lo - pad, y_hi + pad
    if y_lo > 0 and y_lo < (y_hi - y_lo):
        y_lo = 0.0
    span_t = (t1 - t0) or 1.0

    def sx(v: float) -> float:
        return left + (v - t0) / span_t * (width - left - right)

    def sy(v: float) -> float:
        return top + (y_hi - v) / (y_hi - y_lo) * (height - top - bottom)

    mean = float(np.mean(y[finite]))
    desc = (
        f"{title} over {span_t / 60:.0f} minutes: lowest {np.min(y[finite]):.1f}, "
        f"mean {mean:.1f}, highest {np.max(y[finite]):.1f} {unit}."
    )
    out = [
        f'<svg class="chart" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'aria-labelledby="c{uid}t c{uid}d" preserveAspectRatio="xMidYMid meet">',
        f'<title id="c{uid}t">{escape(title)} ({escape(unit)})</title>',
        f'<desc id="c{uid}d">{escape(desc)}</desc>',
    ]
    for b in bands:
        x0, x1 = sx(max(b.start_s, t0)), sx(min(b.end_s, t1))
        if x1 - x0 <= 0:
            continue
        colour_b = DIRECTION_COLOURS.get(b.direction, DIRECTION_COLOURS["unknown"])
        opacity = 0.06 if b.direction == "unknown" else 0.16
        out.append(
            f'<rect x="{x0:.1f}" y="{top:.1f}" width="{x1 - x0:.1f}" '
            f'height="{height - top - bottom:.1f}" fill="{colour_b}" fill-opacity="{opacity}">'
            f"<title>{escape(b.direction)}</title></rect>"
        )
    for tick in _nice_ticks(y_lo, y_hi):
        yy = sy(tick)
        out.append(
            f'<line x1="{left:.1f}" x2="{width - right:.1f}" y1="{yy:.1f}" y2="{yy:.1f}" '
            'stroke="#d0d0d0" stroke-width="1"/>'
            f'<text x="{left - 6:.1f}" y="{yy + 4:.1f}" text-anchor="end" '
            f'font-size="15" fill="#333">{tick:g}</text>'
        )
    for tick in _nice_ticks(t0 / 60, t1 / 60, 5):
        xx = sx(tick * 60)
        if xx > width - right - 36:  # leave room for the unit
            continue
        out.append(
            f'<text x="{xx:.1f}" y="{height - 10:.1f}" text-anchor="middle" font-size="15" '
            f'fill="#333">{tick:g}</text>'
        )
    out.append(
        f'<text x="{width - right:.1f}" y="{height - 10:.1f}" text-anchor="end" font-size="15" '
        'fill="#333">min</text>'
    )
    xs = [sx(float(v)) for v in t]
    ys = [sy(float(v)) if math.isfinite(v) else math.nan for v in y]
    out.append(
        f'<path d="{_path(xs, ys)}" fill="none" stroke="{colour}" stroke-width="2" '
        'stroke-linejoin="round"/>'
    )
    out.append("</svg>")
    return Markup("".join(out))


def track_svg(
    t_s: FloatArray, lat_deg: FloatArray, lon_deg: FloatArray, bands: Sequence[Band] = ()
) -> Markup:
    """The GPS track (equirectangular projection around its centre), coloured by direction."""
    uid = next(_ids)
    lat = np.asarray(lat_deg, float)
    lon = np.asarray(lon_deg, float)
    t = np.asarray(t_s, float)
    ok = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    if ok.sum() < 2:
        return Markup("")
    lat, lon, t = lat[ok], lon[ok], t[ok]
    k = math.cos(math.radians(float(np.mean(lat))))
    x = (lon - lon.min()) * k * 111_320.0
    y = (lat.max() - lat) * 110_574.0
    extent = max(float(x.max()), float(y.max()), 1.0)
    size, pad = 400.0, 12.0
    scale = (size - 2 * pad) / extent
    w = float(x.max()) * scale + 2 * pad
    h = float(y.max()) * scale + 2 * pad
    px, py = x * scale + pad, y * scale + pad
    if px.size > 2000:
        step = math.ceil(px.size / 2000)
        px, py, t = px[::step], py[::step], t[::step]
    out = [
        f'<svg class="track" viewBox="0 0 {w:.0f} {h:.0f}" width="{w:.0f}" height="{h:.0f}" '
        'role="img" '
        f'aria-labelledby="m{uid}t m{uid}d">',
        f'<title id="m{uid}t">The track (no map tiles)</title>',
        f'<desc id="m{uid}d">A route of about {extent:.0f} m across, drawn from the '
        "recorded positions; north is up.</desc>",
        f'<rect width="{w:.0f}" height="{h:.0f}" fill="#f5f7f9"/>',
    ]
    everything = " ".join(f"{a:.1f},{c:.1f}" for a, c in zip(px, py, strict=True))
    out.append(
        f'<polyline points="{everything}" fill="none" stroke="{DIRECTION_COLOURS["unknown"]}" '
        'stroke-width="2" stroke-dasharray="4 3"/>'
    )
    for b in bands:
        index = np.flatnonzero((t >= b.start_s) & (t <= b.end_s))
        if index.size and index[-1] + 1 < t.size:
            index = np.append(index, index[-1] + 1)  # join the next stretch (sparse records)
        if index.size < 2:
            continue
        inside = index
        colour = DIRECTION_COLOURS.get(b.direction, DIRECTION_COLOURS["unknown"])
        points = " ".join(f"{a:.1f},{c:.1f}" for a, c in zip(px[inside], py[inside], strict=True))
        out.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="3" '
            'stroke-linejoin="round" stroke-linecap="round"/>'
        )
    out.append(
        f'<circle cx="{px[0]:.1f}" cy="{py[0]:.1f}" r="6" fill="#0a7d32"><title>start</title>'
        f'</circle><circle cx="{px[-1]:.1f}" cy="{py[-1]:.1f}" r="6" fill="#b00020">'
        "<title>finish</title></circle>"
    )
    out.append("</svg>")
    return Markup("".join(out))


def weekly_bars_svg(labels: Sequence[str], backward_min: Sequence[float],
                    other_min: Sequence[float]) -> Markup:
    """Stacked bars of minutes per week: backward (dark) under the rest (light)."""
    if not labels:
        return Markup("")
    uid = next(_ids)
    width, height = 640.0, 200.0
    left, right, top, bottom = 44.0, 8.0, 10.0, 30.0
    top_value = max((b + o for b, o in zip(backward_min, other_min, strict=True)), default=0.0)
    ticks = _nice_ticks(0.0, max(top_value, 10.0), 3)
    y_max = max(ticks[-1], top_value) or 1.0
    slot = (width - left - right) / len(labels)

    def sy(v: float) -> float:
        return top + (y_max - v) / y_max * (height - top - bottom)

    total_back = sum(backward_min)
    desc = (
        f"Minutes per week over {len(labels)} weeks; backward {total_back:.0f} min in all, "
        f"{backward_min[-1]:.0f} min in the latest week."
    )
    out = [
        f'<svg class="chart" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'aria-labelledby="w{uid}t w{uid}d">',
        f'<title id="w{uid}t">Minutes per week, backward and other</title>',
        f'<desc id="w{uid}d">{escape(desc)}</desc>',
    ]
    for tick in ticks:
        out.append(
            f'<line x1="{left:.1f}" x2="{width - right:.1f}" y1="{sy(tick):.1f}" '
            f'y2="{sy(tick):.1f}" stroke="#d0d0d0"/><text x="{left - 6:.1f}" '
            f'y="{sy(tick) + 5:.1f}" text-anchor="end" font-size="15" fill="#333">{tick:g}</text>'
        )
    for i, (label, back, other) in enumerate(zip(labels, backward_min, other_min, strict=True)):
        x = left + i * slot + slot * 0.18
        w = slot * 0.64
        out.append(
            f'<rect x="{x:.1f}" y="{sy(back):.1f}" width="{w:.1f}" '
            f'height="{sy(0) - sy(back):.1f}" fill="{DIRECTION_COLOURS["backward"]}"/>'
            f'<rect x="{x:.1f}" y="{sy(back + other):.1f}" width="{w:.1f}" '
            f'height="{sy(back) - sy(back + other):.1f}" fill="#9bc4e2"/>'
            f'<text x="{x + w / 2:.1f}" y="{height - 10:.1f}" text-anchor="middle" '
            f'font-size="14" fill="#333">{escape(label)}</text>'
        )
    out.append("</svg>")
    return Markup("".join(out))
