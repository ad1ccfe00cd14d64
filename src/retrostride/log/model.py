"""The training log's domain objects, shared by importers, storage, services and the web app.

Units are SI and named in every field: seconds, metres, m/s, kg, bpm, steps per minute (spm).
Times are timezone-aware UTC ``datetime`` objects; the local offset is kept beside them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from retrostride.science.locomotion import Direction, Setting

FloatArray = npt.NDArray[np.float64]
ExactArray = npt.NDArray[np.float64] | npt.NDArray[np.float32]
"""A channel of counts (heart rate, cadence, power): float32 where every value is exact in it
(whole numbers below 2**16, or such a number divided by a power of two, as FIT's cadence with its
fractional part in 1/128), which halves its memory; float64 otherwise. Stored and read back as
float64: the same numbers."""


class Sport(StrEnum):
    """Sports the energy engine models; any other sport a device records is kept as its own text."""

    WALKING = "walking"
    RUNNING = "running"
    SLED_DRAG = "sled_drag"
    STAIRS = "stairs"


ENERGY_MODELLED_SPORTS: frozenset[str] = frozenset(s.value for s in Sport)


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"


@dataclass(frozen=True, slots=True)
class BodyMass:
    """A body-mass measurement [kg] on a date."""

    on: date
    mass_kg: float


@dataclass(slots=True)
class Person:
    """A profile for the energy engine: body-mass history, height [m], birth year, sex, zone."""

    name: str
    home_time_zone: str = "UTC"
    height_m: float | None = None
    birth_year: int | None = None
    sex: Sex | None = None
    body_mass: list[BodyMass] = field(default_factory=list)

    def mass_on(self, day: date) -> float | None:
        """The latest body mass [kg] measured on or before ``day`` (else the earliest known)."""
        if not self.body_mass:
            return None
        ordered = sorted(self.body_mass, key=lambda m: m.on)
        before = [m for m in ordered if m.on <= day]
        return (before[-1] if before else ordered[0]).mass_kg


@dataclass(slots=True)
class Samples:
    """Columnar per-record data of a session. Every array has the length of ``time_s``.

    Missing values are NaN. Channels are float64, except heart rate, cadence and power, which
    may be float32 holding exact values (:data:`ExactArray`, as the FIT importer gives them).
    ``time_s`` is seconds since the session's start, non-decreasing; it is
    all NaN when the file's times are unusable (start and duration then unknown).
    """

    time_s: FloatArray
    latitude_deg: FloatArray | None = None
    longitude_deg: FloatArray | None = None
    altitude_m: FloatArray | None = None
    distance_m: FloatArray | None = None
    heart_rate_bpm: ExactArray | None = None
    cadence_spm: ExactArray | None = None
    """Steps per minute for walking and running; the sport's own unit otherwise (rpm, strokes)."""
    speed_m_s: FloatArray | None = None
    power_w: ExactArray | None = None
    incline_percent: FloatArray | None = None

    CHANNELS = (
        "latitude_deg",
        "longitude_deg",
        "altitude_m",
        "distance_m",
        "heart_rate_bpm",
        "cadence_spm",
        "speed_m_s",
        "power_w",
        "incline_percent",
    )
    EXACT_CHANNELS = ("heart_rate_bpm", "cadence_spm", "power_w")
    """The channels that may be float32 (:data:`ExactArray`)."""

    def __len__(self) -> int:
        return int(self.time_s.shape[0])

    def channels(self) -> dict[str, ExactArray]:
        """The channels present, by name (``time_s`` included)."""
        out: dict[str, ExactArray] = {"time_s": self.time_s}
        for name in self.CHANNELS:
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out

    @property
    def has_positions(self) -> bool:
        lat = self.latitude_deg
        return lat is not None and bool(np.isfinite(lat).any())


@dataclass(slots=True)
class Segment:
    """A lap or a stretch of one direction. Offsets are from the session's start [s]."""

    start_offset_s: float
    elapsed_s: float | None = None
    moving_s: float | None = None
    distance_m: float | None = None
    direction: Direction = Direction.UNKNOWN
    speed_m_s: float | None = None
    """Mean speed over ground or of the belt [m/s]."""
    grade_percent: float | None = None
    """Mean grade or treadmill incline [%], negative downhill."""
    load_kg: float | None = None
    """Carried load [kg]."""
    sled_kg: float | None = None
    """Dragged sled with its plates [kg]."""
    heart_rate_bpm: float | None = None
    cadence_spm: float | None = None
    device_kcal: float | None = None
    side_stepping_s: float | None = None
    """Side-stepping a gait analysis found dominating the segment [s] (its direction is then
    ``unknown``); None otherwise. The energy engine has no side-stepping model, so a session
    holding such a segment gets no model energy. Cleared when the direction is set by hand."""


@dataclass(slots=True)
class SourceFile:
    """Where an imported session came from. ``sha256`` identifies the exact file bytes."""

    name: str
    format: str
    sha256: str
    size_bytes: int


@dataclass(frozen=True, slots=True)
class Flag:
    """A device value outside its physical limit (``science.limits``): kept here as the file gave
    it, and left out of the stored totals, energy and statistics.

    ``where``: ``session``, ``lap N`` (1-based) or ``samples``; ``field``: the total's or the
    channel's name (``distance_m``, ``heart_rate_bpm`` ...); ``value``: the file's value (for
    samples, the most extreme one) in ``unit``; ``bound``: the range it breaks, in words;
    ``count``: how many values (samples: points outside the range; totals: 1).
    """

    where: str
    field: str
    value: float
    unit: str
    bound: str
    count: int = 1

    def to_dict(self) -> dict[str, str | float | int]:
        """The flag as JSON-ready fields (stored with the session, exported, served)."""
        return {
            "where": self.where,
            "field": self.field,
            "value": self.value,
            "unit": self.unit,
            "bound": self.bound,
            "count": self.count,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Flag:
        """The flag of :meth:`to_dict`'s fields."""
        return cls(
            str(data["where"]),
            str(data["field"]),
            float(data["value"]),
            str(data["unit"]),
            str(data["bound"]),
            int(data.get("count", 1)),
        )


SAFETY_EVENTS = ("stumble", "near-fall", "fall")
"""Balance events a person may report with a session, from the mildest to the worst."""


@dataclass(slots=True)
class Session:
    """One activity of one sport. A multisport file gives one session per sport, sharing ``group``.

    ``start_utc`` is None when the device's clock was never set; statistics then count the
    session by its import date and mark it so. ``utc_offset_s`` is the local offset at the
    start; ``offset_assumed`` says it came from the person's home zone, not from the file.
    """

    sport: str
    start_utc: datetime | None
    utc_offset_s: int | None = None
    offset_assumed: bool = False
    elapsed_s: float | None = None
    moving_s: float | None = None
    distance_m: float | None = None
    setting: Setting = Setting.OVERGROUND
    surface: str | None = None
    """For overground sessions: road, track, trail, grass, sand, ..."""
    sub_sport: str | None = None
    device: str | None = None
    title: str | None = None
    notes: str = ""
    rpe: float | None = None
    """Rating of perceived exertion, CR-10 scale (0-10)."""
    pain_before: float | None = None
    """Pain on the 0-10 numeric rating scale before the session."""
    pain_after: float | None = None
    safety_event: str | None = None
    """The worst balance event during the session: ``stumble``, ``near-fall`` or ``fall``
    (:data:`SAFETY_EVENTS`); None when none was reported."""
    device_kcal: float | None = None
    """The device's own energy figure [kcal], kept and labelled as the device's."""
    segments: list[Segment] = field(default_factory=list)
    samples: Samples | None = None
    source: SourceFile | None = None
    group: str | None = None
    """Links the sessions of one multisport file."""
    recovered: str | None = None
    """Set when salvaged from a damaged file: what was kept."""
    warnings: list[str] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    """Device values outside their physical limits, kept as the file gave them (:class:`Flag`)."""
    # Set by the log's storage, not by importers:
    id: int | None = None
    """The stored session's id (None until stored)."""
    imported_at: datetime | None = None
    """When the session entered the log (UTC); dates it in statistics when ``start_utc`` is None."""
    energy_kcal: float | None = None
    """The session's energy [kcal] from ``energy_source``."""
    energy_source: str | None = None
    """``model`` (the energy engine), ``device`` (the file's own figure, labelled so) or None."""
    energy_model_version: str | None = None
    """The energy engine's ``MODEL_VERSION`` that produced ``energy_kcal`` (model figures only)."""


# The fields of a session and of a segment in its JSON (the export bundle, the API, the CLI).
SESSION_FIELDS = (
    "id",
    "sport",
    "sub_sport",
    "start_utc",
    "utc_offset_s",
    "offset_assumed",
    "imported_at",
    "elapsed_s",
    "moving_s",
    "distance_m",
    "setting",
    "surface",
    "device",
    "title",
    "notes",
    "rpe",
    "pain_before",
    "pain_after",
    "device_kcal",
    "energy_kcal",
    "energy_source",
    "energy_model_version",
    "group",
    "recovered",
)
SEGMENT_FIELDS = (
    "start_offset_s",
    "elapsed_s",
    "moving_s",
    "distance_m",
    "direction",
    "speed_m_s",
    "grade_percent",
    "load_kg",
    "sled_kg",
    "heart_rate_bpm",
    "cadence_spm",
    "device_kcal",
    "side_stepping_s",
)
