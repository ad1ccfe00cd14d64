"""Scripted histories: logged sessions for each planned session of chosen weeks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from retrostride.training.program import Program
from retrostride.training.schedule import LoggedSession, generate_schedule


@dataclass(frozen=True)
class Week:
    """How every planned session of one week went (``done`` False: the week was skipped)."""

    done: bool = True
    pain_before: float | None = 1.0
    pain_after: float | None = 1.0
    rpe: float | None = 4.0
    minutes: float | None = None
    sessions: int | None = None


COMFORTABLE = Week()
SKIPPED = Week(done=False)


def history(program: Program, start: date, weeks: list[Week]) -> list[LoggedSession]:
    """Logged sessions on the planned dates, as ``weeks`` describes."""
    out: list[LoggedSession] = []
    for planned in generate_schedule(program, start):
        if planned.week >= len(weeks):
            break
        spec = weeks[planned.week]
        if not spec.done:
            continue
        done_in_week = sum(1 for s in out if (s.on - start).days // 7 == planned.week)
        if spec.sessions is not None and done_in_week >= spec.sessions:
            continue
        minutes = spec.minutes if spec.minutes is not None else 30.0
        out.append(
            LoggedSession(
                id=len(out) + 1,
                on=planned.on,
                sport=program.sport[0],
                directions=frozenset({"backward"}),
                duration_s=minutes * 60,
                backward_s=minutes * 60,
                rpe=spec.rpe,
                pain_before=spec.pain_before,
                pain_after=spec.pain_after,
            )
        )
    return out
