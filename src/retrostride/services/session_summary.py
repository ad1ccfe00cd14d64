"""A session's summary: speeds and paces, heart rate, cadence, climb, time by direction.

Read from the stored session (its samples where it has them, else its segments). Speeds
in m/s; pace is the surface's wording of speed. "Best" speed is the fastest 60 s rolling mean,
so that one GPS spike is not a record. Elevation gain and loss ignore changes under 1 m
(a hysteresis against altimeter noise). Heart-rate and cadence points outside their physical
limits (flagged at import, kept in the recording) are left out
(``importers.activity.plausibility``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from retrostride.importers.activity.plausibility import plausible
from retrostride.log.model import Session
from retrostride.science.locomotion import Direction
from retrostride.services import log as log_service
from retrostride.store.db import Database

BEST_WINDOW_S = 60.0
CLIMB_THRESHOLD_M = 1.0


@dataclass(frozen=True, slots=True)
class SessionSummary:
    duration_s: float | None
    distance_m: float | None
    avg_speed_m_s: float | None
    best_speed_m_s: float | None
    avg_heart_rate_bpm: float | None
    max_heart_rate_bpm: float | None
    avg_cadence_spm: float | None
    elevation_gain_m: float | None
    elevation_loss_m: float | None
    backward_s: float
    forward_s: float
    other_s: float


def _finite(values: np.ndarray | None) -> np.ndarray | None:
    if values is None:
        return None
    kept = values[np.isfinite(values)]
    return kept if kept.size else None


def climb(altitude: np.ndarray) -> tuple[float, float]:
    """(gain, loss) [m] of an altitude series [m]: steps under 1 m are ignored (hysteresis)."""
    gain = loss = 0.0
    ref = float(altitude[0])
    for value in altitude[1:]:
        step = float(value) - ref
        if step >= CLIMB_THRESHOLD_M:
            gain, ref = gain + step, float(value)
        elif step <= -CLIMB_THRESHOLD_M:
            loss, ref = loss - step, float(value)
    return gain, loss


def _best_speed(time_s: np.ndarray, distance_m: np.ndarray) -> float | None:
    ok = np.isfinite(time_s) & np.isfinite(distance_m)
    t, d = time_s[ok], distance_m[ok]
    if t.size < 2 or t[-1] - t[0] < BEST_WINDOW_S:
        return None
    ends = np.searchsorted(t, t + BEST_WINDOW_S)
    valid = ends < t.size
    if not valid.any():
        return None
    starts = np.nonzero(valid)[0]
    speeds = (d[ends[valid]] - d[starts]) / (t[ends[valid]] - t[starts])
    speeds = speeds[np.isfinite(speeds) & (speeds >= 0)]
    return float(speeds.max()) if speeds.size else None


def summarise(session: Session) -> SessionSummary:
    """The summary of a session (with or without samples)."""
    by_direction = {"backward": 0.0, "forward": 0.0, "other": 0.0}
    for seg in session.segments:
        seconds = seg.moving_s or seg.elapsed_s or 0.0
        key = Direction(seg.direction).value
        by_direction[key if key in by_direction else "other"] += seconds
    duration = session.moving_s or session.elapsed_s
    avg = session.distance_m / duration if session.distance_m and duration else None
    best = hr_avg = hr_max = cad = gain = loss = None
    samples = session.samples
    if samples is not None:
        if samples.distance_m is not None:
            best = _best_speed(np.asarray(samples.time_s), np.asarray(samples.distance_m))
        hr = _finite(
            None
            if samples.heart_rate_bpm is None
            else plausible(session.sport, "heart_rate_bpm", samples.heart_rate_bpm)
        )
        if hr is not None:
            hr_avg, hr_max = float(hr.mean()), float(hr.max())
        cadence = _finite(
            None
            if samples.cadence_spm is None
            else plausible(session.sport, "cadence_spm", samples.cadence_spm)
        )
        if cadence is not None:
            moving = cadence[cadence > 0]
            cad = float(moving.mean()) if moving.size else None
        altitude = _finite(samples.altitude_m)
        if altitude is not None and altitude.size > 1:
            gain, loss = climb(altitude)
    if best is None and session.segments:
        speeds = [s.speed_m_s for s in session.segments if s.speed_m_s is not None]
        best = max(speeds) if speeds else None
    return SessionSummary(
        duration_s=duration, distance_m=session.distance_m, avg_speed_m_s=avg,
        best_speed_m_s=best, avg_heart_rate_bpm=hr_avg, max_heart_rate_bpm=hr_max,
        avg_cadence_spm=cad, elevation_gain_m=gain, elevation_loss_m=loss,
        backward_s=by_direction["backward"], forward_s=by_direction["forward"],
        other_s=by_direction["other"],
    )


def session_summary(
    database: Database, session_id: int, person_name: str = log_service.DEFAULT_PERSON
) -> SessionSummary:
    """The summary of a stored session (raises ``SessionNotFound``)."""
    return summarise(log_service.get_session(database, session_id, person_name))
