"""A session's energy: the energy engine where it models the sport, else the device's own figure.

The engine (:mod:`retrostride.science.energy`) models walking, running and sled drag on segments
(stairs from the Compendium's general stair row, forward only). Each segment is estimated from
its direction, mean speed, grade, load and sled, the session's setting and surface (where it
names one of the engine's surfaces) and the person's body mass on the session's date, over the
segment's moving (else elapsed) time.
Where the engine cannot answer (another sport, no body mass, no speed or duration, a condition
outside the valid ranges of :mod:`retrostride.science.limits` or beyond human capacity: the
engine's arrays give NaN there), the import is kept and the device's own figure is used,
labelled ``device``; where there is neither, the energy stays unknown. Model figures carry the
engine's ``MODEL_VERSION``.

Direction: ``unknown`` is estimated as forward (what a device records unless told otherwise) and
``mixed`` as the mean of forward and backward; ``retrostride edit`` re-estimates after a change.
Side-stepping (a segment marked ``side_stepping_s`` by a gait analysis) has no row in either
Compendium (Ainsworth 2011, Herrmann 2024: walking rows are forward or backward) and no model
here, so a session holding such a segment gets no model energy, with a warning naming it.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from retrostride.errors import RetrostrideError
from retrostride.log.model import Person, Segment, Session
from retrostride.science.locomotion import Direction, Setting

ENERGY_FROM_MODEL = "model"
ENERGY_FROM_DEVICE = "device"


def session_day(session: Session) -> date | None:
    """The session's date for the mass lookup: its start, else its import date."""
    moment = session.start_utc or session.imported_at
    return moment.date() if moment is not None else None


def _segment_duration_s(segment: Segment) -> float | None:
    return segment.moving_s or segment.elapsed_s


def _segment_speed_m_s(segment: Segment) -> float | None:
    if segment.speed_m_s is not None:
        return segment.speed_m_s
    duration = _segment_duration_s(segment)
    if segment.distance_m is not None and duration:
        return segment.distance_m / duration
    return None


_GAIT_OF_SPORT = {"walking": "walk", "running": "run", "sled_drag": None}
"""The engine's gait for each sport it models on segments (None: chosen by speed)."""


def model_kcal(session: Session, person: Person) -> tuple[float, str] | None:
    """``(kcal, MODEL_VERSION)`` from the energy engine, or None where it cannot answer."""
    return _model_kcal(session, person)[0]


def _model_kcal(
    session: Session, person: Person
) -> tuple[tuple[float, str] | None, str | None]:
    """The model's answer, or None with the reason when a segment is outside the valid ranges
    (:mod:`retrostride.science.limits`) or beyond human capacity (None, None: not modelled)."""
    answer = _model_kcal_inner(session, person)
    if isinstance(answer, str):
        return None, answer
    return answer, None


def _model_kcal_inner(session: Session, person: Person) -> tuple[float, str] | str | None:
    if session.sport not in (*_GAIT_OF_SPORT, "stairs") or not session.segments:
        return None
    side_stepping = side_stepping_reason(session)
    if side_stepping is not None:
        return side_stepping
    day = session_day(session)
    mass_kg = person.mass_on(day) if day is not None else None
    if mass_kg is None:
        return None
    try:
        from retrostride.science.energy import MODEL_VERSION, estimate_arrays
    except ImportError:  # the engine is not part of this build
        return None
    if session.sport == "stairs":
        return _stairs_kcal(session, mass_kg)
    speeds, grades, loads, sleds, minutes, backward_weight = [], [], [], [], [], []
    for segment in session.segments:
        duration_s = _segment_duration_s(segment)
        speed_m_s = _segment_speed_m_s(segment)
        if not duration_s or speed_m_s is None:
            return None
        speeds.append(speed_m_s)
        grades.append(segment.grade_percent or 0.0)
        loads.append(segment.load_kg or 0.0)
        sleds.append(segment.sled_kg or 0.0)
        minutes.append(duration_s / 60.0)
        backward_weight.append(_BACKWARD_WEIGHT[Direction(segment.direction)])
    surface = session.surface if session.surface in _surface_names() else None
    per_direction = []
    for direction in ("forward", "backward"):
        try:
            result = estimate_arrays(
                np.array(speeds),
                np.array(grades),
                direction=direction,
                gait=_GAIT_OF_SPORT[session.sport],
                setting=Setting(session.setting).value,
                surface=surface,
                load_kg=np.array(loads),
                sled_kg=np.array(sleds),
                body_mass_kg=mass_kg,
            )
        except (RetrostrideError, ValueError) as exc:  # outside the model's range
            return str(exc)
        if not bool(np.all(result.valid)):  # a segment outside the ranges: energy unknown
            return "; ".join(result.warnings) or "a segment outside the valid ranges"
        per_direction.append(np.asarray(result.kcal_per_min, dtype=np.float64))
    weight = np.array(backward_weight)
    kcal_per_min = per_direction[0] * (1.0 - weight) + per_direction[1] * weight
    return float(np.sum(kcal_per_min * np.array(minutes))), str(MODEL_VERSION)


def side_stepping_reason(session: Session) -> str | None:
    """Why the model gives ``session`` no energy when a gait analysis found side-stepping
    dominating one of its segments, else None."""
    marked = [
        (i, seg.side_stepping_s)
        for i, seg in enumerate(session.segments, start=1)
        if seg.side_stepping_s is not None and seg.side_stepping_s > 0
    ]
    if not marked:
        return None
    which = ", ".join(f"segment {i} ({s:.0f} s)" for i, s in marked)
    return f"side-stepping in {which} (gait analysis): no energy model covers side-stepping"


def _stairs_kcal(session: Session, mass_kg: float) -> tuple[float, str] | None:
    """Stair climbing from the Compendium's general stair row (forward only: the Compendium
    has no backward stair row, so backward or mixed stairs keep the device's figure)."""
    from retrostride.science.energy import MODEL_VERSION, stairs

    if any(seg.direction in (Direction.BACKWARD, Direction.MIXED) for seg in session.segments):
        return None
    seconds = [_segment_duration_s(seg) for seg in session.segments]
    if not all(seconds):
        return None
    try:
        per_min = stairs("general", body_mass_kg=mass_kg).kcal_per_min
    except (RetrostrideError, ValueError):
        return None
    return float(per_min) * sum(s or 0.0 for s in seconds) / 60.0, str(MODEL_VERSION)


_BACKWARD_WEIGHT = {
    Direction.FORWARD: 0.0,
    Direction.UNKNOWN: 0.0,
    Direction.BACKWARD: 1.0,
    Direction.MIXED: 0.5,
}
"""Share of a segment estimated as backward: unknown counts as forward, mixed as half."""


def _surface_names() -> tuple[str, ...]:
    from retrostride.science.energy import SURFACE_NAMES

    return tuple(SURFACE_NAMES)


_REFUSED = "energy not estimated by the model: "


def fill_energy(session: Session, person: Person) -> None:
    """Set ``energy_kcal``, ``energy_source`` and ``energy_model_version`` on ``session``."""
    modelled, refused = _model_kcal(session, person)
    # this function's own warning of an earlier estimate no longer holds after a change
    session.warnings[:] = [w for w in session.warnings if not w.startswith(_REFUSED)]
    if refused is not None:
        session.warnings.append(f"{_REFUSED}{refused}")
    if modelled is not None:
        session.energy_kcal, session.energy_model_version = modelled
        session.energy_source = ENERGY_FROM_MODEL
    elif session.device_kcal is not None:
        session.energy_kcal = session.device_kcal
        session.energy_source = ENERGY_FROM_DEVICE
        session.energy_model_version = None
    else:
        session.energy_kcal = session.energy_source = session.energy_model_version = None
