"""A session entered by hand (CLI ``log``, the web's session form): check, estimate, store.

Both doors parse what the person typed into a :class:`SessionEntry` (SI units) and call
:func:`estimate_entry` (the energy before saving; never writes) or :func:`log_entry`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from retrostride.errors import InputError
from retrostride.importers.activity.plausibility import speed_limit
from retrostride.log.model import ENERGY_MODELLED_SPORTS, Segment, Session
from retrostride.science import limits
from retrostride.science.locomotion import Direction, Setting
from retrostride.services import log as log_service
from retrostride.services.session_energy import model_kcal
from retrostride.store.db import Database

MAX_SEGMENTS = 50

_SEGMENT_LIMITS: tuple[tuple[str, limits.Limit], ...] = (
    ("grade_percent", limits.GRADE_PERCENT),
    ("load_kg", limits.LOAD_KG),
    ("sled_kg", limits.SLED_KG),
)
"""Each optional number of a segment and its bound in ``science.limits`` (the one table); the
speed's bound is the sport's (``importers.activity.plausibility.speed_limit``)."""


@dataclass(frozen=True, slots=True)
class SegmentEntry:
    """One part of the session walked one way: duration [s] and optional distance [m] or
    speed [m/s] (the other is derived), grade [%], carried load [kg], sled with plates [kg]."""

    duration_s: float
    direction: Direction = Direction.BACKWARD
    distance_m: float | None = None
    speed_m_s: float | None = None
    grade_percent: float | None = None
    load_kg: float | None = None
    sled_kg: float | None = None


@dataclass(frozen=True, slots=True)
class SessionEntry:
    """A session as a person describes it; ``surface`` is one of the energy engine's surfaces."""

    sport: str
    start_utc: datetime
    utc_offset_s: int
    segments: tuple[SegmentEntry, ...]
    setting: Setting = Setting.OVERGROUND
    surface: str | None = None
    title: str | None = None
    notes: str = ""
    rpe: float | None = None
    pain_before: float | None = None
    pain_after: float | None = None


@dataclass(frozen=True, slots=True)
class EntryEstimate:
    """The energy of an entry before it is saved: kcal, or why there is none (``reason``)."""

    kcal: float | None
    model_version: str | None
    reason: str | None
    duration_s: float
    distance_m: float | None


def _check(entry: SessionEntry) -> None:
    if not entry.sport.strip():
        raise InputError("sport", entry.sport, "a sport such as walking")
    if not 1 <= len(entry.segments) <= MAX_SEGMENTS:
        raise InputError("segments", len(entry.segments), f"1 to {MAX_SEGMENTS} segments")
    if entry.surface is not None and len(entry.surface) > 64:
        raise InputError("surface", entry.surface, "a surface name such as firm or loose-sand")
    for name in ("rpe", "pain_before", "pain_after"):
        log_service.check_scale(name, getattr(entry, name))
    for seg in entry.segments:
        limits.DURATION_S.check(seg.duration_s)
        if seg.duration_s <= 0:  # the table's lower bound is inclusive; a segment lasts
            raise InputError("duration_s", seg.duration_s, limits.DURATION_S.expected)
        distance = seg.distance_m
        if distance is not None and not (math.isfinite(distance) and distance >= 0):
            raise InputError("distance_m", seg.distance_m, "a distance of 0 m or more")
        for name, bound in _SEGMENT_LIMITS:
            value = getattr(seg, name)
            if value is not None:
                bound.check(value, field=name)
        _check_speed(entry.sport, seg)


def _check_speed(sport: str, seg: SegmentEntry) -> None:
    """The speed given, or the one the distance implies, inside the sport's bound."""
    bound = speed_limit(sport)
    if seg.speed_m_s is not None:
        if bound is None:
            if not (math.isfinite(seg.speed_m_s) and seg.speed_m_s >= 0):
                raise InputError("speed_m_s", seg.speed_m_s, "a speed of 0 m/s or more")
        else:
            bound.check(seg.speed_m_s, field="speed_m_s")
    elif (
        seg.distance_m is not None
        and bound is not None
        and not bound.mask(seg.distance_m / seg.duration_s)
    ):
        raise InputError(
            "distance_m",
            seg.distance_m,
            f"a distance covered in {seg.duration_s:g} s at {bound.expected}",
        )


def build_session(entry: SessionEntry) -> Session:
    """The log's :class:`Session` for ``entry`` (segments back to back); checks every range."""
    _check(entry)
    segments, offset = [], 0.0
    for seg in entry.segments:
        distance_m, speed_m_s = seg.distance_m, seg.speed_m_s
        if distance_m is None and speed_m_s is not None:
            distance_m = speed_m_s * seg.duration_s
        if speed_m_s is None and distance_m is not None:
            speed_m_s = distance_m / seg.duration_s
        segments.append(Segment(
            start_offset_s=offset, elapsed_s=seg.duration_s, moving_s=seg.duration_s,
            distance_m=distance_m, direction=seg.direction, speed_m_s=speed_m_s,
            grade_percent=seg.grade_percent, load_kg=seg.load_kg, sled_kg=seg.sled_kg,
        ))
        offset += seg.duration_s
    distances = [s.distance_m for s in segments]
    return Session(
        sport=entry.sport.strip(), start_utc=entry.start_utc, utc_offset_s=entry.utc_offset_s,
        elapsed_s=offset, moving_s=offset,
        distance_m=None if any(d is None for d in distances) else sum(d or 0.0 for d in distances),
        setting=entry.setting, surface=entry.surface, title=entry.title, notes=entry.notes,
        rpe=entry.rpe, pain_before=entry.pain_before, pain_after=entry.pain_after,
        segments=segments,
    )


def estimate_entry(
    database: Database, entry: SessionEntry, person_name: str = log_service.DEFAULT_PERSON
) -> EntryEstimate:
    """The energy the log would store for ``entry`` (nothing is written)."""
    session = build_session(entry)
    person = log_service.get_person(database, person_name)
    modelled = model_kcal(session, person)
    reason = None
    if modelled is None:
        day = session.start_utc.date() if session.start_utc else None
        if day is None or person.mass_on(day) is None:
            reason = "no body mass is recorded for this day"
        elif session.sport not in ENERGY_MODELLED_SPORTS:
            reason = f"the energy model does not cover {session.sport}"
        elif any(s.speed_m_s is None for s in session.segments) and session.sport != "stairs":
            reason = "a speed or distance is needed for every segment"
        else:
            reason = "these conditions are outside the energy model's range"
    return EntryEstimate(
        kcal=modelled[0] if modelled else None, model_version=modelled[1] if modelled else None,
        reason=reason, duration_s=session.elapsed_s or 0.0, distance_m=session.distance_m,
    )


def log_entry(
    database: Database, entry: SessionEntry, person_name: str = log_service.DEFAULT_PERSON
) -> Session:
    """Store ``entry`` in the person's log with its energy; returns the stored session (id set)."""
    return log_service.add_session(database, build_session(entry), person_name)
