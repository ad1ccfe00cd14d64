"""Progression rules as data, and the engine that applies them to a week of logged sessions.

A rule set (``kind = "rules"`` file) is an ordered list of rules; the first rule whose conditions
all hold decides the next week's prescription. A condition compares a metric of the week just
finished (see :class:`WeekSummary`) with a value; an action changes a prescription field (``add``,
``scale``, ``set``; only fields the level gives limits for change, and never beyond them), moves
between levels (``level``), keeps the prescription (``hold``), pauses the program for review
(``pause``) or flags the week for the clinician (``flag``). No rule is written in code for one
program.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field

from retrostride.training.program import Limits, Prescription, Program

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}

METRICS: dict[str, str] = {
    "planned": "sessions planned in the week",
    "completed": "planned sessions matched by a logged session",
    "completion": "completed / planned (0-1)",
    "dose_completion": "mean of logged / prescribed backward duration over planned sessions (0-1)",
    "skipped": "1 if no planned session of the week was done, else 0",
    "consecutive_skipped_weeks": "weeks in a row, ending with this one, with no session done",
    "pain_before_max": "highest pain (NRS 0-10) reported before a session",
    "pain_after_max": "highest pain (NRS 0-10) reported after a session",
    "pain_after_mean": "mean pain after sessions",
    "pain_increase_max": "largest pain after minus pain before in one session",
    "pain_reports": "sessions with a pain-after report",
    "pain_missing": "sessions done without a pain-after report",
    "rpe_reports": "sessions with an RPE report",
    "rpe_missing": "sessions done without an RPE report",
    "falls": "sessions with a fall reported",
    "near_falls": "sessions with a near-fall reported",
    "stumbles": "sessions with a stumble reported",
    "rpe_mean": "mean RPE (CR-10)",
    "rpe_max": "highest RPE (CR-10)",
    "level": "current level (0 = first)",
    "is_last_level": "1 on the program's last level, else 0",
    "weeks_at_prescription": "weeks the current prescription has been unchanged",
}
"""Metric names a condition may use; also ``at_max:<field>`` and ``at_min:<field>`` (1 or 0)."""

ACTIONS = ("add", "scale", "set", "level", "hold", "pause", "flag")


@dataclass(frozen=True, slots=True)
class Condition:
    metric: str
    op: str
    value: float

    def holds(self, metrics: dict[str, float | None]) -> bool:
        observed = metrics.get(self.metric)
        if observed is None:
            return False
        return OPERATORS[self.op](observed, self.value)

    def describe(self) -> str:
        return f"{self.metric} {self.op} {self.value:g}"


@dataclass(frozen=True, slots=True)
class Action:
    """``kind`` in :data:`ACTIONS`; ``field`` is a prescription attribute (``duration_s``...);
    ``amount`` is in SI (add, set), a factor (scale) or a level step (level)."""

    kind: str
    field: str | None = None
    amount: float = 0.0
    message: str = ""


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    when: tuple[Condition, ...]
    then: tuple[Action, ...]
    because: str
    when_any: tuple[Condition, ...] = ()

    def matches(self, metrics: dict[str, float | None]) -> bool:
        if not all(c.holds(metrics) for c in self.when):
            return False
        return not self.when_any or any(c.holds(metrics) for c in self.when_any)


@dataclass(frozen=True, slots=True)
class RuleSet:
    id: str
    description: str
    source: str
    rules: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class WeekSummary:
    """What happened in one planned week, as the metrics the rules read."""

    week: int
    metrics: dict[str, float | None]


@dataclass(frozen=True, slots=True)
class Decision:
    """The rules' answer for the next week: which rule, why, and the new prescription."""

    rule: str
    because: str
    prescription: Prescription
    changes: tuple[str, ...] = ()
    paused: bool = False
    messages: tuple[str, ...] = field(default_factory=tuple)
    flagged: bool = False
    """True when the rule asks a clinician to review the program (a fall, for example)."""


def prescription_metrics(program: Program, prescription: Prescription) -> dict[str, float | None]:
    """Metrics about the current prescription (level, limits reached)."""
    limits = program.limits_for(prescription)
    out: dict[str, float | None] = {
        "level": float(prescription.level),
        "is_last_level": float(prescription.level >= len(program.levels) - 1),
    }
    for name in limits.bounds:
        value = prescription.get(name)
        out[f"at_max:{name}"] = float(limits.at_max(name, value))
        out[f"at_min:{name}"] = float(limits.at_min(name, value))
    return out


def _apply(
    program: Program, prescription: Prescription, action: Action
) -> tuple[Prescription, str | None]:
    if action.kind == "level":
        target = min(max(prescription.level + int(action.amount), 0), len(program.levels) - 1)
        if target == prescription.level:
            return prescription, None
        level = program.levels[target]
        return level.start, f"level {prescription.level + 1} -> {target + 1} ({level.name})"
    if action.kind in ("hold", "pause", "flag") or action.field is None:
        return prescription, None
    name = action.field
    limits: Limits = program.limits_for(prescription)
    if name not in limits.bounds:
        return prescription, None  # a field without limits in this level is fixed
    current = prescription.get(name)
    if action.kind == "set":
        new: float | None = action.amount
    elif current is None:
        return prescription, None  # a self-selected value has nothing to add to or scale
    elif action.kind == "add":
        new = current + action.amount
    else:
        new = current * action.amount
    new = limits.clamp(name, new)
    if new is not None and current is not None and abs(new - current) < 1e-9:
        return prescription, None
    return prescription.with_value(name, new), f"{name}: {current} -> {new}"


def decide(
    program: Program, rule_set: RuleSet, prescription: Prescription, summary: WeekSummary
) -> Decision:
    """Apply the first matching rule of ``rule_set`` to the week ``summary``."""
    metrics = {**summary.metrics, **prescription_metrics(program, prescription)}
    for rule in rule_set.rules:
        if not rule.matches(metrics):
            continue
        new = prescription
        changes: list[str] = []
        messages: list[str] = []
        paused = flagged = False
        for action in rule.then:
            new, change = _apply(program, new, action)
            if change:
                changes.append(change)
            if action.kind == "pause":
                paused = True
            if action.kind == "flag":
                flagged = True
            if action.message:
                messages.append(action.message)
        return Decision(
            rule.name, rule.because, new, tuple(changes), paused, tuple(messages), flagged
        )
    return Decision("none", "no rule matched: the prescription is kept", prescription)
