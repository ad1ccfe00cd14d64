"""Week by week: what was prescribed, what was done, what the rules decided, and adherence.

:func:`build_plan` is pure: the same program, start date, logged sessions and day give the same
plan. A week is judged once it has ended; its summary decides the next week's prescription. A
``pause`` decision holds the program for review by a clinician from then on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from statistics import fmean

from retrostride.training.program import Prescription, Program
from retrostride.training.rules import Decision, RuleSet, WeekSummary, decide
from retrostride.training.safety import allowed
from retrostride.training.schedule import (
    LoggedSession,
    Match,
    PlannedSession,
    generate_schedule,
    match_sessions,
    week_start,
)


@dataclass(frozen=True, slots=True)
class WeekPlan:
    """One week: its dates, prescription, the decision that set it, and what happened."""

    week: int
    start: date
    end: date
    prescription: Prescription
    decision: Decision | None
    matches: tuple[Match, ...]
    summary: WeekSummary | None
    status: str
    """``done`` (ended), ``current``, ``future``; ``paused`` when held for review."""

    @property
    def planned_minutes(self) -> float:
        return len(self.matches) * self.prescription.duration_s / 60.0


@dataclass(frozen=True, slots=True)
class Adherence:
    """Planned sessions due by the day, sessions done, and the dose done [min]."""

    due: int
    completed: int
    minutes_due: float
    minutes_done: float

    @property
    def fraction(self) -> float | None:
        return None if self.due == 0 else self.completed / self.due

    @property
    def dose_fraction(self) -> float | None:
        return None if self.minutes_due == 0 else min(self.minutes_done / self.minutes_due, 9.99)


@dataclass(frozen=True, slots=True)
class ProgramPlan:
    program: Program
    start: date
    today: date
    weeks: tuple[WeekPlan, ...]
    unmatched: tuple[LoggedSession, ...]

    @property
    def paused(self) -> bool:
        return any(w.status == "paused" for w in self.weeks)

    @property
    def flags(self) -> tuple[WeekPlan, ...]:
        """Weeks whose decision asks a clinician to review the program (a fall was logged)."""
        return tuple(w for w in self.weeks if w.decision is not None and w.decision.flagged)

    @property
    def pause_decision(self) -> Decision | None:
        """The decision that paused the program, if it is paused."""
        for week in self.weeks:
            if week.status == "paused":
                return week.decision
        return None

    @property
    def finished(self) -> bool:
        return self.today > self.weeks[-1].end

    def week_of_day(self, day: date) -> WeekPlan | None:
        for week in self.weeks:
            if week.start <= day <= week.end:
                return week
        return None

    def current_prescription(self) -> Prescription:
        week = self.week_of_day(self.today)
        if week is not None:
            return week.prescription
        return self.weeks[-1 if self.today > self.weeks[-1].end else 0].prescription

    def session_on(self, day: date) -> tuple[WeekPlan, Match] | None:
        """The planned session on ``day`` (with its week), if any."""
        week = self.week_of_day(day)
        if week is None:
            return None
        for match in week.matches:
            if match.planned.on == day:
                return week, match
        return None

    def adherence(self, up_to: date | None = None) -> Adherence:
        """Adherence over the planned sessions dated on or before ``up_to`` (default today)."""
        day = up_to or self.today
        due = completed = 0
        minutes_due = minutes_done = 0.0
        for week in self.weeks:
            for match in week.matches:
                if match.planned.on > day:
                    continue
                due += 1
                minutes_due += week.prescription.duration_s / 60.0
                if match.logged is not None:
                    completed += 1
                    minutes_done += (match.logged.done_s or 0.0) / 60.0
        return Adherence(due, completed, minutes_due, minutes_done)


def summarise_week(
    week: int, matches: Sequence[Match], prescription: Prescription, skipped_before: int
) -> WeekSummary:
    """The metrics of one ended week (see :data:`retrostride.training.rules.METRICS`)."""
    done = [m.logged for m in matches if m.logged is not None]
    planned = len(matches)
    befores = [s.pain_before for s in done if s.pain_before is not None]
    afters = [s.pain_after for s in done if s.pain_after is not None]
    rises = [
        s.pain_after - s.pain_before
        for s in done
        if s.pain_after is not None and s.pain_before is not None
    ]
    rpes = [s.rpe for s in done if s.rpe is not None]
    events = [s.safety_event for s in done]
    doses = [min(1.0, (s.done_s or 0.0) / prescription.duration_s) for s in done]
    skipped = 1.0 if planned and not done else 0.0
    metrics: dict[str, float | None] = {
        "planned": float(planned),
        "completed": float(len(done)),
        "completion": len(done) / planned if planned else None,
        "dose_completion": sum(doses) / planned if planned else None,
        "skipped": skipped,
        "consecutive_skipped_weeks": float(skipped_before + 1) if skipped else 0.0,
        "pain_before_max": max(befores) if befores else None,
        "pain_after_max": max(afters) if afters else None,
        "pain_after_mean": fmean(afters) if afters else None,
        "pain_increase_max": max(rises) if rises else None,
        "pain_reports": float(len(afters)),
        "pain_missing": float(len(done) - len(afters)),
        "rpe_reports": float(len(rpes)),
        "rpe_missing": float(len(done) - len(rpes)),
        "falls": float(events.count("fall")),
        "near_falls": float(events.count("near-fall")),
        "stumbles": float(events.count("stumble")),
        "rpe_mean": fmean(rpes) if rpes else None,
        "rpe_max": max(rpes) if rpes else None,
    }
    return WeekSummary(week, metrics)


def build_plan(
    program: Program,
    rule_set: RuleSet,
    start: date,
    logged: Sequence[LoggedSession],
    today: date,
    restrictions: tuple[str, ...] = (),
) -> ProgramPlan:
    """The whole plan as of ``today``: prescriptions decided week by week from the log.

    ``restrictions`` (from the safety screening) keep the person off levels they forbid.
    """
    schedule = generate_schedule(program, start)
    direction = program.first_prescription.direction
    matches, unmatched = match_sessions(
        schedule,
        logged,
        sports=program.sport,
        direction=direction,
        window_days=program.match_window_days,
    )
    by_week: dict[int, list[Match]] = {}
    for m in matches:
        by_week.setdefault(m.planned.week, []).append(m)
    prescription = program.first_prescription
    decision: Decision | None = None
    paused = False
    skipped_run = 0
    weeks_at = 0
    weeks: list[WeekPlan] = []
    for w in range(program.weeks):
        first = week_start(start, w)
        last = first + timedelta(days=6)
        week_matches = tuple(by_week.get(w, []))
        ended = today > last
        if paused:
            status = "paused"
        elif ended:
            status = "done"
        elif first <= today:
            status = "current"
        else:
            status = "future"
        summary = None
        if ended and not paused:
            summary = summarise_week(w, week_matches, prescription, skipped_run)
            summary.metrics["weeks_at_prescription"] = float(weeks_at + 1)
        weeks.append(
            WeekPlan(w, first, last, prescription, decision, week_matches, summary, status)
        )
        if summary is None:
            decision = None  # later weeks are not decided yet: they carry this prescription
            continue
        skipped_run = int(summary.metrics["consecutive_skipped_weeks"] or 0)
        decision = decide(program, rule_set, prescription, summary)
        broken = allowed(decision.prescription, restrictions)
        if broken and decision.prescription.level != prescription.level:
            # the screening's restrictions forbid the next level: stay, and say why
            note = (
                f"level {decision.prescription.level + 1} needs clearance by a health "
                f"professional ({', '.join(broken)}): staying on this level"
            )
            decision = replace(
                decision, prescription=prescription, messages=(*decision.messages, note)
            )
        weeks_at = 0 if decision.prescription != prescription else weeks_at + 1
        prescription = decision.prescription
        paused = decision.paused
    return ProgramPlan(program, start, today, tuple(weeks), tuple(unmatched))


__all__ = [
    "Adherence",
    "PlannedSession",
    "ProgramPlan",
    "WeekPlan",
    "build_plan",
    "summarise_week",
]
