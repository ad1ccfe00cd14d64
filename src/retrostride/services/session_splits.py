"""Splits (every full km or mile) and laps (the session's segments) from a session's samples.

Pure functions over the sample arrays (:func:`splits`, :func:`laps`) and one entry point over a
stored session (:func:`session_splits`). A split is cut where the cumulative distance crosses a
multiple of the split length (time interpolated linearly between the two samples around the
crossing); the last, shorter split is kept and flagged ``partial``. Heart rate and cadence are the
mean of the finite samples inside the split or lap; elevation gain and loss use the 1 m hysteresis
of :mod:`retrostride.services.session_summary`. A lap's speed and heart rate come from the device's
lap record when it has them, else from the samples inside the lap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from retrostride.log.model import ExactArray, Samples, Segment, Session
from retrostride.science.units import M_PER_MILE
from retrostride.services import log as log_service
from retrostride.services.session_summary import climb
from retrostride.store.db import Database

FloatArray = npt.NDArray[np.float64]

SPLIT_LENGTHS_M = {"km": 1000.0, "mi": M_PER_MILE}
"""Split length [m] by distance unit (international mile, NIST SP 811, 2008, appendix B)."""

MIN_PARTIAL_M = 10.0
"""A last split shorter than this [m] is dropped (a watch's few metres after the last full km)."""


@dataclass(frozen=True, slots=True)
class Stretch:
    """A split or a lap: where it starts [s from the session's start, m], and what it holds.

    ``time_s`` [s] and ``distance_m`` [m] are the stretch's own; ``speed_m_s`` [m/s] their ratio
    (None without a distance); heart rate [beats/min] and cadence [steps/min] are means of the
    samples inside, max heart rate their highest; elevation gain and loss [m] with hysteresis.
    """

    number: int
    start_s: float
    time_s: float
    distance_m: float | None
    speed_m_s: float | None
    heart_rate_bpm: float | None
    max_heart_rate_bpm: float | None
    cadence_spm: float | None
    elevation_gain_m: float | None
    elevation_loss_m: float | None
    direction: str | None = None
    partial: bool = False


def _mean(values: ExactArray | None, inside: npt.NDArray[np.bool_]) -> float | None:
    if values is None:
        return None
    kept = values[inside]
    kept = kept[np.isfinite(kept)]
    return float(kept.mean()) if kept.size else None


def _max(values: ExactArray | None, inside: npt.NDArray[np.bool_]) -> float | None:
    if values is None:
        return None
    kept = values[inside]
    kept = kept[np.isfinite(kept)]
    return float(kept.max()) if kept.size else None


def _cadence(values: ExactArray | None, inside: npt.NDArray[np.bool_]) -> float | None:
    """Mean cadence while stepping (zeros are standing still, as in the summary)."""
    if values is None:
        return None
    kept = values[inside]
    kept = kept[np.isfinite(kept) & (kept > 0)]
    return float(kept.mean()) if kept.size else None


def _elevation(
    altitude: FloatArray | None, inside: npt.NDArray[np.bool_]
) -> tuple[float | None, float | None]:
    if altitude is None:
        return None, None
    kept = altitude[inside]
    kept = kept[np.isfinite(kept)]
    if kept.size < 2:
        return None, None
    return climb(kept)


def _monotone_distance(time_s: FloatArray, distance_m: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The finite (time, distance) pairs with the distance made non-decreasing (a device's
    distance never goes back; a dip is a recording glitch)."""
    ok = np.isfinite(time_s) & np.isfinite(distance_m)
    t, d = time_s[ok], distance_m[ok]
    return t, np.maximum.accumulate(d) if d.size else d


def splits(
    time_s: FloatArray,
    distance_m: FloatArray,
    split_m: float,
    *,
    heart_rate_bpm: ExactArray | None = None,
    cadence_spm: ExactArray | None = None,
    altitude_m: FloatArray | None = None,
) -> list[Stretch]:
    """The splits of ``split_m`` metres (1000 for km, 1609.344 for miles) along the distance.

    ``time_s`` [s from the start] and ``distance_m`` [m, cumulative] are the sample arrays (NaN
    where unknown; at least two finite pairs needed, else no split). The other channels have the
    same length. Raises ``ValueError`` for a split length that is not positive.
    """
    if not split_m > 0:
        raise ValueError(f"split length {split_m!r}: expected a positive number of metres")
    time_s = np.asarray(time_s, float)
    t, d = _monotone_distance(time_s, np.asarray(distance_m, float))
    if t.size < 2 or d[-1] - d[0] <= 0:
        return []
    start_d = float(d[0])
    total = float(d[-1]) - start_d
    full = int(total // split_m)
    marks = [start_d + k * split_m for k in range(full + 1)]
    if total - full * split_m >= MIN_PARTIAL_M:
        marks.append(float(d[-1]))
    # the time at each mark: the first time the distance reaches it (plateaus are stops)
    times = []
    for mark in marks:
        i = int(np.searchsorted(d, mark, side="left"))
        if i == 0:
            times.append(float(t[0]))
        elif i >= d.size:
            times.append(float(t[-1]))
        else:
            d0, d1, t0, t1 = d[i - 1], d[i], t[i - 1], t[i]
            times.append(float(t0 + (mark - d0) / (d1 - d0) * (t1 - t0)) if d1 > d0 else float(t1))
    out = []
    for k in range(len(marks) - 1):
        a, b = times[k], times[k + 1]
        last = k == len(marks) - 2
        inside = (time_s >= a) & ((time_s <= b) if last else (time_s < b))
        length = marks[k + 1] - marks[k]
        duration = b - a
        gain, loss = _elevation(altitude_m, inside)
        out.append(
            Stretch(
                number=k + 1, start_s=a, time_s=duration, distance_m=length,
                speed_m_s=length / duration if duration > 0 else None,
                heart_rate_bpm=_mean(heart_rate_bpm, inside),
                max_heart_rate_bpm=_max(heart_rate_bpm, inside),
                cadence_spm=_cadence(cadence_spm, inside),
                elevation_gain_m=gain, elevation_loss_m=loss,
                partial=length < split_m - 1e-6,
            )
        )
    return out


def _lap(number: int, seg: Segment, samples: Samples | None) -> Stretch:
    start = seg.start_offset_s or 0.0
    duration = seg.moving_s or seg.elapsed_s or 0.0
    elapsed = seg.elapsed_s or seg.moving_s or 0.0
    distance = seg.distance_m
    speed = seg.speed_m_s
    hr = seg.heart_rate_bpm
    cadence = seg.cadence_spm
    hr_max = gain = loss = None
    if samples is not None and elapsed > 0:
        t = np.asarray(samples.time_s, float)
        inside = (t >= start) & (t <= start + elapsed)
        if hr is None:
            hr = _mean(samples.heart_rate_bpm, inside)
        hr_max = _max(samples.heart_rate_bpm, inside)
        if cadence is None:
            cadence = _cadence(samples.cadence_spm, inside)
        gain, loss = _elevation(samples.altitude_m, inside)
        if distance is None and samples.distance_m is not None:
            _, dd = _monotone_distance(t[inside], np.asarray(samples.distance_m, float)[inside])
            distance = float(dd[-1] - dd[0]) if dd.size >= 2 else None
        if speed is None and distance is None:
            speed = _mean(samples.speed_m_s, inside)
    if speed is None and distance is not None and duration > 0:
        speed = distance / duration
    return Stretch(
        number=number, start_s=start, time_s=duration, distance_m=distance, speed_m_s=speed,
        heart_rate_bpm=hr, max_heart_rate_bpm=hr_max if hr_max is not None else hr,
        cadence_spm=cadence, elevation_gain_m=gain, elevation_loss_m=loss,
        direction=str(seg.direction.value),
    )


def laps(segments: tuple[Segment, ...] | list[Segment], samples: Samples | None) -> list[Stretch]:
    """The session's segments as laps, their gaps filled from the samples inside each."""
    return [_lap(i + 1, seg, samples) for i, seg in enumerate(segments)]


def session_stretches(session: Session, unit: str) -> tuple[list[Stretch], list[Stretch]]:
    """(laps, splits per ``unit``: ``"km"`` or ``"mi"``) of a session in memory."""
    try:
        split_m = SPLIT_LENGTHS_M[unit]
    except KeyError:
        raise ValueError(f"split unit {unit!r}: expected km or mi") from None
    s = session.samples
    cut: list[Stretch] = []
    if s is not None and s.distance_m is not None:
        cut = splits(
            s.time_s, s.distance_m, split_m, heart_rate_bpm=s.heart_rate_bpm,
            cadence_spm=s.cadence_spm, altitude_m=s.altitude_m,
        )
    return laps(session.segments, s), cut


def session_splits(
    database: Database, session_id: int, unit: str,
    person_name: str = log_service.DEFAULT_PERSON,
) -> tuple[list[Stretch], list[Stretch]]:
    """(laps, splits) of a stored session (raises ``SessionNotFound``)."""
    return session_stretches(log_service.get_session(database, session_id, person_name), unit)
