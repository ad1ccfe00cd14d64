"""Physical plausibility of the totals a file states, against ``science.limits``.

Every total of a session and of each of its segments (elapsed and moving time, distance, speed,
device kcal, heart rate, cadence) is checked against the bounds for the sport. A value outside
them is *flagged*: it is taken out of the total, so that energy and statistics never use it,
and a warning names the device's value and the bound it breaks. The samples (the recording
itself) are kept as they are, as is the file's identity, so the value can be looked up.

Moving time never exceeds elapsed time: a difference within rounding (``MOVING_ROUNDING_S``)
is clamped; a larger one flags the moving time.
"""

from __future__ import annotations

from retrostride.importers.activity._common import STEP_SPORTS
from retrostride.log.model import Segment, Session
from retrostride.science import limits

MOVING_ROUNDING_S = 2.0
"""Moving time up to this much above elapsed time is rounding (TCX writes lap totals to the
millisecond, points to the second): clamped to elapsed time."""

_WALK_SPORTS = frozenset({"walking", "hiking"})
_FOOT_SPORTS = STEP_SPORTS | {"trail_running", "mountaineering"}


def _speed_limit(sport: str) -> limits.Limit | None:
    if sport in _WALK_SPORTS:
        return limits.WALK_SPEED_M_S
    if sport in _FOOT_SPORTS:
        return limits.SPEED_M_S
    return limits.LIMITS.get(f"{sport}_speed_m_s")


def _hours(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds < 7200 else f"{seconds / 3600:.1f} h"


class _Checker:
    def __init__(self, session: Session) -> None:
        self.sport = session.sport
        self.warnings: list[str] = []

    def flag(self, where: str, what: str, value: float, unit: str, why: str) -> None:
        self.warnings.append(
            f"{where}: the file's {what} of {value:,.6g} {unit} is impossible ({why}): "
            "flagged and not used for energy or totals"
        )

    def durations(self, where: str, item: Session | Segment) -> None:
        bound = limits.DURATION_S
        for name in ("elapsed_s", "moving_s"):
            value = getattr(item, name)
            if value is not None and not bound.mask(value):
                self.flag(where, name.removesuffix("_s") + " time", value, "s", bound.expected)
                setattr(item, name, None)
        elapsed, moving = item.elapsed_s, item.moving_s
        if elapsed is not None and moving is not None and moving > elapsed:
            if moving <= elapsed + MOVING_ROUNDING_S:
                item.moving_s = elapsed
            else:
                self.flag(
                    where, "moving time", moving, "s", f"longer than the elapsed {elapsed:.0f} s"
                )
                item.moving_s = None

    def distance(self, where: str, item: Session | Segment) -> None:
        distance = item.distance_m
        if distance is None:
            return
        if distance < 0:
            self.flag(where, "distance", distance, "m", "negative")
            item.distance_m = None
            return
        duration = item.moving_s or item.elapsed_s
        bound = _speed_limit(self.sport)
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
            self.flag(where, "energy", kcal, "kcal", why)
            item.device_kcal = None

    def segment(self, where: str, seg: Segment) -> None:
        self.durations(where, seg)
        self.distance(where, seg)
        self.kcal(where, seg)
        bound = _speed_limit(self.sport)
        if seg.speed_m_s is not None and bound is not None and not bound.mask(seg.speed_m_s):
            self.flag(where, "speed", seg.speed_m_s, "m/s", bound.expected)
            seg.speed_m_s = None
        heart = limits.LIMITS.get("heart_rate_bpm")
        if (
            seg.heart_rate_bpm is not None
            and heart is not None
            and not heart.mask(seg.heart_rate_bpm)
        ):
            self.flag(where, "heart rate", seg.heart_rate_bpm, "bpm", heart.expected)
            seg.heart_rate_bpm = None
        cadence = limits.LIMITS.get("cadence_spm" if self.sport in _FOOT_SPORTS else "")
        if (
            seg.cadence_spm is not None
            and cadence is not None
            and not cadence.mask(seg.cadence_spm)
        ):
            self.flag(where, "cadence", seg.cadence_spm, "steps/min", cadence.expected)
            seg.cadence_spm = None


def check_totals(session: Session) -> list[str]:
    """Flag the session's and its segments' impossible totals (module docstring); warnings."""
    checker = _Checker(session)
    checker.durations(session.sport, session)
    checker.distance(session.sport, session)
    checker.kcal(session.sport, session)
    for i, seg in enumerate(session.segments):
        checker.segment(f"{session.sport} lap {i + 1}", seg)
    return checker.warnings
