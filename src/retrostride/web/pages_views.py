"""The log's views: totals per week, month and year; the calendar of training days; records.

Pages only: the numbers come from ``services.stats`` and ``services.records``; these functions
choose the window, put the numbers in the person's units and draw them.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup

from retrostride.api.database import AppDatabase, ReadDb
from retrostride.api.policy import AthleteId
from retrostride.services import records, stats
from retrostride.web.auth import (
    PageError,
    PagePrincipal,
    nav_base,
    page_subject,
    prefs_of,
    render,
)
from retrostride.web.calendar_svg import LEVELS, heatmap_svg
from retrostride.web.charts import DIRECTION_COLOURS, Bars, bar_chart
from retrostride.web.prefs import Formatter

router = APIRouter(include_in_schema=False)

PERIODS = {"week": "Weeks", "month": "Months", "year": "Years"}
WINDOW = {"week": 26, "month": 24, "year": 10}
"""Periods per page of the totals: half a year of weeks, two years of months, ten years."""
OTHER_COLOUR = "#9bc4e2"
"""The light blue of the time not walked backward (as the dashboard's bars)."""


def _label(row: stats.PeriodTotals, period: stats.Period, fmt: Formatter) -> str:
    day = row.first_day
    if period is stats.Period.YEAR:
        return f"{day.year}"
    if period is stats.Period.MONTH:
        return f"{day:%b %Y}" if fmt.prefs.date_format != "iso" else f"{day:%Y-%m}"
    return f"{day.day} {day:%b %y}" if fmt.prefs.date_format != "iso" else row.period


def _day_param(request: Request, name: str, label: str) -> date | None:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise PageError(422, f"{label}: {raw!r} is not a date (YYYY-MM-DD)") from None


@router.get("/athletes/{athlete_id}/totals")
def totals_page(
    request: Request, athlete_id: AthleteId, principal: PagePrincipal, db: ReadDb,
    database: AppDatabase,
) -> Response:
    """Weekly, monthly or yearly totals: time, distance, backward share and energy."""
    subject = page_subject(db, principal, athlete_id)
    key = request.query_params.get("period", "week")
    if key not in PERIODS:
        raise PageError(422, f"Period: {key!r} is not one of week, month, year")
    period = stats.Period(key)
    fmt = Formatter(prefs_of(request))
    today = fmt.today()
    end = min(_day_param(request, "end", "End") or today, today)
    count = WINDOW[key]
    rows = stats.recent_periods(database, subject.person_id, period, end=end, count=count)
    labels = [_label(r, period, fmt) for r in rows]
    time_chart = bar_chart(
        labels,
        [
            Bars("backward", [r.backward_s / 3600 for r in rows], DIRECTION_COLOURS["backward"]),
            Bars("other", [(r.time_s - r.backward_s) / 3600 for r in rows], OTHER_COLOUR),
        ],
        title=f"Time per {key} (h)", unit="h", digits=1,
        note="The numbers are in the table below.",
    )
    distance_chart = bar_chart(
        labels,
        [Bars("distance", [fmt.distance_value(r.distance_m) for r in rows],
              DIRECTION_COLOURS["backward"])],
        title=f"Distance per {key} ({fmt.prefs.distance_unit})",
        unit=fmt.prefs.distance_unit, digits=1,
    )
    later = stats.earlier_end(end, period, -count)
    for row, label in zip(rows, labels, strict=True):
        row.period = label  # the table's words
    return render(
        request, "totals.html", principal, subject=subject, title="Totals",
        periods=PERIODS, period=key, rows=rows, unit_name=PERIODS[key].lower(), unit_one=key,
        time_chart=time_chart, distance_chart=distance_chart,
        earlier=stats.earlier_end(end, period, count),
        later=None if end >= today else min(later, today),
    )


@router.get("/athletes/{athlete_id}/calendar")
def calendar_page(
    request: Request, athlete_id: AthleteId, principal: PagePrincipal, db: ReadDb,
    database: AppDatabase,
) -> Response:
    """The training days of the last 12 months as a heatmap, and the same days as a table."""
    subject = page_subject(db, principal, athlete_id)
    fmt = Formatter(prefs_of(request))
    today = fmt.today()
    since = today - timedelta(days=364)
    first_monday = since - timedelta(days=since.weekday())
    days = stats.calendar_days(database, subject.person_id, since=first_monday, until=today)
    day_name = fmt.day_namer()

    def describe(day: date) -> str:
        t = days.get(day)
        if t is None:
            return f"{day_name(day)}: no session"
        return (
            f"{day_name(day)}: {t.sessions} session{'' if t.sessions == 1 else 's'}, "
            f"{fmt.duration(t.time_s)}, {fmt.distance(t.distance_m)}"
        )

    months: list[dict[str, Any]] = []
    month_of = None
    for day in sorted(days, reverse=True):
        t = days[day]
        if (day.year, day.month) != month_of:
            month_of = (day.year, day.month)
            months.append({"first": day.replace(day=1), "days": [], "sessions": 0, "time_s": 0.0,
                           "distance_m": 0.0})
        month = months[-1]
        month["days"].append(day)
        month["sessions"] += t.sessions
        month["time_s"] += t.time_s
        month["distance_m"] += t.distance_m
    base = nav_base(subject)  # digits or 'me': nothing to escape
    for month in months:  # the day links built here: 365 of them cost 10x more in the template
        month["links"] = Markup(", ".join(  # dates, day numbers and the base: nothing to escape
            f'<a href="{base}/sessions?from={d.isoformat()}&amp;to={d.isoformat()}">{d.day}</a>'
            for d in reversed(month["days"])
        ))
    trained = len(days)
    summary = (
        f"{trained} training day{'' if trained == 1 else 's'} from {fmt.day(first_monday)} to "
        f"{fmt.day(today)}; the table below lists them by month."
    )
    heatmap = heatmap_svg(
        first_monday, today, {d: (t.time_s, t.sessions) for d, t in days.items()}, describe,
        summary,
    )
    legend = [("no session", LEVELS[0][1]), ("under 20 min", LEVELS[1][1]),
              ("20-40 min", LEVELS[2][1]), ("40-60 min", LEVELS[3][1]),
              ("an hour or more", LEVELS[4][1])]
    return render(
        request, "calendar.html", principal, subject=subject, title="Calendar",
        heatmap=heatmap, months=months, summary=summary, legend=legend, trained=trained,
    )


@router.get("/athletes/{athlete_id}/records")
def records_page(
    request: Request, athlete_id: AthleteId, principal: PagePrincipal, db: ReadDb,
    database: AppDatabase,
) -> Response:
    """Personal records, as kept on every write of the log."""
    subject = page_subject(db, principal, athlete_id)
    best = records.personal_records(database, subject.person_id)
    fmt = Formatter(prefs_of(request))
    per_km = best.fastest_backward_km_s
    return render(
        request, "records.html", principal, subject=subject, title="Records", r=best,
        pace=None if not per_km else fmt.pace(records.FASTEST_KM_MIN_M / per_km),
        min_km=fmt.distance(records.FASTEST_KM_MIN_M), week=timedelta(days=6),
    )
