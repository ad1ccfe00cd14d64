"""The validation report as one self-contained HTML page: tables and inline SVG, nothing fetched."""

from __future__ import annotations

import html
from typing import Any

from retrostride.services.validation import Comparison, ValidationReport

SECTIONS = {
    "energy-compendium": "Energy: every Compendium row (model at the row's middle speed and grade)",
    "energy-studies": "Energy: published backward-locomotion studies",
    "energy-body": "Energy for a person: kcal and resting metabolic rate arithmetic",
    "outcomes": "Outcome equations, norms and minimal important changes",
    "importers": "Importers: each activity file's own summary against the full parse",
}
_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#222}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}
td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}
td:first-child,th:first-child,td.l{text-align:left}
.bad{background:#fde2e2}.ok{background:#e5f5e5}
svg{border:1px solid #ddd;margin:.5rem 0}
"""


def _fmt(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}g}"


def scatter_svg(lines: list[Comparison], title: str, width: int = 420) -> str:
    """Model against reference with the identity line and the published spread as error bars."""
    points = [c for c in lines if c.reference is not None and c.model is not None]
    if not points:
        return ""
    values = [v for c in points for v in (c.reference, c.model) if v is not None]
    low, high = min(values), max(values)
    pad = (high - low) * 0.08 or 1.0
    low, high = low - pad, high + pad
    size, margin = width, 40

    def x(v: float) -> float:
        return margin + (v - low) / (high - low) * (size - 2 * margin)

    def y(v: float) -> float:
        return size - margin - (v - low) / (high - low) * (size - 2 * margin)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'role="img" aria-label="{html.escape(title)}">',
        f'<text x="{margin}" y="20" font-size="13">{html.escape(title)}</text>',
        f'<line x1="{x(low)}" y1="{y(low)}" x2="{x(high)}" y2="{y(high)}" stroke="#999" '
        'stroke-dasharray="4 3"/>',
        f'<text x="{size / 2 - 30}" y="{size - 8}" font-size="11">reference</text>',
        f'<text x="4" y="{size / 2}" font-size="11" transform="rotate(-90 10 {size / 2})">'
        "model</text>",
    ]
    for v in (low + pad, (low + high) / 2, high - pad):
        parts.append(
            f'<text x="{x(v) - 10}" y="{size - margin + 14}" font-size="10">{v:.3g}</text>'
        )
        parts.append(f'<text x="2" y="{y(v) + 3}" font-size="10">{v:.3g}</text>')
    for c in points:
        assert c.reference is not None and c.model is not None
        if c.spread:
            parts.append(
                f'<line x1="{x(c.reference - c.spread)}" y1="{y(c.model)}" '
                f'x2="{x(c.reference + c.spread)}" y2="{y(c.model)}" stroke="#c33"/>'
            )
        parts.append(
            f'<circle cx="{x(c.reference):.1f}" cy="{y(c.model):.1f}" r="3" fill="#236">'
            f"<title>{html.escape(c.item)}: {c.model:.3g} vs {c.reference:.3g}</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _table(lines: list[Comparison]) -> str:
    rows = [
        "<table><tr><th>item</th><th>unit</th><th>reference</th><th>± spread</th><th>model</th>"
        "<th>error</th><th>error %</th><th>source</th><th>note</th></tr>"
    ]
    for c in lines:
        rel = c.relative_error
        within = c.within_spread
        cls = "" if within is None else (' class="ok"' if within else ' class="bad"')
        rows.append(
            f"<tr{cls}><td class=l>{html.escape(c.item)}</td><td>{html.escape(c.unit)}</td>"
            f"<td>{_fmt(c.reference, 4)}</td><td>{_fmt(c.spread)}</td><td>{_fmt(c.model, 4)}</td>"
            f"<td>{_fmt(c.error)}</td><td>{'-' if rel is None else f'{100 * rel:+.1f}'}</td>"
            f"<td class=l>{html.escape(c.source)}</td><td class=l>{html.escape(c.note)}</td></tr>"
        )
    rows.append("</table>")
    return "".join(rows)


def _summary(lines: list[Comparison]) -> str:
    rels = [abs(c.relative_error) for c in lines if c.relative_error is not None]
    if not rels:
        return "<p>No figure answered.</p>"
    rels.sort()
    median = rels[len(rels) // 2]
    return (
        f"<p>{len(lines)} lines, {len(rels)} answered; absolute relative error median "
        f"{100 * median:.1f}%, largest {100 * rels[-1]:.1f}%.</p>"
    )


BLAND_ALTMAN = (
    ("cadence error %", "cadence (steps/min)", True),
    ("stride length error m", "stride length (m)", False),
    ("speed error m/s", "walking speed (m/s)", False),
)


def bland_altman_svg(pairs: list[tuple[float, float]], title: str, width: int = 380) -> str:
    """Differences against means, with the mean difference and its 95% limits of agreement."""
    if len(pairs) < 2:
        return ""
    means = [m for m, _ in pairs]
    diffs = [d for _, d in pairs]
    bias = sum(diffs) / len(diffs)
    sd = (sum((d - bias) ** 2 for d in diffs) / (len(diffs) - 1)) ** 0.5
    lo_x, hi_x = min(means), max(means)
    span_y = max(abs(d - bias) for d in [*diffs, bias - 2 * sd, bias + 2 * sd]) or 1.0
    lo_y, hi_y = bias - 1.1 * span_y, bias + 1.1 * span_y
    pad = (hi_x - lo_x) * 0.08 or 1.0
    lo_x, hi_x = lo_x - pad, hi_x + pad
    height, margin = int(width * 0.7), 40

    def x(v: float) -> float:
        return margin + (v - lo_x) / (hi_x - lo_x) * (width - 2 * margin)

    def y(v: float) -> float:
        return height - margin - (v - lo_y) / (hi_y - lo_y) * (height - 2 * margin)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="Bland-Altman: {html.escape(title)}">',
        f'<text x="{margin}" y="16" font-size="12">Bland-Altman: {html.escape(title)} '
        f"(bias {bias:.3g}, limits {bias - 1.96 * sd:.3g} to {bias + 1.96 * sd:.3g})</text>",
    ]
    for level, dash in ((bias, ""), (bias - 1.96 * sd, "4 3"), (bias + 1.96 * sd, "4 3")):
        parts.append(
            f'<line x1="{margin}" y1="{y(level):.1f}" x2="{width - margin}" y2="{y(level):.1f}" '
            f'stroke="#c33" stroke-dasharray="{dash}"/>'
        )
    parts.append(f'<text x="2" y="{y(bias) + 3:.1f}" font-size="10">{bias:.2g}</text>')
    for m, d in pairs:
        parts.append(f'<circle cx="{x(m):.1f}" cy="{y(d):.1f}" r="3" fill="#236"/>')
    parts.append(
        f'<text x="{width / 2 - 60}" y="{height - 8}" font-size="11">mean of reference and '
        "ours</text></svg>"
    )
    return "".join(parts)


def _bland_altman(checks: list[dict[str, Any]]) -> str:
    out = []
    for metric, label, percent in BLAND_ALTMAN:
        pairs = []
        for check in checks:
            value, reference = check.get("value"), check.get("reference")
            if check.get("metric") != metric or not isinstance(value, int | float):
                continue
            if not isinstance(reference, int | float):
                continue
            difference = reference * value / 100.0 if percent else value
            pairs.append((reference + difference / 2.0, difference))
        out.append(bland_altman_svg(pairs, label))
    return "".join(out)


def _gait(gait: dict[str, Any] | None, note: str) -> str:
    out = [f"<h2>Gait</h2><p>{html.escape(note)}</p>"]
    if gait:
        out.append(_bland_altman(gait.get("checks", [])))
        checks = gait.get("checks", [])
        out.append(
            "<table><tr><th>section</th><th>item</th><th>metric</th><th>value</th>"
            "<th>reference</th><th>goal</th><th>passed</th></tr>"
        )
        for check in checks:
            out.append(
                "<tr>"
                + "".join(
                    f"<td class=l>{html.escape(str(check.get(k, '')))}</td>"
                    for k in ("section", "item", "metric", "value", "reference", "goal", "passed")
                )
                + "</tr>"
            )
        out.append("</table>")
    return "".join(out)


def render(report: ValidationReport, regressions: list[str]) -> str:
    """The whole page."""
    body = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        "<title>retrostride validation report</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>retrostride: every model against every reference</h1>",
        f"<p>Energy model {html.escape(report.model_version)}; generated "
        f"{html.escape(report.generated_utc)}. Regenerate with <code>make validate</code> or "
        "<code>retrostride validate --report DIR --data ../shared/data</code>. Rows in green lie "
        "within the study's published spread, in red outside it.</p>",
    ]
    if regressions:
        body.append("<h2>Worse than the recorded baseline</h2><ul>")
        body += [f"<li>{html.escape(r)}</li>" for r in regressions]
        body.append("</ul>")
    else:
        body.append("<p>No figure is worse than the recorded baseline beyond its tolerance.</p>")
    if report.baseline_changes:
        body.append("<h2>Baseline changes and their reasons</h2><ul>")
        body += [
            f"<li>{html.escape(c.get('date', ''))}: {html.escape(c.get('reason', ''))}</li>"
            for c in report.baseline_changes
        ]
        body.append("</ul>")
    for name, title in SECTIONS.items():
        lines = report.section(name)
        body.append(f"<h2>{html.escape(title)}</h2>")
        if not lines:
            body.append(f"<p>{html.escape(report.notes.get(name, 'not run'))}</p>")
            continue
        body.append(_summary(lines))
        if name in ("energy-compendium", "energy-studies"):
            body.append(scatter_svg(lines, title.split(":")[0] + ": model vs reference"))
        body.append(_table(lines))
    body.append(_gait(report.gait, report.notes.get("gait", "not run")))
    body.append("</body></html>")
    return "".join(body)
