"""What an athlete's dashboard shows, read in one read transaction.

The weeks' totals (kept on write, ``store.totals``), the latest sessions (the session list's
read model), whether the person has a body mass and whether they are on a program: three
statements on one connection, so the page's cost does not depend on the log's length nor
on how many services it calls. The active program's status and today's prescription are
read in the same read (:func:`retrostride.services.programs.plan_on`) when asked and there is
one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from retrostride.log.listing import SessionPage
from retrostride.services import programs
from retrostride.services.programs import EnrolmentPlan
from retrostride.services.stats import Period, PeriodTotals, from_rows
from retrostride.store import repository as repo
from retrostride.store import session_reads
from retrostride.store import totals as store_totals
from retrostride.store.db import Database


@dataclass(frozen=True, slots=True)
class Dashboard:
    weeks: list[PeriodTotals]
    """The weeks from the one holding ``since`` on, oldest first (weeks without a session left
    out)."""
    latest: SessionPage
    """The newest sessions (with the log's total)."""
    has_mass: bool
    """Whether the person has a body mass (energy can be estimated)."""
    enrolled: bool
    """Whether the person is on a program now."""
    plan: EnrolmentPlan | None = None
    """The active program's plan as of ``today`` when asked (``person``) and enrolled."""


def dashboard(
    database: Database,
    person_id: int,
    *,
    since: date,
    latest: int = 5,
    person: str | None = None,
    today: date | None = None,
) -> Dashboard:
    """The person's weekly totals since ``since``, their ``latest`` newest sessions, and
    whether they have a body mass and an active program, from one read; with ``person`` (the
    same person's name), also the active program's plan as of ``today`` in that read."""
    with database.reading() as session:
        db = session.connection()  # Core statements: no ORM row is built
        weeks = store_totals.period_rows(db, person_id, store_totals.WEEK, since=since)
        page = session_reads.session_page(
            db, person_id, limit=latest, offset=0, newest_first=True
        )
        has_mass, enrolled = repo.person_flags(db, person_id)
        plan = None
        if enrolled and person is not None:
            try:
                plan = programs.plan_on(db, person=person, today=today)
            except programs.NotEnrolled:  # stopped since the flags were read: none to show
                plan = None
    return Dashboard(from_rows(weeks, Period.WEEK), page, has_mass, enrolled, plan)
