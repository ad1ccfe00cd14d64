"""The gait page's chart: a recording's signal with its walking bouts and foot contacts, as SVG.

Drawn from what the gait job kept (:func:`retrostride.services.gait_jobs.signal_view`): each
signal as the band between its per-bin minimum and maximum, each bout shaded in the colour of
its direction, initial contacts as ticks under the signal and final contacts as ticks above it.
Built like the other charts of :mod:`retrostride.web.charts` (``role="img"``, a title and a
text description; the page gives every number in a table too). Text is 20 units high in a
560-unit-wide drawing shown at most 40rem wide: about 13 px on a 390 px phone screen, 23 px on
a desktop.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from itertools import count
from typing import Any

from markupsafe import Markup

from retrostride.web.charts import DIRECTION_COLOURS

BOUT_COLOURS = {**DIRECTION_COLOURS, "sideways": "#2c6e49"}
"""Direction colours of the log's charts, and one for side-stepping (gait only)."""
SERIES_COLOURS = ("#1a1a1a", "#8a4b08")
"""The first and second signal (each at least 4.5:1 against white)."""

_ids = count(1)


def _ticks(hi: float, n: int = 5) -> list[float]:
    """Round tick values from 0 to ``hi``."""
    if not math.isfinite(hi) or hi <= 0:
        return [0.0]
    raw = hi / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    return [k * step for k in range(int(hi / step + 1e-9) + 1)]


def _value_ticks(lo: float, hi: float) -> list[float]:
    span = hi - lo
    if not math.isfinite(span) or span <= 0:
        return [lo]
    raw = span / 3
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step) * step
    return [round(first + k * step, 10) for k in range(int((hi - first) / step + 1e-9) + 1)]


def gait_signal_svg(
    signal: dict[str, Any], bouts: Sequence[dict[str, Any]], *, title: str
) -> Markup:
    """The signal (seconds on x) with bouts shaded by direction and contacts as ticks."""
    series = signal.get("series") or []
    duration = float(signal.get("duration_s") or 0.0)
    if not series or duration <= 0 or not series[0]["min"]:
        return Markup("")
    uid = next(_ids)
    width, height = 560.0, 280.0
    left, right, top, bottom = 50.0, 10.0, 28.0, 36.0
    plot_h = height - top - bottom
    lows = [v for s in series for v in s["min"]]
    highs = [v for s in series for v in s["max"]]
    y_lo, y_hi = float(min(lows)), float(max(highs))
    pad = (y_hi - y_lo) * 0.06 or 1.0
    y_lo, y_hi = y_lo - pad, y_hi + pad
    minutes = duration > 600
    scale_t = 60.0 if minutes else 1.0

    def sx(t: float) -> float:
        return left + max(0.0, min(t, duration)) / duration * (width - left - right)

    def sy(v: float) -> float:
        return top + (y_hi - v) / (y_hi - y_lo) * plot_h

    n_steps = sum(int(b.get("n_steps") or 0) for b in bouts)
    directions = sorted({str(b["direction"]) for b in bouts})
    desc = (
        f"{title}: {duration / scale_t:.0f} {'minutes' if minutes else 'seconds'}, "
        f"{len(bouts)} walking bout{'s' if len(bouts) != 1 else ''} "
        f"({', '.join(directions) or 'none'}), {n_steps} steps in bouts; "
        "the bouts are listed in the table below."
    )
    out = [
        f'<svg class="chart gait-chart" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'aria-labelledby="g{uid}t g{uid}d" preserveAspectRatio="xMidYMid meet" '
        'style="max-width: 40rem">',
        f'<title id="g{uid}t">{escape(title)}</title>',
        f'<desc id="g{uid}d">{escape(desc)}</desc>',
    ]
    for b in bouts:
        x0, x1 = sx(float(b["start_s"])), sx(float(b["end_s"]))
        colour = BOUT_COLOURS.get(str(b["direction"]), BOUT_COLOURS["unknown"])
        out.append(
            f'<rect x="{x0:.1f}" y="{top:.1f}" width="{max(x1 - x0, 1.0):.1f}" '
            f'height="{plot_h:.1f}" fill="{colour}" fill-opacity="0.18">'
            f"<title>{escape(str(b['direction']))} bout</title></rect>"
        )
    for tick in _value_ticks(y_lo, y_hi):
        yy = sy(tick)
        out.append(
            f'<line x1="{left:.1f}" x2="{width - right:.1f}" y1="{yy:.1f}" y2="{yy:.1f}" '
            'stroke="#d0d0d0" stroke-width="1"/>'
            f'<text x="{left - 6:.1f}" y="{yy + 6:.1f}" text-anchor="end" font-size="20" '
            f'fill="#333">{tick:g}</text>'
        )
    for tick in _ticks(duration / scale_t):
        xx = sx(tick * scale_t)
        if xx > width - right - 30:
            continue
        out.append(
            f'<text x="{xx:.1f}" y="{height - 12:.1f}" text-anchor="middle" font-size="20" '
            f'fill="#333">{tick:g}</text>'
        )
    out.append(
        f'<text x="{width - right:.1f}" y="{height - 12:.1f}" text-anchor="end" font-size="20" '
        f'fill="#333">{"min" if minutes else "s"}</text>'
    )
    bin_s = float(signal.get("bin_s") or duration / len(series[0]["min"]))
    for k, s in enumerate(series[:2]):
        xs = [sx((i + 0.5) * bin_s) for i in range(len(s["min"]))]
        upper = " ".join(f"{x:.1f},{sy(v):.1f}" for x, v in zip(xs, s["max"], strict=True))
        lower = " ".join(
            f"{x:.1f},{sy(v):.1f}" for x, v in zip(reversed(xs), reversed(s["min"]), strict=True)
        )
        colour = SERIES_COLOURS[k]
        out.append(
            f'<polygon points="{upper} {lower}" fill="{colour}" fill-opacity="0.55" '
            f'stroke="{colour}" stroke-width="1"/>'
        )
    for key, y0, dy, colour in (
        ("initial_contacts_s", top + plot_h, -12, "#0b3d91"),
        ("final_contacts_s", top, 12, "#7a1f1f"),
    ):
        ticks = "".join(
            f"M{sx(float(t)):.1f} {y0:.1f}v{dy}"
            for b in bouts for t in (b.get(key) or []) if t is not None
        )
        if ticks:
            out.append(f'<path d="{ticks}" stroke="{colour}" stroke-width="1.5" fill="none"/>')
    out.append(
        f'<text x="{left:.1f}" y="{top - 8:.1f}" font-size="20" fill="#333">'
        f"{escape(str(signal.get('unit') or ''))}</text>"
    )
    out.append("</svg>")
    return Markup("".join(out))
