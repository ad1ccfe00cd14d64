"""A training program as data: its prescription, limits, levels, rules and sources.

A program file (TOML, ``kind = "program"``) says what the evidence prescribes and what is our
choice; :mod:`retrostride.training.loader` reads and validates it into these objects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import time
from typing import Any

from retrostride.science import units

NUMERIC_FIELDS: tuple[str, ...] = (
    "duration_s",
    "speed_m_s",
    "grade_percent",
    "load_kg",
    "sled_kg",
    "body_weight_support_percent",
)
"""Prescription fields the progression rules may change."""

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class Prescription:
    """One session's dose. Durations [s], speeds [m/s] (None: the person's comfortable pace),
    grades [%], loads [kg], body-weight support [% of body weight unloaded]."""

    duration_s: float
    setting: str = "overground"
    direction: str = "backward"
    gait: str = "walk"
    speed_m_s: float | None = None
    grade_percent: float | None = None
    load_kg: float | None = None
    sled_kg: float | None = None
    body_weight_support_percent: float | None = None
    handrails: bool = False
    supervision: str = "none"
    level: int = 0
    note: str = ""

    def get(self, name: str) -> float | None:
        """A numeric field by name."""
        value: float | None = getattr(self, name)
        return value

    def with_value(self, name: str, value: float | None) -> Prescription:
        if name not in NUMERIC_FIELDS:
            raise KeyError(name)
        changes: dict[str, Any] = {name: value}
        return replace(self, **changes)

    def describe(
        self,
        speed_text: Callable[[float], str] = units.format_speed,
        mass_text: Callable[[float], str] = lambda kg: f"{kg:g} kg",
    ) -> str:
        """A one-line human description; ``speed_text`` [m/s] and ``mass_text`` [kg] choose the
        units people read (km/h and kg by default; the web app passes the person's own)."""
        parts = [f"{self.duration_s / 60:.0f} min {self.direction} {self.gait}"]
        if self.speed_m_s is None:
            parts.append("at a comfortable pace")
        else:
            parts.append(f"at {speed_text(self.speed_m_s)}")
        where = self.setting + (" with handrails" if self.handrails else "")
        parts.append(f"({where})")
        if self.grade_percent:
            parts.append(f"incline {self.grade_percent:g}%")
        if self.load_kg:
            parts.append(f"carrying {mass_text(self.load_kg)}")
        if self.sled_kg:
            parts.append(f"dragging a {mass_text(self.sled_kg)} sled")
        if self.body_weight_support_percent:
            parts.append(f"{self.body_weight_support_percent:g}% body weight unloaded")
        if self.supervision != "none":
            parts.append(f"supervision: {self.supervision}")
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Limits:
    """Lower and upper bound per numeric field; the rules never go outside them."""

    bounds: dict[str, tuple[float, float]] = field(default_factory=dict)

    def clamp(self, name: str, value: float | None) -> float | None:
        if value is None or name not in self.bounds:
            return value
        low, high = self.bounds[name]
        return min(max(value, low), high)

    def at_max(self, name: str, value: float | None) -> bool:
        return value is not None and name in self.bounds and value >= self.bounds[name][1] - 1e-9

    def at_min(self, name: str, value: float | None) -> bool:
        return value is not None and name in self.bounds and value <= self.bounds[name][0] + 1e-9


@dataclass(frozen=True, slots=True)
class Level:
    """A stage of a staged program (the beginner's path): its first prescription and limits."""

    name: str
    start: Prescription
    limits: Limits
    description: str = ""


@dataclass(frozen=True, slots=True)
class Exercise:
    """A non-walking exercise that belongs to the program (e.g. usual-care physiotherapy)."""

    name: str
    dose: str
    basis: str
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Source:
    key: str
    citation: str
    doi: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """What part of the program rests on evidence and what is our choice (and why)."""

    item: str
    basis: str
    source: str | None = None
    why: str = ""


@dataclass(frozen=True, slots=True)
class Program:
    """A program: schedule, levels (one for a simple program), rule set, sources."""

    id: str
    version: int
    title: str
    summary: str
    population: str
    weeks: int
    days: tuple[str, ...]
    sport: tuple[str, ...]
    rules: str
    levels: tuple[Level, ...]
    sources: tuple[Source, ...]
    evidence: tuple[EvidenceItem, ...]
    exercises: tuple[Exercise, ...] = ()
    session_time: time = time(9, 0)
    match_window_days: int = 1
    outcomes: tuple[str, ...] = ()
    source_text: str = ""

    @property
    def sessions_per_week(self) -> int:
        return len(self.days)

    @property
    def first_prescription(self) -> Prescription:
        return self.levels[0].start

    def limits_for(self, prescription: Prescription) -> Limits:
        return self.levels[min(prescription.level, len(self.levels) - 1)].limits
