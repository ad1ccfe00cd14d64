"""Bar charts drawn on the server as SVG (the totals page), with the axes of ``web.charts``.

An ``<svg role="img">`` with a title and a description naming the largest and the latest bar;
the page gives every number in a table beside it. Each bar carries a ``<title>`` with its label
and value (a tooltip on hover).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from itertools import count

from markupsafe import Markup

from retrostride.web.charts import _nice_ticks

_ids = count(1)


@dataclass(frozen=True, slots=True)
class Stack:
    """One layer of stacked bars: its name, colour (4.5:1 on white or a light fill) and values."""

    name: str
    colour: str
    values: Sequence[float]


def bars_svg(
    labels: Sequence[str], stacks: Sequence[Stack], *, title: str, unit: str, max_labels: int = 4
) -> Markup:
    """Stacked bars, one per label, the first stack at the bottom; at most ``max_labels`` axis
    labels (evenly spaced, the last always shown) so that the chart stays readable at 390 px."""
    if not labels or not stacks:
        return Markup("")
    uid = next(_ids)
    width, height = 640.0, 220.0
    left, right, top, bottom = 56.0, 8.0, 10.0, 34.0
    totals = [sum(s.values[i] for s in stacks) for i in range(len(labels))]
    top_value = max(totals, default=0.0)
    ticks = _nice_ticks(0.0, max(top_value, 1.0), 3)
    y_max = max(ticks[-1], top_value) or 1.0
    slot = (width - left - right) / len(labels)
    every = max(1, -(-len(labels) // max_labels))

    def sy(v: float) -> float:
        return top + (y_max - v) / y_max * (height - top - bottom)

    biggest = max(range(len(labels)), key=lambda i: totals[i])
    desc = (
        f"{title} for {len(labels)} periods from {labels[0]} to {labels[-1]}: largest "
        f"{totals[biggest]:.1f} {unit} ({labels[biggest]}), latest {totals[-1]:.1f} {unit}."
    )
    out = [
        f'<svg class="chart" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'aria-labelledby="b{uid}t b{uid}d">',
        f'<title id="b{uid}t">{escape(title)} ({escape(unit)})</title>',
        f'<desc id="b{uid}d">{escape(desc)}</desc>',
    ]
    for tick in ticks:
        out.append(
            f'<line x1="{left:.1f}" x2="{width - right:.1f}" y1="{sy(tick):.1f}" '
            f'y2="{sy(tick):.1f}" stroke="#d0d0d0"/><text x="{left - 6:.1f}" '
            f'y="{sy(tick) + 5:.1f}" text-anchor="end" font-size="22" fill="#333">{tick:g}</text>'
        )
    for i, label in enumerate(labels):
        x = left + i * slot + slot * 0.15
        w = slot * 0.7
        base = 0.0
        tip = escape(f"{label}: {totals[i]:.1f} {unit}")
        for stack in stacks:
            value = stack.values[i]
            if value > 0:
                out.append(
                    f'<rect x="{x:.1f}" y="{sy(base + value):.1f}" width="{w:.1f}" '
                    f'height="{sy(base) - sy(base + value):.1f}" fill="{stack.colour}">'
                    f"<title>{tip} ({escape(stack.name)} {value:.1f})</title></rect>"
                )
            base += value
        if (len(labels) - 1 - i) % every == 0:
            out.append(
                f'<text x="{x + w / 2:.1f}" y="{height - 10:.1f}" text-anchor="middle" '
                f'font-size="22" fill="#333">{escape(label)}</text>'
            )
    out.append("</svg>")
    return Markup("".join(out))
