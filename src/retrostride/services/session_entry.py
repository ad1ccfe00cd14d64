"""A session entered by hand (CLI ``log``, the web's session form, the API's ``POST .../sessions``):
check, estimate, store.

Every door parses what the person typed into a :class:`SessionEntry` (SI units) and calls
:func:`estimate_entry` (the energy before saving; never writes) or :func:`log_entry`: one set of
checks, one stored session. A refusal is an :class:`~retrostride.errors.InputError` naming the
domain field and its value (:class:`SegmentInputError` adds which segment); each door words it.
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


class SegmentInputError(InputError):
    """A refused value of one segment: ``segment`` is its index (0-based) in the entry."""

    def __init__(self, segment: int, field: str, value: object, expected: str) -> None:
        self.segment = segment
        super().__init__(field, value, expected)


@dataclass(frozen=True, slots=True)
class SegmentEntry:
    """One part of the session walked one way: duration [s] and optional distance [m] or
    speed [m/s] (the other is derived, over the moving time), grade [%], carried load [kg],
    sled with plates [kg]; ``moving_s`` [s], the time in motion, is the duration unless given
    (never more than the duration)."""

    duration_s: float
    direction: Direction = Direction.BACKWARD
    distance_m: float | None = None
    speed_m_s: float | None = None
    grade_percent: float | None = None
    load_kg: float | None = None
    sled_kg: float | None = None
    moving_s: float | None = None

    @property
    def moving_time_s(self) -> float:
        """The time in motion [s]: ``moving_s``, else the duration."""
        return self.duration_s if self.moving_s is None else self.moving_s


@dataclass(frozen=True, slots=True)
class SessionEntry:
    """A session as a person describes it; ``surface`` is one of the energy engine's surfaces.
    ``start_utc`` (aware) may be unknown (None), and then so is ``utc_offset_s``."""

    sport: str
    start_utc: datetime | None
    utc_offset_s: int | None
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
    if entry.start_utc is not None and entry.start_utc.utcoffset() is None:
        raise InputError("start_utc", str(entry.start_utc), "a date and time with its zone")
    for name in ("rpe", "pain_before", "pain_after"):
        log_service.check_scale(name, getattr(entry, name))
    for index, seg in enumerate(entry.segments):
        try:
            _check_segment(entry.sport, seg)
        except InputError as exc:
            raise SegmentInputError(index, exc.field, exc.value, exc.expected) from None


def _check_segment(sport: str, seg: SegmentEntry) -> None:
    limits.DURATION_S.check(seg.duration_s)
    if seg.duration_s <= 0:  # the table's lower bound is inclusive; a segment lasts
        raise InputError("duration_s", seg.duration_s, limits.DURATION_S.expected)
    if seg.moving_s is not None and not (
        math.isfinite(seg.moving_s) and 0 < seg.moving_s <= seg.duration_s
    ):
        raise InputError(
            "moving_s", seg.moving_s, f"a moving time above 0 and at most the duration "
            f"({seg.duration_s:g} s)",
        )
    distance = seg.distance_m
    if distance is not None and not (math.isfinite(distance) and distance >= 0):
        raise InputError("distance_m", seg.distance_m, "a distance of 0 m or more")
    for name, bound in _SEGMENT_LIMITS:
        value = getattr(seg, name)
        if value is not None:
            bound.check(value, field=name)
    _check_speed(sport, seg)


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
        and not bound.mask(seg.distance_m / seg.moving_time_s)
    ):
        raise InputError(
            "distance_m",
            seg.distance_m,
            f"a distance covered in {seg.moving_time_s:g} s at {bound.expected}",
        )


def build_session(entry: SessionEntry) -> Session:
    """The log's :class:`Session` for ``entry`` (segments back to back); checks every range.

    A segment's distance is its speed over its moving time, its speed its distance over its
    moving time (the mean speed in motion), whichever was not given."""
    _check(entry)
    segments, offset, moving = [], 0.0, 0.0
    for seg in entry.segments:
        distance_m, speed_m_s = seg.distance_m, seg.speed_m_s
        if distance_m is None and speed_m_s is not None:
            distance_m = speed_m_s * seg.moving_time_s
        if speed_m_s is None and distance_m is not None:
            speed_m_s = distance_m / seg.moving_time_s
        segments.append(Segment(
            start_offset_s=offset, elapsed_s=seg.duration_s, moving_s=seg.moving_time_s,
            distance_m=distance_m, direction=seg.direction, speed_m_s=speed_m_s,
            grade_percent=seg.grade_percent, load_kg=seg.load_kg, sled_kg=seg.sled_kg,
        ))
        offset += seg.duration_s
        moving += seg.moving_time_s
    distances = [s.distance_m for s in segments]
    return Session(
        sport=entry.sport.strip(), start_utc=entry.start_utc, utc_offset_s=entry.utc_offset_s,
        elapsed_s=offset, moving_s=moving,
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
