"""Analyse a recording and attach the analysis to a logged session: the one service for both.

:func:`analyse_file` loads an IMU file (format found by content) and runs the pipeline of its
placement on each of its trials. :func:`attach_analysis` writes what one trial says into a
logged session's segments (walking direction and cadence); a file of several trials (a
Mobilise-D ``data.mat``) is refused unless a trial is chosen. The CLI and the API both call
these two functions.

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
  ``sideways`` (side-stepping) is a gait result only: a segment it dominates gets ``unknown``,
  a note, and its side-stepping time in ``side_stepping_s``, so the session gets no model
  energy (the energy engine has no model of side-stepping; ``services.session_energy``).
- **cadence_spm**: the overlap-weighted mean cadence of the overlapping bouts (steps/min).

The session's energy is then re-estimated (through :func:`retrostride.services.log.edit_session`),
since the energy cost of walking depends on its direction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from retrostride.errors import InputError
from retrostride.gait.recording import FootPair, Placement, Recording
from retrostride.gait.result import SIDEWAYS, BoutResult, GaitResult
from retrostride.log.model import Session
from retrostride.science.locomotion import Direction
from retrostride.services.accounts import AccountGone
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

ACCOUNT_GONE = "the account was deleted meanwhile; nothing was kept"

MIN_SENSOR_HEIGHT_M, MAX_SENSOR_HEIGHT_M = 0.3, 1.5
"""Sensor heights accepted [m]: a lower-back sensor sits at about 0.53 x body height (Winter
2009), 0.3-1.5 m covers children to tall adults."""


@dataclass(slots=True)
class FileAnalysis:
    """The analyses of one file: one per trial (most files hold one).

    ``recordings`` are the analysed recordings (for plots), ``results`` their analyses, in the
    file's order; ``trials`` their names (the part after ``#`` in the source, else the index).
    """

    path: Path
    recordings: list[Recording | FootPair]
    results: list[GaitResult]
    numbers: list[int]
    """Each analysis's trial number in the file (1-based)."""

    @property
    def trials(self) -> list[str]:
        out = []
        for i, r in zip(self.numbers, self.results, strict=True):
            src = str(r.source or "")
            out.append(f"{i} ({src.split('#', 1)[1]})" if "#" in src else str(i))
        return out


def analyse_file(
    path: str | Path,
    *,
    placement: Placement | str | None = None,
    mounting: str | None = None,
    sensor_height_m: float | None = None,
    trial: int | None = None,
) -> FileAnalysis:
    """Load ``path`` (any IMU format, found by content) and analyse each trial (or only
    ``trial``, 1-based) with the pipeline of its placement.

    ``placement`` overrides the format's default; ``mounting`` gives the device axes
    (``'+z,+x,+y'``: anterior, left, up) for formats in device axes; ``sensor_height_m`` the
    lower-back sensor's height. Raises ``FileRefused`` for an unreadable file and
    ``InputError`` for a bad option.
    """
    from retrostride.gait.pipeline import analyze
    from retrostride.importers.imu import load_recording

    place: Placement | None = None
    if placement is not None:
        try:
            place = Placement(placement)
        except ValueError:
            raise InputError("placement", placement, "lower-back, foot or phone") from None
    if sensor_height_m is not None and not (
        MIN_SENSOR_HEIGHT_M <= sensor_height_m <= MAX_SENSOR_HEIGHT_M
    ):
        raise InputError(
            "sensor_height_m",
            sensor_height_m,
            f"a sensor height from {MIN_SENSOR_HEIGHT_M} to {MAX_SENSOR_HEIGHT_M} m",
        )
    loaded = load_recording(path, placement=place, mounting=mounting)
    recordings: list[Recording | FootPair] = (
        list(loaded) if isinstance(loaded, list) else [loaded]
    )
    if not recordings:
        raise InputError("file", str(path), "a file holding at least one recording")
    numbers = list(range(1, len(recordings) + 1))
    if trial is not None:
        if not 1 <= trial <= len(recordings):
            raise InputError("trial", trial, f"a trial from 1 to {len(recordings)}")
        recordings, numbers = [recordings[trial - 1]], [trial]
    results = []
    for rec in recordings:
        if isinstance(rec, Recording) and place is not None and place is not Placement.FOOT:
            rec.placement = place
        lower_back = isinstance(rec, Recording) and rec.placement is Placement.LOWER_BACK
        params = {"sensor_height_m": sensor_height_m} if lower_back and sensor_height_m else {}
        results.append(analyze(rec, **params))
    return FileAnalysis(Path(path), recordings, results, numbers)


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
    sideways_s: float = 0.0
    note: str = ""
    """Why the direction written is not the gait's own (side-stepping), else empty."""


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
    walking = forward = backward = sideways = cadence_time = 0.0
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
        elif confident and bout.direction is SIDEWAYS:
            sideways += overlap
    direction: Direction | None = None
    note = ""
    directed = forward + backward + sideways
    if directed > 0:
        if sideways >= dominance * directed:
            direction = Direction.UNKNOWN
            note = (
                f"side-stepping for {sideways:.0f} s (gait analysis): direction left unknown; "
                "no energy model covers side-stepping"
            )
        elif forward >= dominance * directed:
            direction = Direction.FORWARD
        elif backward >= dominance * directed:
            direction = Direction.BACKWARD
        else:
            direction = Direction.MIXED
    cadence = weighted_cadence / cadence_time if cadence_time > 0 else None
    return SegmentGait(
        index, walking, forward, backward, direction, cadence, sideways_s=sideways, note=note
    )


def _chosen(
    analysis: FileAnalysis | GaitResult, trial: int | None
) -> tuple[GaitResult, datetime | None]:
    """The one analysis to attach and its recording's start time (if its format has one): a
    file of several trials needs ``trial`` (1-based)."""
    if isinstance(analysis, GaitResult):
        return analysis, None
    if trial is None:
        if len(analysis.results) != 1:
            raise InputError(
                "trial",
                None,
                f"one of the file's {len(analysis.results)} trials "
                f"({', '.join(analysis.trials)}) to attach",
            )
        k = 0
    elif trial in analysis.numbers:
        k = analysis.numbers.index(trial)
    else:
        raise InputError("trial", trial, f"one of the trials {analysis.numbers}")
    rec = analysis.recordings[k]
    own = rec.left if isinstance(rec, FootPair) else rec
    return analysis.results[k], own.start_utc


def attach_analysis(
    database: Database,
    session_id: int,
    analysis: FileAnalysis | GaitResult,
    *,
    trial: int | None = None,
    offset_s: float | None = None,
    recording_start_utc: datetime | None = None,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    dominance: float = DEFAULT_DOMINANCE,
    person_name: str = DEFAULT_PERSON,
    create_person: bool = True,
) -> AttachOutcome:
    """Write the direction and cadence the analysis gives each segment of ``session_id``.

    The recording's place in the session: ``offset_s`` (seconds from the session's start to the
    recording's), else ``recording_start_utc`` (or the recording's own start time, when its
    format records one) against the session's start, else 0 (said in the outcome). A file of
    several trials needs ``trial`` (1-based). Raises ``SessionNotFound`` for an unknown
    session, ``InputError`` when no bout overlaps the session (wrong session or wrong offset),
    for a multi-trial file without a trial or for a parameter out of range. All or nothing:
    one transaction for the segments, then the energy re-estimate.

    ``create_person=False`` (an account's analysis): when the person is gone (the account was
    deleted meanwhile), :class:`~retrostride.services.accounts.AccountGone` is raised inside the
    transaction and nothing is written (deletion wins).
    """
    if offset_s is not None and not math.isfinite(offset_s):
        raise InputError("offset_s", offset_s, "a finite number of seconds")
    if recording_start_utc is not None and recording_start_utc.tzinfo is None:
        raise InputError(
            "recording_start_utc", recording_start_utc.isoformat(), "a time with its zone"
        )
    result, own_start = _chosen(analysis, trial)
    if recording_start_utc is None:
        recording_start_utc = own_start
    if not 0.0 <= min_confidence <= 1.0:
        raise InputError("min_confidence", min_confidence, "a number from 0 to 1")
    if not 0.5 < dominance <= 1.0:
        raise InputError("dominance", dominance, "a share above 0.5 and at most 1")
    with database.transaction() as db:
        if create_person:
            person = repo.get_or_create_person(db, person_name)
        else:
            found = repo.find_person(db, person_name)
            if found is None:  # deleted meanwhile: never bring the person back
                raise AccountGone(ACCOUNT_GONE)
            person = found
            repo.lock_person_log(db, person.id)
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
                "session_id",
                session_id,
                f"a session overlapping the recording's walking (offset {offset_s:.0f} s); "
                "check the session id or the recording's start time",
            )
        notes = [f"segment {d.index + 1}: {d.note}" for d in details if d.note]
        if notes:
            row.notes = "\n".join(x for x in (row.notes or "", *notes) if x)
        for seg_row, detail in zip(row.segments, details, strict=True):
            if detail.direction is not None:
                seg_row.direction = detail.direction.value
                seg_row.side_stepping_s = detail.sideways_s if detail.note else None
            if detail.cadence_spm is not None:
                seg_row.cadence_spm = round(detail.cadence_spm, 2)
    updated = edit_session(database, session_id, SessionChanges(), person_name)
    return AttachOutcome(updated, float(offset_s), assumed, details)
