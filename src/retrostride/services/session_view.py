"""What a session's page shows, read once (:func:`session_view`): summary, laps, splits and the
series of its charts.

The series are against time [s from the start] or distance [m along the session]. Speed is the
device's speed channel, else the slope of the cumulative distance over time; values outside the
sport's plausible range (:mod:`retrostride.science.limits`) are blanked (NaN), not clipped, so
that one GPS spike does not flatten the chart. Direction spans (the session's segments) are given
on the same axis.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from retrostride.log.model import ExactArray, Session
from retrostride.science import limits
from retrostride.services import track_privacy
from retrostride.services.log import SessionNotFound
from retrostride.services.session_splits import Stretch, session_stretches
from retrostride.services.session_summary import SessionSummary, summarise
from retrostride.store import session_reads
from retrostride.store.db import Database

FloatArray = npt.NDArray[np.float64]


class Axis(StrEnum):
    """What the charts' horizontal axis measures."""

    TIME = "time"
    DISTANCE = "distance"


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the axis [s or m] walked in one direction."""

    start: float
    end: float
    direction: str


@dataclass(frozen=True, slots=True)
class ChartSeries:
    """The sample channels against one axis; a channel is None when the session lacks it.

    ``x`` is seconds from the start (:attr:`Axis.TIME`) or metres along the session
    (:attr:`Axis.DISTANCE`); every channel has its length. Speed [m/s], heart rate
    [beats/min], cadence [steps/min], altitude [m].
    """

    axis: Axis
    x: FloatArray
    speed_m_s: FloatArray | None
    heart_rate_bpm: FloatArray | None
    cadence_spm: FloatArray | None
    altitude_m: FloatArray | None
    spans: tuple[Span, ...]


def _channel(values: ExactArray | None) -> FloatArray | None:
    if values is None:
        return None
    array = np.asarray(values, float)
    return array if np.isfinite(array).any() else None


def speed_limit(sport: str) -> limits.Limit:
    """The plausible speed range of a sport (on foot unless the limits name the sport)."""
    return limits.LIMITS.get(f"{sport}_speed_m_s", limits.SPEED_M_S)


def sample_speed(session: Session) -> FloatArray | None:
    """Speed [m/s] at each sample: the recorded channel, else the distance's slope over time;
    NaN outside the sport's plausible range. None without speed or distance."""
    s = session.samples
    if s is None:
        return None
    speed = _channel(s.speed_m_s)
    distance = _channel(s.distance_m)
    t = np.asarray(s.time_s, float)
    if speed is None and distance is not None and np.isfinite(t).sum() > 2:
        with np.errstate(invalid="ignore", divide="ignore"):
            speed = np.gradient(distance, t)
    if speed is None:
        return None
    ok = speed_limit(session.sport).mask(speed)
    return np.where(ok, speed, np.nan)


def has_distance_axis(session: Session) -> bool:
    """Whether the samples carry a cumulative distance (charts can be drawn against it)."""
    s = session.samples
    if s is None or s.distance_m is None:
        return False
    d = np.asarray(s.distance_m, float)
    finite = d[np.isfinite(d)]
    return finite.size >= 2 and float(finite.max() - finite.min()) > 0


def chart_series(session: Session, axis: Axis = Axis.TIME) -> ChartSeries | None:
    """The session's channels against ``axis`` (None without samples, or without a distance
    channel when ``axis`` is distance)."""
    s = session.samples
    if s is None or not np.isfinite(np.asarray(s.time_s, float)).any():
        return None
    t = np.asarray(s.time_s, float)
    spans_s = []
    for seg in session.segments:
        start = seg.start_offset_s or 0.0
        length = seg.elapsed_s or seg.moving_s
        if length:
            spans_s.append((start, start + float(length), str(seg.direction.value)))
    if axis is Axis.TIME:
        x = t
        spans = tuple(Span(a, b, d) for a, b, d in spans_s)
    else:
        if not has_distance_axis(session):
            return None
        assert s.distance_m is not None
        d = np.asarray(s.distance_m, float)
        ok = np.isfinite(t) & np.isfinite(d)
        along = np.maximum.accumulate(np.where(ok, d, -np.inf))  # non-decreasing
        x = np.where(ok, along, np.nan)
        tt, dd = t[ok], along[ok]
        spans = tuple(
            Span(float(np.interp(a, tt, dd)), float(np.interp(b, tt, dd)), direction)
            for a, b, direction in spans_s
        )
    return ChartSeries(
        axis=axis, x=x, speed_m_s=sample_speed(session),
        heart_rate_bpm=_channel(s.heart_rate_bpm), cadence_spm=_channel(s.cadence_spm),
        altitude_m=_channel(s.altitude_m), spans=spans,
    )


@dataclass(frozen=True, slots=True)
class SessionView:
    """A session's page: its summary, laps, splits, chart series, and whether the charts can
    be drawn against distance."""

    summary: SessionSummary
    laps: list[Stretch]
    splits: list[Stretch]
    series: ChartSeries | None
    distance_axis: bool
    track: tuple[FloatArray, FloatArray, FloatArray] | None = None
    """(time [s], latitude [deg], longitude [deg]) of the recorded positions, if any."""
    has_samples: bool = False
    """Whether the session keeps per-record samples (a GPX or TCX file can be written)."""


def view_of(session: Session, unit: str, axis: Axis = Axis.TIME) -> SessionView:
    """The view of a session in memory; ``unit`` ``"km"`` or ``"mi"`` for the splits."""
    laps, cut = session_stretches(session, unit)
    distance_axis = has_distance_axis(session)
    series = chart_series(session, axis if distance_axis else Axis.TIME)
    s = session.samples
    track = None
    if s is not None:
        lat, lon = _channel(s.latitude_deg), _channel(s.longitude_deg)
        if lat is not None and lon is not None:
            track = (np.asarray(s.time_s, float), lat, lon)
    return SessionView(
        summarise(session), laps, cut, series, distance_axis, track, s is not None
    )


def session_view(
    database: Database, person_id: int, session_id: int, unit: str, axis: Axis = Axis.TIME,
    *, hide_track_ends_m: float = 0.0,
) -> tuple[Session, SessionView]:
    """A stored session and its view, read once (one call of the read model: the session with
    its source and samples, then its segments); raises ``SessionNotFound``.

    ``hide_track_ends_m``: the privacy zone [m] of the track's ends, for anyone but the athlete
    (``services.track_privacy``): those positions are gone from the session and its view (the
    track), as from the map, the API detail and the exported files."""
    with database.reading() as db:
        session = session_reads.session_of(db, person_id, session_id)
    if session is None:
        raise SessionNotFound(session_id)
    session.samples = track_privacy.hide_track_ends(session.samples, hide_track_ends_m)
    return session, view_of(session, unit, axis)
