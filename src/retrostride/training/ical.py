"""Export a program's plan as an iCalendar file (RFC 5545) with the ``icalendar`` library.

One VEVENT per planned session, with a UID stable across exports (the enrolment's UID, the week
and the session index), DTSTAMP, DTSTART in the person's time zone (with its VTIMEZONE), a
DURATION, the prescription in the summary and the fall-risk guidance in the description. Weeks not
decided yet carry the latest prescription and say that the rules may change it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

from retrostride.training.plan import ProgramPlan
from retrostride.training.safety import fall_risk_guidance


def plan_to_ical(
    plan: ProgramPlan,
    *,
    uid_base: str,
    time_zone: str,
    stamp: datetime,
    restrictions: tuple[str, ...] = (),
) -> bytes:
    """The plan as iCalendar bytes. ``stamp`` (aware) becomes every event's DTSTAMP."""
    zone = ZoneInfo(time_zone)
    program = plan.program
    cal = icalendar.Calendar()
    cal.add("prodid", "-//retrostride//programs//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"retrostride: {program.title}")
    for week in plan.weeks:
        tentative = week.status in ("future", "current") and week.week > 0
        for match in week.matches:
            p = week.prescription
            event = icalendar.Event()
            event.add("uid", f"{uid_base}-w{week.week + 1}-s{match.planned.index + 1}@retrostride")
            event.add("dtstamp", stamp)
            start = datetime.combine(match.planned.on, program.session_time, tzinfo=zone)
            event.add("dtstart", start)
            event.add("duration", timedelta(seconds=max(p.duration_s, 60.0)))
            event.add("summary", f"Backward walking, week {week.week + 1}: {p.describe()}")
            lines = [f"{program.title} (week {week.week + 1} of {program.weeks})", p.describe()]
            if tentative:
                lines.append(
                    "This week's dose may change: the progression rules decide it "
                    "from the week before. Check `retrostride program today`."
                )
            if week.status == "paused":
                lines.append("PAUSED: the rules asked for a review by your clinician.")
            lines.extend(f"Also: {e.name} ({e.dose})" for e in program.exercises)
            lines.append("Safety:")
            lines.extend(f"- {g}" for g in fall_risk_guidance(p, restrictions))
            event.add("description", "\n".join(lines))
            event.add("categories", ["retrostride", "exercise"])
            cal.add_component(event)
    cal.add_missing_timezones()
    data: bytes = cal.to_ical()
    return data
