"""A session's charts: the service's series (:mod:`retrostride.services.session_view`) put
into the person's units and drawn by :mod:`retrostride.web.charts`. Translation only."""

from __future__ import annotations

from markupsafe import Markup

from retrostride.services.session_view import Axis, SessionView
from retrostride.web.charts import DIRECTION_COLOURS, Line, Shade, XAxis, line_chart, track_svg
from retrostride.web.prefs import Formatter

COLOURS = {
    "speed": "#1a1a1a",
    "heart_rate": "#a4002c",
    "cadence": "#2c5e1a",
    "elevation": "#5c4320",
}
"""Line colours (each at least 4.5:1 against white and against the light direction shades)."""


def session_charts(view: SessionView, fmt: Formatter) -> dict[str, Markup]:
    """Speed (with pace in the read-out), heart rate, cadence and elevation against the view's
    axis, and the track; a chart is empty markup when the session lacks its channel."""
    out = {"speed": Markup(""), "heart_rate": Markup(""), "cadence": Markup(""),
           "elevation": Markup(""), "track": Markup("")}
    if view.track is not None:
        out["track"] = track_svg(*view.track)
    s = view.series
    if s is None:
        return out
    axis = XAxis("min") if s.axis is Axis.TIME else XAxis(fmt.prefs.distance_unit)
    shades = [
        Shade(span.start, span.end, span.direction,
              DIRECTION_COLOURS.get(span.direction, DIRECTION_COLOURS["unknown"]),
              0.06 if span.direction == "unknown" else 0.16)
        for span in s.spans
    ]
    against = "time" if s.axis is Axis.TIME else "distance"

    def chart(line: Line, zero: bool = False) -> Markup:
        return line_chart(
            s.x, [line], title=f"{line.label} ({line.unit}) against {against}", axis=axis,
            shades=shades, group="session", legend=False, zero=zero,
        )

    if s.speed_m_s is not None:
        out["speed"] = chart(
            Line("Speed", s.speed_m_s * fmt.speed_value(1.0), fmt.prefs.speed_unit,
                 COLOURS["speed"], pace=fmt.prefs.distance_unit), zero=True)
    if s.heart_rate_bpm is not None:
        out["heart_rate"] = chart(
            Line("Heart rate", s.heart_rate_bpm, "beats/min", COLOURS["heart_rate"], 0))
    if s.cadence_spm is not None:
        out["cadence"] = chart(
            Line("Cadence", s.cadence_spm, "steps/min", COLOURS["cadence"], 0))
    if s.altitude_m is not None:
        out["elevation"] = chart(
            Line("Elevation", s.altitude_m * fmt.elevation_value(1.0), fmt.elevation_unit,
                 COLOURS["elevation"], 0))
    return out
