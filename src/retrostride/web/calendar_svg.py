"""The calendar heatmap of training days, drawn on the server as SVG.

One column per week (Monday on top), one square per day, darker for more time. The ``<svg>``
is an image with a summary (``role="img"``); every square carries a ``<title>`` naming its day
and totals (a tooltip), and the page gives the same days in a table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from html import escape
from itertools import count

from markupsafe import Markup

_ids = count(1)

LEVELS = (
    (0.0, "#e6eaee"),
    (20 * 60.0, "#b5d3ea"),
    (40 * 60.0, "#6fa8d3"),
    (60 * 60.0, "#2f74ab"),
    (float("inf"), "#153f5c"),
)
"""Upper bounds of time per day [s] and their fill: none, under 20, 40, 60 minutes, more."""


def level(time_s: float, sessions: int) -> int:
    """The colour step of a day (0: no session)."""
    if sessions == 0:
        return 0
    for index, (bound, _colour) in enumerate(LEVELS[1:], start=1):
        if time_s < bound:
            return index
    return len(LEVELS) - 1


def heatmap_svg(
    first_monday: date,
    last_day: date,
    days: Mapping[date, tuple[float, int]],
    describe: Callable[[date], str],
    summary: str,
) -> Markup:
    """Weeks from ``first_monday`` to the week holding ``last_day``; ``days`` maps a day to
    (time [s], sessions); ``describe`` words a day for its square's title."""
    uid = next(_ids)
    n_weeks = (last_day - first_monday).days // 7 + 1
    cell, gap, left, top = 12.0, 2.0, 24.0, 16.0
    width = left + n_weeks * (cell + gap)
    height = top + 7 * (cell + gap)
    out = [
        f'<svg class="heatmap" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'aria-labelledby="h{uid}t h{uid}d">',
        f'<title id="h{uid}t">Training days</title><desc id="h{uid}d">{escape(summary)}</desc>',
    ]
    for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri")):
        out.append(
            f'<text x="0" y="{top + row * (cell + gap) + cell - 2:.0f}" font-size="9" '
            f'fill="#333">{name}</text>'
        )
    month = None
    size = f"{cell:.0f}"
    rows_y = [f"{top + weekday * (cell + gap):.0f}" for weekday in range(7)]
    fills = [colour for _bound, colour in LEVELS]
    one_day = timedelta(days=1)
    day = first_monday
    for week in range(n_weeks):  # a year's 371 squares: each one string
        x = left + week * (cell + gap)
        x_text = f"{x:.0f}"
        if day.month != month:
            month = day.month
            out.append(f'<text x="{x_text}" y="10" font-size="9" fill="#333">{day:%b}</text>')
        for y in rows_y:
            if day > last_day:
                break
            time_s, sessions = days.get(day, (0.0, 0))
            out.append(
                f'<rect x="{x_text}" y="{y}" width="{size}" height="{size}" rx="2" '
                f'fill="{fills[level(time_s, sessions)]}"><title>{escape(describe(day))}'
                "</title></rect>"
            )
            day += one_day  # past the last day only in the last week
    out.append("</svg>")
    return Markup("".join(out))
