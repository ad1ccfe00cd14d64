"""web.session_rows writes the markup the list's template wrote, every value escaped."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import Environment, select_autoescape

from retrostride.log.listing import SessionSummary
from retrostride.web.prefs import Formatter, Prefs
from retrostride.web.session_rows import session_rows

OLD_TEMPLATE = """<ul class="session-list">
{% for s in sessions %}
  <li class="session-item">
    <a href="{{ nav.base }}/sessions/{{ s.id }}">
      <span class="session-title">{{ s.title or (s.sport|replace('_', ' ')|capitalize) }}</span>
      <span class="session-when">{{ fmt.when(s.start_utc) }}</span>
    </a>
    <span class="badge badge-{{ s.direction }}">{{ s.direction }}</span>
    <span class="session-figures">{{ fmt.duration(s.moving_s or s.elapsed_s) }} · {{ fmt.distance(s.distance_m) }} · {{ fmt.kcal(s.energy_kcal) }}</span>
  </li>
{% endfor %}
</ul>
"""  # noqa: E501  (the template as it was, to compare with)
_ENV = Environment(autoescape=select_autoescape(["html"], default=True), trim_blocks=True,
                   lstrip_blocks=True)


def _summary(**values: Any) -> SessionSummary:
    base = {f.name: None for f in dataclasses.fields(SessionSummary)}
    base.update(offset_assumed=False, recovered=False, setting="treadmill", direction="unknown")
    base.update(values)
    return SessionSummary(**base)


def test_a_title_and_a_sport_are_escaped() -> None:
    fmt = Formatter(Prefs())
    html = session_rows(
        [_summary(id=1, sport="nordic_walking", title='<b>"Tom" & Jerry</b>'),
         _summary(id=2, sport="nordic_walking<i>")], "/athletes/me", fmt,
    )
    assert "&lt;b&gt;&#34;Tom&#34; &amp; Jerry&lt;/b&gt;" in html
    assert "Nordic walking&lt;i&gt;" in html
    assert "<b>" not in html and "<i>" not in html


@settings(max_examples=60, deadline=None)
@given(st.lists(st.fixed_dictionaries({
    "id": st.integers(1, 10**9),
    "sport": st.sampled_from(["walking", "nordic_walking", "treadmill_<run>", "a&b"]),
    "title": st.one_of(st.none(), st.just(""), st.text(max_size=12)),
    "start_utc": st.one_of(st.none(), st.datetimes(
        min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC))),
    "elapsed_s": st.one_of(st.none(), st.floats(0, 1e5)),
    "moving_s": st.one_of(st.none(), st.floats(0, 1e5)),
    "distance_m": st.one_of(st.none(), st.floats(0, 1e6)),
    "energy_kcal": st.one_of(st.none(), st.floats(0, 1e4)),
    "direction": st.sampled_from(["backward", "forward", "mixed", "unknown", "<x>"]),
}), max_size=4), st.sampled_from(["/athletes/me", "/athletes/12"]),
   st.sampled_from([Prefs(), Prefs("mph", "lb", "Europe/Paris", "iso")]))
def test_the_rows_equal_the_templates_rendering(
    rows: list[dict[str, Any]], base: str, prefs: Prefs
) -> None:
    sessions = [_summary(**r) for r in rows]
    fmt = Formatter(prefs)
    expected = _ENV.from_string(OLD_TEMPLATE).render(
        sessions=sessions, nav={"base": base}, fmt=fmt
    )
    assert str(session_rows(sessions, base, fmt)) == expected
