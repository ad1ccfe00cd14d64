"""Physical plausibility of the totals a file states, against ``science.limits``.

Every total of a session and of each of its segments (elapsed and moving time, distance, speed,
device kcal, heart rate, cadence) is checked against the bounds for the sport. A value outside
them is *flagged*: it is taken out of the total, so that energy and statistics never use it,
kept as the file gave it in ``Session.flags`` (a :class:`~retrostride.log.model.Flag`, stored
with the session), and a warning names the device's value and the bound it breaks.

The heart-rate and cadence samples are checked too (:func:`plausible`): points outside the
bounds stay in the recording as they are, one flag counts them and gives the most extreme, and
the session's summary (averages, maxima) leaves them out.

Moving time never exceeds elapsed time: a difference within rounding (``MOVING_ROUNDING_S``)
is clamped; a larger one flags the moving time.
"""

from __future__ import annotations

import numpy as np

from retrostride.importers.activity._common import STEP_SPORTS
from retrostride.log.model import ExactArray, Flag, Samples, Segment, Session
from retrostride.science import limits

MOVING_ROUNDING_S = 2.0
"""Moving time up to this much above elapsed time is rounding (TCX writes lap totals to the
millisecond, points to the second): clamped to elapsed time."""

_WALK_SPORTS = frozenset({"walking", "hiking"})
_FOOT_SPORTS = STEP_SPORTS | {"trail_running", "mountaineering"}


def speed_limit(sport: str) -> limits.Limit | None:
    """The speed limit of ``sport``: walking, on foot, the sport's own in ``science.limits``
    (``cycling_speed_m_s``), or None for a sport the table has no bound for."""
    if sport in _WALK_SPORTS:
        return limits.WALK_SPEED_M_S
    if sport in _FOOT_SPORTS:
        return limits.SPEED_M_S
    return limits.LIMITS.get(f"{sport}_speed_m_s")


def channel_limit(sport: str, channel: str) -> limits.Limit | None:
    """The limit of a sample channel or lap value (``heart_rate_bpm``, ``cadence_spm``) for
    ``sport``; cadence is in steps for sports on foot, pedal revolutions for cycling, and not
    checked for other sports (strokes, their own units)."""
    if channel == "heart_rate_bpm":
        return limits.HEART_RATE_BPM
    if channel == "cadence_spm":
        if sport in _FOOT_SPORTS:
            return limits.STEP_CADENCE_SPM
        if sport == "cycling":
            return limits.PEDAL_CADENCE_RPM
    return None


def plausible(sport: str, channel: str, values: ExactArray) -> ExactArray:
    """``values`` with the points outside the channel's limit for ``sport`` as NaN (a copy);
    unchanged when the channel has no limit."""
    bound = channel_limit(sport, channel)
    if bound is None:
        return values
    return np.where(bound.mask(values) | np.isnan(values), values, np.nan)


def _hours(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds < 7200 else f"{seconds / 3600:.1f} h"


class _Checker:
    def __init__(self, session: Session) -> None:
        self.sport = session.sport
        self.warnings: list[str] = []
        self.flags: list[Flag] = []
        self.place = "session"

    def flag(self, where: str, what: str, value: float, unit: str, why: str, field: str) -> None:
        self.warnings.append(
            f"{where}: the file's {what} of {value:,.6g} {unit} is impossible ({why}): "
            "flagged and not used for energy or totals"
        )
        self.flags.append(Flag(self.place, field, float(value), unit, why))

    def durations(self, where: str, item: Session | Segment) -> None:
        bound = limits.DURATION_S
        for name in ("elapsed_s", "moving_s"):
            value = getattr(item, name)
            if value is not None and not bound.mask(value):
                self.flag(
                    where, name.removesuffix("_s") + " time", value, "s", bound.expected, name
                )
                setattr(item, name, None)
        elapsed, moving = item.elapsed_s, item.moving_s
        if elapsed is not None and moving is not None and moving > elapsed:
            if moving <= elapsed + MOVING_ROUNDING_S:
                item.moving_s = elapsed
            else:
                self.flag(
                    where,
                    "moving time",
                    moving,
                    "s",
                    f"longer than the elapsed {elapsed:.0f} s",
                    "moving_s",
                )
                item.moving_s = None

    def distance(self, where: str, item: Session | Segment) -> None:
        distance = item.distance_m
        if distance is None:
            return
        if distance < 0:
            self.flag(where, "distance", distance, "m", "negative", "distance_m")
            item.distance_m = None
            return
        duration = item.moving_s or item.elapsed_s
        bound = speed_limit(self.sport)
        if bound is None or not duration:
            return
        speed = distance / duration
        if speed > bound.high:
            self.flag(
                where,
                "distance",
                distance,
                "m",
                f"{speed:.1f} m/s over {_hours(duration)}, above {bound.expected}",
                "distance_m",
            )
            item.distance_m = None

    def kcal(self, where: str, item: Session | Segment) -> None:
        kcal = item.device_kcal
        if kcal is None:
            return
        duration = item.elapsed_s or item.moving_s or limits.DURATION_S.high
        # kcal = MET x body mass [kg] x hours (1 MET = 1 kcal/kg/h, Ainsworth et al. 2011).
        ceiling = limits.MET_SUSTAINED_MAX * limits.BODY_MASS_KG.high * duration / 3600.0
        if kcal < 0 or kcal > ceiling:
            why = (
                "negative"
                if kcal < 0
                else f"above {limits.MET_SUSTAINED_MAX:g} MET for {_hours(duration)} of a "
                f"{limits.BODY_MASS_KG.high:g} kg body, {ceiling:,.0f} kcal"
            )
            self.flag(where, "energy", kcal, "kcal", why, "device_kcal")
            item.device_kcal = None

    def segment(self, where: str, seg: Segment) -> None:
        self.durations(where, seg)
        self.distance(where, seg)
        self.kcal(where, seg)
        bound = speed_limit(self.sport)
        if seg.speed_m_s is not None and bound is not None and not bound.mask(seg.speed_m_s):
            self.flag(where, "speed", seg.speed_m_s, "m/s", bound.expected, "speed_m_s")
            seg.speed_m_s = None
        for name, what in (("heart_rate_bpm", "heart rate"), ("cadence_spm", "cadence")):
            value = getattr(seg, name)
            limit = channel_limit(self.sport, name)
            if value is not None and limit is not None and not limit.mask(value):
                self.flag(where, what, value, limit.unit, limit.expected, name)
                setattr(seg, name, None)

    def samples(self, samples: Samples) -> None:
        """Count the heart-rate and cadence points outside their limits; keep them as they are."""
        for name, what in (("heart_rate_bpm", "heart rate"), ("cadence_spm", "cadence")):
            values = getattr(samples, name)
            limit = channel_limit(self.sport, name)
            if values is None or limit is None:
                continue
            # Compared where the values lie (float32 ones too): no float64 copy of a channel.
            low, high = np.float64(limit.low), np.float64(limit.high)
            bad = (values < low) | (values > high)
            count = int(bad.sum())
            if not count:
                continue
            outside = values[bad]
            worst = float(outside[np.argmax(np.abs(outside - (limit.low + limit.high) / 2))])
            self.warnings.append(
                f"{self.sport}: {count} {what} point(s) outside {limit.expected} (the most "
                f"extreme {worst:,.6g} {limit.unit}): kept in the recording, flagged and left "
                "out of the summary"
            )
            self.flags.append(Flag("samples", name, worst, limit.unit, limit.expected, count))


def check_totals(session: Session) -> list[str]:
    """Flag the session's and its segments' impossible totals (module docstring); warnings."""
    checker = _Checker(session)
    checker.durations(session.sport, session)
    checker.distance(session.sport, session)
    checker.kcal(session.sport, session)
    for i, seg in enumerate(session.segments):
        checker.place = f"lap {i + 1}"
        checker.segment(f"{session.sport} lap {i + 1}", seg)
    if session.samples is not None:
        checker.samples(session.samples)
    session.flags.extend(checker.flags)
    return checker.warnings
