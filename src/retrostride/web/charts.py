"""Charts drawn on the server as SVG of our own: series over time with the session's segments
shaded by direction, and the GPS track as a polyline without map tiles.

Every chart is an ``<svg role="img">`` with a title and a text description; the pages also
give the numbers as text. Coordinates are rounded: the markup stays small.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from itertools import count
from typing import Any

import numpy as np
import numpy.typing as npt
from markupsafe import Markup

from retrostride.science.units import M_PER_MILE

FloatArray = npt.NDArray[np.float64]

DIRECTION_COLOURS = {
    "backward": "#1f5f8b",
    "forward": "#b35900",
    "mixed": "#6a3d9a",
    "unknown": "#6b6b6b",
}
"""Colours of directions (each at least 4.5:1 against white, for text and lines)."""
BOUT_COLOURS = {**DIRECTION_COLOURS, "sideways": "#2c6e49"}
"""Direction colours of the log's charts, and one for side-stepping (gait bouts only)."""

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
    starts, sizes = edges[:-1], np.diff(edges)
    tt = np.add.reduceat(t, starts) / sizes
    finite = np.isfinite(y)
    sums = np.add.reduceat(np.where(finite, y, 0.0), starts)
    counts = np.add.reduceat(finite.astype(float), starts)
    yy = np.full(max_points, np.nan)
    np.divide(sums, counts, out=yy, where=counts > 0)
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


# --- the chart engine: every chart of the web app ------------------------------------------
#
# A chart is a <figure class="rs-chart"> holding a grid of three SVGs: the y labels (a fixed
# column in CSS pixels), the plot, and the x labels. The plot's data live in an inner <svg>
# with a 1000 x 1000 viewBox stretched to the plot's box (preserveAspectRatio="none"); lines
# keep their width (vector-effect="non-scaling-stroke") and labels are text in CSS pixels
# (percent positions), so they stay readable at any width: 13 px at 390 px as at 1280 px.
# The numbers travel in a data attribute that /static/charts.js reads for the hover read-out
# and the zoom; without the script the chart is a plain picture with its description, and the
# pages give the numbers in a table.

VIEW = 1000.0
"""Size of the plot's inner coordinate system (both axes)."""
LABEL_CHAR_PX = 7.5
"""Width of a character of a 13 px label [CSS px] (a generous average, digits and capitals)."""
LABEL_GAP_PX = 12.0
"""Room between two category labels [CSS px]."""
NARROW_PLOT_PX = 290.0
"""The plot's width on a 390 px phone [CSS px]: the labels shown there (the others are minor,
hidden below 40rem by charts.css)."""
WIDE_PLOT_PX = 760.0
"""The plot's width at the chart's widest (52rem less the y labels) [CSS px]."""


@dataclass(frozen=True, slots=True)
class XAxis:
    """What the x values are and how they are labelled.

    ``kind``: ``"min"`` (x in seconds, labelled in minutes), ``"s"`` (x in seconds, labelled in
    seconds), ``"km"`` or ``"mi"`` (x in metres), ``"date"`` (x in days since 1970-01-01) or
    ``"cat"`` (categories; ``labels`` their names).
    """

    kind: str
    labels: tuple[str, ...] = ()

    def shown(self, x: float) -> float:
        """An x value in the unit of the labels."""
        if self.kind == "min":
            return x / 60.0
        if self.kind == "km":
            return x / 1000.0
        if self.kind == "mi":
            return x / M_PER_MILE
        return x

    @property
    def scale(self) -> float:
        return self.shown(1.0)

    @property
    def unit(self) -> str:
        return {"min": "min", "s": "s", "km": "km", "mi": "mi"}.get(self.kind, "")


@dataclass(frozen=True, slots=True)
class Line:
    """One series of a line chart: ``values`` (one per x, NaN where unknown) in ``unit``.

    ``pace``: ``"km"`` or ``"mi"`` when the values are a speed in km/h or mph whose read-out
    also gives the pace. ``markers`` draws each point (sparse series such as assessments).
    """

    label: str
    values: Sequence[float] | FloatArray
    unit: str
    colour: str = "#1a1a1a"
    digits: int = 1
    markers: bool = False
    pace: str | None = None


@dataclass(frozen=True, slots=True)
class Spread:
    """A series drawn as the band between its ``low`` and ``high`` value at each x (a signal's
    minimum and maximum per bin), in ``unit``; the read-out gives both."""

    label: str
    low: Sequence[float] | FloatArray
    high: Sequence[float] | FloatArray
    unit: str
    colour: str = "#1a1a1a"
    digits: int = 2


@dataclass(frozen=True, slots=True)
class Ticks:
    """Events at x values [x units] drawn as short ticks along the bottom of the plot, or along
    its top when ``top`` (foot contacts)."""

    label: str
    at: Sequence[float]
    colour: str
    top: bool = False


@dataclass(frozen=True, slots=True)
class Shade:
    """A stretch of the x axis [x units] shaded in a colour (a direction, a phase)."""

    start: float
    end: float
    label: str
    colour: str
    opacity: float = 0.16


@dataclass(frozen=True, slots=True)
class Level:
    """A horizontal band from ``low`` to ``high`` [y units], or a dashed line when equal."""

    low: float
    high: float
    label: str
    colour: str = "#b8860b"


@dataclass(frozen=True, slots=True)
class Bars:
    """One series of a bar chart: a value per category."""

    label: str
    values: Sequence[float]
    colour: str


@dataclass(frozen=True, slots=True)
class Table:
    """The numbers of a chart as a table (its text alternative)."""

    caption: str
    headers: tuple[str, ...]
    rows: Sequence[Sequence[str]]


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_EPOCH = date(1970, 1, 1)


def epoch_days(day: date) -> float:
    """A date as days since 1970-01-01 (the x of a date axis)."""
    return float((day - _EPOCH).days)


def _date_ticks(x0: float, x1: float) -> list[tuple[float, str]]:
    """Calendar ticks (days, month starts or years) between two epoch days, about 3 to 6."""
    first, last = _EPOCH + timedelta(days=math.floor(x0)), _EPOCH + timedelta(days=math.ceil(x1))
    span = x1 - x0
    if span > 3 * 365:
        step = max(1, math.ceil(span / 365 / 5))
        years = range(first.year + 1, last.year + 1)
        return [(epoch_days(date(y, 1, 1)), str(y)) for y in years if y % step == 0]
    if span > 75:
        months = max(1, math.ceil(span / 30.44 / 5))
        out = []
        y, m = first.year, first.month
        while True:
            m += 1
            if m > 12:
                y, m = y + 1, 1
            day = date(y, m, 1)
            if day > last:
                break
            if (m - 1) % months == 0:
                label = _MONTHS[m - 1]
                if m == 1 or span > 300:
                    label += f" {y % 100:02d}"
                out.append((epoch_days(day), label))
        return out
    step_days = max(1, math.ceil(span / 5))
    return [
        (x, f"{(_EPOCH + timedelta(days=x)).day} {_MONTHS[(_EPOCH + timedelta(days=x)).month - 1]}")
        for x in np.arange(math.ceil(x0), math.floor(x1) + 1, step_days, dtype=float)
    ]


def _fmt(value: float, digits: int) -> str:
    return f"{value:.{digits}f}" if math.isfinite(value) else "-"


def _round_list(values: FloatArray, digits: int) -> list[float | None]:
    rounded: list[float] = np.round(np.asarray(values, float), digits).tolist()
    return [v if math.isfinite(v) else None for v in rounded]


def _y_domain(values: Sequence[float], levels: Sequence[Level], zero: bool) -> tuple[float, float]:
    finite = [v for v in values if math.isfinite(v)]
    finite += [v for lv in levels for v in (lv.low, lv.high) if math.isfinite(v)]
    lo, hi = (min(finite), max(finite)) if finite else (0.0, 1.0)
    pad = (hi - lo) * 0.08 or max(abs(hi) * 0.1, 1.0)
    lo, hi = lo - pad, hi + pad
    if zero or (0 < lo < (hi - lo)):
        lo = min(lo, 0.0) if zero else 0.0
    return lo, hi


def _legend(items: Sequence[tuple[str, str, str]]) -> str:
    """Keys below the plot (never over the data): (label, colour, shape)."""
    if not items:
        return ""
    keys = []
    for label, colour, shape in items:
        if shape == "line":
            mark = f'<line x1="0" y1="7" x2="14" y2="7" stroke="{colour}" stroke-width="3"/>'
        elif shape == "dash":
            mark = (f'<line x1="0" y1="7" x2="14" y2="7" stroke="{colour}" stroke-width="2" '
                    'stroke-dasharray="3 2"/>')
        elif shape == "tick":
            mark = f'<line x1="7" y1="1" x2="7" y2="13" stroke="{colour}" stroke-width="2"/>'
        else:
            mark = f'<rect width="14" height="14" rx="2" fill="{colour}"/>'
        keys.append(
            f'<li><svg class="rs-key" width="14" height="14" aria-hidden="true">{mark}</svg>'
            f"{escape(label)}</li>"
        )
    return f'<ul class="rs-legend">{"".join(keys)}</ul>'


def _table(table: Table | None) -> str:
    if table is None or not table.rows:
        return ""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in table.headers)
    body = "".join(
        "<tr>" + "".join(
            (f'<th scope="row">{escape(c)}</th>' if i == 0 else f"<td>{escape(c)}</td>")
            for i, c in enumerate(row)
        ) + "</tr>"
        for row in table.rows
    )
    return (
        f'<details class="rs-numbers"><summary>{escape(table.caption)}</summary>'
        f'<div class="table-wrap" tabindex="0"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div></details>"
    )


def _frame(
    uid: int, *, title: str, desc: str, data: dict[str, Any], inner: list[str],
    y_ticks: Sequence[tuple[float, str]], x_ticks: Sequence[tuple[float, str, bool]],
    x_unit: str, legend: str, table: str, note: str, css_class: str = "",
) -> Markup:
    """The figure around a plot: labels, legend, read-out, numbers."""
    ylab = "".join(
        f'<text x="100%" dx="-5" y="{pct:.2f}%" dy="4.5" text-anchor="end">{escape(lab)}</text>'
        for pct, lab in y_ticks
    )
    minor_class = ' class="rs-minor"'
    xlab = "".join(
        f'<text x="{pct:.2f}%" y="16" text-anchor="middle"{minor_class if minor else ""}>'
        f"{escape(lab)}</text>"
        for pct, lab, minor in x_ticks
    )
    if x_unit:
        xlab += f'<text class="rs-unit" x="100%" y="16" text-anchor="end">{escape(x_unit)}</text>'
    payload = escape(json.dumps(data, separators=(",", ":"), allow_nan=False), quote=True)
    caption = f"<figcaption>{escape(title)}</figcaption>"
    note_html = f'<p class="rs-note">{escape(note)}</p>' if note else ""
    return Markup(
        f'<figure class="rs-chart{" " + escape(css_class) if css_class else ""}" '
        f'id="chart-{uid}" data-chart="{payload}">{caption}'
        '<div class="rs-grid">'
        f'<svg class="rs-yaxis" aria-hidden="true">{ylab}</svg>'
        f'<svg class="rs-plot" role="img" aria-labelledby="c{uid}t c{uid}d">'
        f'<title id="c{uid}t">{escape(title)}</title><desc id="c{uid}d">{escape(desc)}</desc>'
        f'<svg class="rs-data" x="0" y="0" width="100%" height="100%" '
        f'viewBox="0 0 {VIEW:.0f} {VIEW:.0f}" preserveAspectRatio="none">{"".join(inner)}</svg>'
        "</svg>"
        f'<svg class="rs-xaxis" aria-hidden="true">{xlab}</svg>'
        "</div>"
        f'{legend}<p class="rs-readout" aria-live="polite"></p>{note_html}{table}</figure>'
    )


def _grid_lines(ticks: Sequence[float], sy: Any) -> list[str]:
    return [
        f'<line class="rs-gridline" x1="0" x2="{VIEW:.0f}" y1="{sy(t):.1f}" y2="{sy(t):.1f}" '
        'vector-effect="non-scaling-stroke"/>'
        for t in ticks
    ]


def _x_ticks(axis: XAxis, x0: float, x1: float) -> list[tuple[float, str, bool]]:
    span = (x1 - x0) or 1.0
    if axis.kind == "date":
        ticks = _date_ticks(x0, x1)
        # a label centred near the right edge would be cut: left out
        return [((x - x0) / span * 100, lab, False) for x, lab in ticks
                if x0 <= x and (x - x0) / span <= 0.93]
    if axis.kind == "cat":
        n = len(axis.labels) or 1
        width = max((len(lab) for lab in axis.labels), default=1) * LABEL_CHAR_PX + LABEL_GAP_PX
        every = max(1, math.ceil(n / max(1, min(12, int(WIDE_PLOT_PX // width)))))
        fits = max(1, int(NARROW_PLOT_PX // width))  # labels a phone's plot holds side by side
        major = every * max(1, math.ceil(math.ceil(n / fits) / every))
        return [
            ((i + 0.5) / n * 100, lab, i % major != 0)
            for i, lab in enumerate(axis.labels) if i % every == 0
        ]
    k = axis.scale
    out = []
    for t in _nice_ticks(x0 * k, x1 * k, 5):
        pct = (t / k - x0) / span * 100
        if -0.5 <= pct <= 88:  # room for the unit at the right end
            out.append((pct, f"{t:g}", False))
    return out


def _joined(shades: Sequence[Shade], gap: float) -> list[Shade]:
    """Consecutive shades of one label joined across gaps up to ``gap`` (laps of one direction
    read as one stretch, without a hairline between them)."""
    out: list[Shade] = []
    for shade in sorted(shades, key=lambda s: s.start):
        last = out[-1] if out else None
        if last is not None and last.label == shade.label and shade.start - last.end <= gap:
            out[-1] = Shade(last.start, max(last.end, shade.end), last.label, last.colour,
                            last.opacity)
        else:
            out.append(shade)
    return out


def _spread_path(px: Sequence[float], lows: Sequence[float], highs: Sequence[float]) -> str:
    """Closed outlines of the band between lows and highs, one per run of finite values."""
    out: list[str] = []
    run: list[int] = []
    for i in [*range(len(px)), -1]:
        if i >= 0 and math.isfinite(lows[i]) and math.isfinite(highs[i]):
            run.append(i)
            continue
        if run:
            upper = "L".join(f"{px[k]:.1f} {highs[k]:.1f}" for k in run)
            lower = "L".join(f"{px[k]:.1f} {lows[k]:.1f}" for k in reversed(run))
            out.append(f"M{upper}L{lower}Z")
            run = []
    return "".join(out)


def _downsample_spread(
    t: FloatArray, low: FloatArray, high: FloatArray, max_points: int = MAX_POINTS
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """At most ``max_points`` bins: their mean x, least low and greatest high (NaN ignored)."""
    if t.size <= max_points:
        return t, low, high
    edges = np.linspace(0, t.size, max_points + 1).astype(int)
    starts, sizes = edges[:-1], np.diff(edges)
    tt = np.add.reduceat(t, starts) / sizes
    with np.errstate(invalid="ignore"):
        lo = np.fmin.reduceat(low, starts)
        hi = np.fmax.reduceat(high, starts)
    return tt, lo, hi


TICK_LENGTH = 60.0
"""Length of an event tick [units of the plot's 1000-unit height]: about 10 px."""


def line_chart(
    x: Sequence[float] | FloatArray,
    lines: Sequence[Line],
    *,
    title: str,
    axis: XAxis,
    shades: Sequence[Shade] = (),
    levels: Sequence[Level] = (),
    spreads: Sequence[Spread] = (),
    ticks: Sequence[Ticks] = (),
    zero: bool = False,
    group: str | None = None,
    summary: str = "",
    table: Table | None = None,
    note: str = "",
    legend: bool = True,
    css_class: str = "",
) -> Markup:
    """A line chart of ``lines`` and ``spreads`` over ``x`` (empty markup when none has a finite
    value), with ``ticks`` marking events along the bottom or the top.

    ``zero`` puts 0 on the y axis. Charts of one ``group`` share the hover and the zoom (the
    charts of one session). ``summary`` is added to the generated description (lowest, mean and
    highest of each line, the range of each spread, the number of each kind of tick);
    ``table`` gives the numbers under the chart.
    """
    xs_all = np.asarray(x, float)
    kept: list[tuple[Line, FloatArray, FloatArray]] = []
    for line in lines:
        xx, yy = downsample(xs_all, np.asarray(line.values, float))
        ok = np.isfinite(xx)
        if np.isfinite(yy[ok]).any():
            kept.append((line, xx[ok], yy[ok]))
    bands: list[tuple[Spread, FloatArray, FloatArray, FloatArray]] = []
    for spread in spreads:
        xx, lo, hi = _downsample_spread(
            xs_all, np.asarray(spread.low, float), np.asarray(spread.high, float)
        )
        ok = np.isfinite(xx)
        if (np.isfinite(lo[ok]) & np.isfinite(hi[ok])).any():
            bands.append((spread, xx[ok], lo[ok], hi[ok]))
    if not kept and not bands:
        return Markup("")
    uid = next(_ids)
    xx = kept[0][1] if kept else bands[0][1]
    x0, x1 = float(np.min(xx)), float(np.max(xx))
    for shade in shades:
        x1 = max(x1, shade.end)
    if x1 <= x0:  # one reading: a fortnight either side on a date axis
        pad = 14.0 if axis.kind == "date" else 1.0
        x0, x1 = x0 - pad, x1 + pad
    all_y = [float(v) for _, _, yy in kept for v in yy if math.isfinite(v)]
    all_y += [float(v) for _, _, lo, hi in bands for v in (*lo, *hi) if math.isfinite(v)]
    y_lo, y_hi = _y_domain(all_y, levels, zero)

    def sx(v: float) -> float:
        return (v - x0) / (x1 - x0) * VIEW

    def sy(v: float) -> float:
        return (y_hi - v) / (y_hi - y_lo) * VIEW

    inner: list[str] = []
    for shade in _joined(shades, (x1 - x0) * 0.01):
        a, b = sx(max(shade.start, x0)), sx(min(shade.end, x1))
        if b > a:
            inner.append(
                f'<rect x="{a:.1f}" y="0" width="{b - a:.1f}" height="{VIEW:.0f}" '
                f'fill="{shade.colour}" fill-opacity="{shade.opacity}"/>'
            )
    y_ticks = _nice_ticks(y_lo, y_hi, 5)
    inner += _grid_lines(y_ticks, sy)
    for lv in levels:
        if lv.high > lv.low:
            inner.append(
                f'<rect x="0" y="{sy(lv.high):.1f}" width="{VIEW:.0f}" '
                f'height="{sy(lv.low) - sy(lv.high):.1f}" fill="{lv.colour}" fill-opacity="0.22"/>'
            )
        else:
            inner.append(
                f'<line x1="0" x2="{VIEW:.0f}" y1="{sy(lv.low):.1f}" y2="{sy(lv.low):.1f}" '
                f'stroke="{lv.colour}" stroke-width="1.5" stroke-dasharray="6 4" '
                'vector-effect="non-scaling-stroke"/>'
            )
    series = []
    desc_parts = []
    for spread, bx, lo, hi in bands:
        px = [sx(float(v)) for v in bx]
        outline = _spread_path(px, [sy(float(v)) for v in lo], [sy(float(v)) for v in hi])
        inner.append(
            f'<path class="rs-spread" d="{outline}" fill="{spread.colour}" fill-opacity="0.55" '
            f'stroke="{spread.colour}" stroke-width="1" vector-effect="non-scaling-stroke"/>'
        )
        d = spread.digits
        desc_parts.append(
            f"{spread.label}: from {_fmt(float(np.nanmin(lo)), d)} to "
            f"{_fmt(float(np.nanmax(hi)), d)} {spread.unit}"
        )
        series.append({
            "l": spread.label, "u": spread.unit, "d": d, "c": spread.colour,
            "v": _round_list(hi, d + 1), "lo": _round_list(lo, d + 1),
        })
    for line, lx, ly in kept:
        px = [sx(float(v)) for v in lx]
        py = [sy(float(v)) if math.isfinite(v) else math.nan for v in ly]
        inner.append(
            f'<path class="rs-line" d="{_path(px, py)}" fill="none" stroke="{line.colour}" '
            'stroke-width="2" stroke-linejoin="round" vector-effect="non-scaling-stroke"/>'
        )
        if line.markers:
            dots = "".join(
                f"M{a:.1f} {b:.1f}h0" for a, b in zip(px, py, strict=True) if math.isfinite(b)
            )
            inner.append(
                f'<path d="{dots}" stroke="{line.colour}" stroke-width="8" '
                'stroke-linecap="round" vector-effect="non-scaling-stroke"/>'
            )
        finite = ly[np.isfinite(ly)]
        d = line.digits
        desc_parts.append(
            f"{line.label}: lowest {_fmt(float(finite.min()), d)}, mean "
            f"{_fmt(float(finite.mean()), d)}, highest {_fmt(float(finite.max()), d)} {line.unit}"
        )
        entry: dict[str, Any] = {
            "l": line.label, "u": line.unit, "d": line.digits,
            "c": line.colour, "v": _round_list(ly, line.digits + 1),
        }
        if line.pace:
            entry["p"] = line.pace
        series.append(entry)
    for mark in ticks:
        at = [float(v) for v in mark.at if math.isfinite(float(v)) and x0 <= float(v) <= x1]
        y0, y1 = (0.0, TICK_LENGTH) if mark.top else (VIEW, VIEW - TICK_LENGTH)
        if at:
            path = "".join(f"M{sx(v):.1f} {y0:.0f}V{y1:.0f}" for v in at)
            inner.append(
                f'<path class="rs-ticks" d="{path}" stroke="{mark.colour}" stroke-width="1.5" '
                'fill="none" vector-effect="non-scaling-stroke"/>'
            )
        desc_parts.append(f"{mark.label}: {len(at)}")
    x_digits = 0 if axis.kind in ("date", "cat") else 1
    data: dict[str, Any] = {
        "k": axis.kind, "x0": round(x0, 3), "x1": round(x1, 3),
        "x": _round_list(xx, x_digits), "s": series,
    }
    if group:
        data["g"] = group
    over = _x_extent_text(axis, x0, x1)
    desc = f"{title}, {over}. " + "; ".join(desc_parts) + "." + (f" {summary}" if summary else "")
    keys: list[tuple[str, str, str]] = []
    if legend:
        keys += [(spread.label, spread.colour, "band") for spread, _, _, _ in bands]
        if len(kept) + len(bands) > 1 or levels:
            keys += [(line.label, line.colour, "line") for line, _, _ in kept]
        keys += [(lv.label, lv.colour, "band" if lv.high > lv.low else "dash") for lv in levels]
        seen: set[str] = set()
        for shade in shades:
            if shade.label not in seen:
                seen.add(shade.label)
                keys.append((shade.label, shade.colour, "band"))
        keys += [(mark.label, mark.colour, "tick") for mark in ticks]
    y_labels = [(sy(t) / VIEW * 100, f"{t:g}") for t in y_ticks]
    return _frame(
        uid, title=title, desc=desc, data=data, inner=inner, y_ticks=y_labels,
        x_ticks=_x_ticks(axis, x0, x1), x_unit=axis.unit, legend=_legend(keys),
        table=_table(table), note=note, css_class=css_class,
    )


def _x_extent_text(axis: XAxis, x0: float, x1: float) -> str:
    if axis.kind == "min":
        return f"over {(x1 - x0) / 60:.0f} minutes"
    if axis.kind == "s":
        return f"over {x1 - x0:.0f} seconds"
    if axis.kind in ("km", "mi"):
        return f"over {axis.shown(x1 - x0):.2f} {axis.unit}"
    if axis.kind == "date":
        a, b = _EPOCH + timedelta(days=x0), _EPOCH + timedelta(days=x1)
        return f"from {a.isoformat()} to {b.isoformat()}"
    return f"over {len(axis.labels)} categories"


def bar_chart(
    labels: Sequence[str],
    bars: Sequence[Bars],
    *,
    title: str,
    unit: str,
    stacked: bool = True,
    digits: int = 0,
    summary: str = "",
    table: Table | None = None,
    note: str = "",
) -> Markup:
    """Bars per category (stacked, or side by side when ``stacked`` is False); empty markup
    without categories."""
    if not labels or not bars:
        return Markup("")
    uid = next(_ids)
    n = len(labels)
    tops = [
        (sum(b.values[i] for b in bars) if stacked else max(b.values[i] for b in bars))
        for i in range(n)
    ]
    y_ticks = _nice_ticks(0.0, max(max(tops, default=0.0), 1.0) * 1.05, 3)
    if digits == 0:  # counts and whole minutes: no "0.5" on the axis
        y_ticks = [t for t in y_ticks if float(t).is_integer()]
    y_hi = max(y_ticks[-1], max(tops, default=0.0) * 1.05, 1.0)

    def sy(v: float) -> float:
        return (y_hi - v) / y_hi * VIEW

    slot = VIEW / n
    inner = _grid_lines(y_ticks, sy)
    for i in range(n):
        base = 0.0
        for j, b in enumerate(bars):
            value = float(b.values[i])
            if stacked:
                x, w = i * slot + slot * 0.18, slot * 0.64
                lo, hi = base, base + value
                base = hi
            else:
                w = slot * 0.72 / len(bars)
                x, lo, hi = i * slot + slot * 0.14 + j * w, 0.0, value
            if hi > lo:
                inner.append(
                    f'<rect x="{x:.1f}" y="{sy(hi):.1f}" width="{w:.1f}" '
                    f'height="{sy(lo) - sy(hi):.1f}" fill="{b.colour}"/>'
                )
    totals = "; ".join(
        f"{b.label}: {_fmt(sum(b.values), digits)} {unit} in all, "
        f"{_fmt(float(b.values[-1]), digits)} in the last" for b in bars
    )
    desc = f"{title}, {n} bars ({labels[0]} to {labels[-1]}). {totals}." + (
        f" {summary}" if summary else "")
    data = {
        "k": "cat", "x0": 0, "x1": n, "x": [i + 0.5 for i in range(n)], "c": list(labels),
        "s": [{"l": b.label, "u": unit, "d": digits, "c": b.colour,
               "v": [round(float(v), digits + 1) for v in b.values]} for b in bars],
    }
    y_labels = [(sy(t) / VIEW * 100, f"{t:g}") for t in y_ticks]
    return _frame(
        uid, title=title, desc=desc, data=data, inner=inner, y_ticks=y_labels,
        x_ticks=_x_ticks(XAxis("cat", tuple(labels)), 0.0, float(n)), x_unit="",
        legend=_legend([(b.label, b.colour, "band") for b in bars]), table=_table(table),
        note=note,
    )


def weekly_bars_svg(
    labels: Sequence[str], backward_min: Sequence[float], other_min: Sequence[float]
) -> Markup:
    """Stacked bars of minutes per week: backward (dark) under the rest (light)."""
    return bar_chart(
        labels,
        [Bars("backward", backward_min, DIRECTION_COLOURS["backward"]),
         Bars("other", other_min, "#8a8a8a")],
        title="Minutes per week, backward and other", unit="min",
        table=Table("Minutes per week", ("Week", "Backward", "Other"),
                    [(lab, f"{b:.0f}", f"{o:.0f}")
                     for lab, b, o in zip(labels, backward_min, other_min, strict=True)]),
    )
