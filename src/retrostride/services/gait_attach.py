"""Attach a gait analysis to a logged session: its segments get walking direction and cadence.

Alignment: a bout at ``t`` seconds from the recording's start lies at ``t + offset_s`` seconds
from the session's start. ``offset_s`` is given, or computed from the recording's and the
session's UTC start times, or 0 (the recording is taken to start with the session; the outcome
says so).

For each segment (``start_offset_s`` to ``start_offset_s + elapsed_s``; a segment without
``elapsed_s`` runs to the next segment's start, the last one to the session's end or beyond):

- **direction**: from the bouts overlapping it whose ``direction_confidence`` is at least
  ``min_confidence``, weighted by overlap time. If one direction holds at least
  ``dominance`` (default 0.8) of that time, the segment gets it; else ``mixed``. A segment with no
  such bout keeps its direction (a direction entered by hand is not replaced by "unknown").
- **cadence_spm**: the overlap-weighted mean cadence of the overlapping bouts (steps/min).

The session's energy is then re-estimated (through :func:`retrostride.services.log.edit_session`),
since the energy cost of walking depends on its direction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from retrostride.errors import InputError
from retrostride.gait.result import BoutResult, GaitResult
from retrostride.log.model import Session
from retrostride.science.locomotion import Direction
from retrostride.services.log import (
    DEFAULT_PERSON,
    SessionChanges,
    SessionNotFound,
    edit_session,
)
from retrostride.store import repository as repo
from retrostride.store.db import Database

DEFAULT_MIN_CONFIDENCE = 0.5
"""Bouts whose direction confidence (0-1) is below this count as of unknown direction."""

DEFAULT_DOMINANCE = 0.8
"""Share of a segment's directed walking time one direction needs to name the segment."""


@dataclass(slots=True)
class SegmentGait:
    """What the gait analysis said about one segment (index 0-based; times [s])."""

    index: int
    walking_s: float
    forward_s: float
    backward_s: float
    direction: Direction | None
    """The direction written, or None when the segment kept its own."""
    cadence_spm: float | None


@dataclass(slots=True)
class AttachOutcome:
    """The updated session, the offset used [s], and per-segment details."""

    session: Session
    offset_s: float
    offset_assumed: bool
    segments: list[SegmentGait] = field(default_factory=list)


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def segment_windows(session: Session) -> list[tuple[float, float]]:
    """Each segment's (start, end) from the session's start [s]; ``inf`` for an open end."""
    segs = session.segments
    out: list[tuple[float, float]] = []
    for i, seg in enumerate(segs):
        start = float(seg.start_offset_s)
        if seg.elapsed_s is not None:
            end = start + float(seg.elapsed_s)
        elif i + 1 < len(segs):
            end = float(segs[i + 1].start_offset_s)
        elif session.elapsed_s is not None:
            end = float(session.elapsed_s)
        else:
            end = math.inf
        out.append((start, end))
    return out


def summarise_segment(
    index: int,
    window: tuple[float, float],
    bouts: list[BoutResult],
    offset_s: float,
    *,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    dominance: float = DEFAULT_DOMINANCE,
) -> SegmentGait:
    """Direction and cadence of one segment window from the bouts (see the module docstring)."""
    walking = forward = backward = cadence_time = 0.0
    weighted_cadence = 0.0
    for bout in bouts:
        overlap = _overlap(window[0], window[1], bout.start_s + offset_s, bout.end_s + offset_s)
        if overlap <= 0:
            continue
        walking += overlap
        if math.isfinite(bout.cadence_spm):
            weighted_cadence += bout.cadence_spm * overlap
            cadence_time += overlap
        confident = (
            math.isfinite(bout.direction_confidence)
            and bout.direction_confidence >= min_confidence
        )
        if confident and bout.direction is Direction.FORWARD:
            forward += overlap
        elif confident and bout.direction is Direction.BACKWARD:
            backward += overlap
    direction: Direction | None = None
    directed = forward + backward
    if directed > 0:
        if forward >= dominance * directed:
            direction = Direction.FORWARD
        elif backward >= dominance * directed:
            direction = Direction.BACKWARD
        else:
            direction = Direction.MIXED
    cadence = weighted_cadence / cadence_time if cadence_time > 0 else None
    return SegmentGait(index, walking, forward, backward, direction, cadence)


def attach_gait_result(
    database: Database,
    session_id: int,
    result: GaitResult,
    *,
    offset_s: float | None = None,
    recording_start_utc: datetime | None = None,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    dominance: float = DEFAULT_DOMINANCE,
    person_name: str = DEFAULT_PERSON,
) -> AttachOutcome:
    """Write the direction and cadence ``result`` gives each segment of session ``session_id``.

    Raises ``SessionNotFound`` for an unknown session, ``InputError`` when no bout overlaps the
    session (wrong session or wrong offset) or for a parameter out of range. All or nothing:
    one transaction for the segments, then the energy re-estimate.
    """
    if not 0.0 <= min_confidence <= 1.0:
        raise InputError("min_confidence", min_confidence, "a number from 0 to 1")
    if not 0.5 < dominance <= 1.0:
        raise InputError("dominance", dominance, "a share above 0.5 and at most 1")
    with database.transaction() as db:
        person = repo.get_or_create_person(db, person_name)
        row = repo.get_session_row(db, person.id, session_id)
        if row is None:
            raise SessionNotFound(session_id)
        session = repo.session_to_domain(db, row, with_samples=False)
        assumed = False
        if offset_s is None:
            if recording_start_utc is not None and session.start_utc is not None:
                offset_s = (recording_start_utc - session.start_utc).total_seconds()
            else:
                offset_s, assumed = 0.0, True
        windows = segment_windows(session)
        details = [
            summarise_segment(
                i, w, result.bouts, offset_s, min_confidence=min_confidence, dominance=dominance
            )
            for i, w in enumerate(windows)
        ]
        if result.bouts and not any(d.walking_s > 0 for d in details):
            raise InputError(
                "--session",
                session_id,
                f"a session overlapping the recording's walking (offset {offset_s:.0f} s); "
                "check the session id or the recording's start time",
            )
        for seg_row, detail in zip(row.segments, details, strict=True):
            if detail.direction is not None:
                seg_row.direction = detail.direction.value
            if detail.cadence_spm is not None:
                seg_row.cadence_spm = round(detail.cadence_spm, 2)
    updated = edit_session(database, session_id, SessionChanges(), person_name)
    return AttachOutcome(updated, float(offset_s), assumed, details)
