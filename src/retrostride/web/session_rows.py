"""The session list's rows (the dashboard's latest sessions and the sessions page) as HTML.

Built in Python rather than in ``_session_rows.html``: the template engine spent about 80
function calls a row (attribute lookups, filter and call wrappers, one escape per value), the
largest share of the sessions page's CPU; this writes the same markup, every value escaped.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

from retrostride.log.listing import SessionSummary
from retrostride.web.prefs import Formatter


def session_rows(sessions: Iterable[SessionSummary], base: str, fmt: Formatter) -> Markup:
    """``<ul class="session-list">`` with one item per session: its title (else its sport),
    start in the person's zone, direction badge, duration, distance and energy."""
    out = ['<ul class="session-list">\n']
    base = escape(base)
    for s in sessions:
        title = escape(s.title) if s.title else escape(s.sport).replace("_", " ").capitalize()
        direction = escape(s.direction)
        out.append(
            f'  <li class="session-item">\n'
            f'    <a href="{base}/sessions/{escape(s.id)}">\n'
            f'      <span class="session-title">{title}</span>\n'
            f'      <span class="session-when">{escape(fmt.when(s.start_utc))}</span>\n'
            f"    </a>\n"
            f'    <span class="badge badge-{direction}">{direction}</span>\n'
            f'    <span class="session-figures">{escape(fmt.duration(s.moving_s or s.elapsed_s))}'
            f" · {escape(fmt.distance(s.distance_m))} · {escape(fmt.kcal(s.energy_kcal))}</span>\n"
            f"  </li>\n"
        )
    out.append("</ul>")
    return Markup("".join(out))  # every value above is escaped
