"""Request and response bodies of the sessions domain. Units are SI and named in the fields."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from retrostride.api.body import Body
from retrostride.science import limits
from retrostride.science.locomotion import Direction, Setting

DirectionName = Direction
"""Direction names: the one list (``science.locomotion.Direction``)."""
SettingName = Setting
"""Setting names: the one list (``science.locomotion.Setting``)."""
SportName = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_\-]+$", examples=["walking"])
Scale10 = Field(default=None, ge=0, le=10)
SURFACE_DESCRIPTION = (
    "The ground: one of the energy calculator's surfaces (firm, dirt-road, loose-sand, ...) "
    "or your own word."
)


def _deprecated_terrain() -> Any:
    # Back-compat: `terrain` was this field's name until `surface` replaced it; read for one
    # release when `surface` is absent, never written in an answer.
    return Field(
        default=None, max_length=64, deprecated=True,
        description="Deprecated former name of `surface`, read only when `surface` is absent "
        "or null; to be removed in the next release.",
    )


def _surface_from_terrain(data: Any) -> Any:
    """Move a deprecated ``terrain`` into ``surface`` when ``surface`` is absent or null."""
    # Back-compat: the field's former name; `terrain` itself stays to be checked, never read.
    if isinstance(data, dict) and data.get("terrain") is not None and data.get("surface") is None:
        data = {**data, "surface": data["terrain"]}
    return data


class SessionSummary(BaseModel):
    """One row of the session list."""

    id: int
    sport: str
    sub_sport: str | None
    start_utc: datetime | None
    utc_offset_s: int | None
    offset_assumed: bool
    imported_at: datetime
    elapsed_s: float | None
    moving_s: float | None
    distance_m: float | None
    setting: str
    surface: str | None
    title: str | None
    rpe: float | None
    pain_before: float | None
    pain_after: float | None
    energy_kcal: float | None
    energy_source: str | None
    recovered: bool
    direction: DirectionName = Field(description="Of its segments: one direction, or mixed.")


class SessionPage(BaseModel):
    items: list[SessionSummary]
    total: int
    limit: int
    offset: int
    next_after: str | None = Field(
        default=None, description="Give it as `after` for the next page; null after the last."
    )


class SourceOut(BaseModel):
    name: str
    format: str
    sha256: str
    size_bytes: int


class SegmentOut(BaseModel):
    start_offset_s: float
    elapsed_s: float | None
    moving_s: float | None
    distance_m: float | None
    direction: str
    speed_m_s: float | None
    grade_percent: float | None
    load_kg: float | None
    sled_kg: float | None
    heart_rate_bpm: float | None
    cadence_spm: float | None
    device_kcal: float | None
    side_stepping_s: float | None = None


class FlagOut(BaseModel):
    """A device value outside its physical limit: kept as the file gave it, not used for
    energy or statistics (``where``: session, lap N or samples; ``count``: points)."""

    where: str
    field: str
    value: float
    unit: str
    bound: str
    count: int


class SessionDetail(BaseModel):
    """A session as the log's export bundle writes it (samples: channel -> values, NaN as null)."""

    model_config = ConfigDict(extra="allow")

    id: int
    sport: str
    start_utc: str | None
    setting: str
    segments: list[SegmentOut]
    samples: dict[str, list[float | None]] | None
    source: SourceOut | None
    warnings: list[str]
    flags: list[FlagOut] = []


# Bounds of a hand-entered segment: the one table of limits (``science.limits``), with sources.
Speed = Field(  # on foot: the API's hand-entered sessions
    default=None,
    ge=limits.SPEED_M_S.low,
    le=limits.SPEED_M_S.high,
    description=limits.SPEED_M_S.source,
)
Grade = Field(
    default=None,
    ge=limits.GRADE_PERCENT.low,
    le=limits.GRADE_PERCENT.high,
    description=limits.GRADE_PERCENT.source,
)
Load = Field(
    default=None,
    ge=limits.LOAD_KG.low,
    le=limits.LOAD_KG.high,
    description=limits.LOAD_KG.source,
)


def _bounded(limit: limits.Limit, what: str = "") -> Any:
    """An optional number whose range the entry service checks (``services.session_entry``):
    documented here from the one table, refused by the service with the field named."""
    return Field(
        default=None,
        description=f"{what or limit.expected}; {limit.source}",
        json_schema_extra={"minimum": limit.low, "maximum": limit.high},
    )


class SessionIn(Body):
    """A session entered by hand: one segment with its direction, speed, grade and load.

    The ranges are checked by the entry service the CLI and the web form use: a value out of
    range (the speed's bound is the sport's; a distance must be coverable in the moving time at
    that speed) answers 422 with ``code`` ``invalid_input`` and the ``field``."""

    sport: str = SportName
    start_utc: AwareDatetime | None = Field(default=None, description="With its zone (ISO 8601).")
    utc_offset_s: int | None = Field(default=None, ge=-14 * 3600, le=14 * 3600)
    elapsed_s: float = Field(
        description=f"Above 0, up to {limits.DURATION_S.high:g} s ({limits.DURATION_S.source}).",
        json_schema_extra={"exclusiveMinimum": 0, "maximum": limits.DURATION_S.high},
    )
    moving_s: float | None = Field(
        default=None,
        description="Time in motion: above 0, at most `elapsed_s` (default `elapsed_s`).",
        json_schema_extra={"exclusiveMinimum": 0, "maximum": limits.DURATION_S.high},
    )
    distance_m: float | None = Field(
        default=None,
        description="At least 0; with no `speed_m_s`, the speed is `distance_m` over the moving "
        "time, within the sport's speed bound.",
        json_schema_extra={"minimum": 0},
    )
    setting: SettingName = Setting.OVERGROUND
    surface: str | None = Field(default=None, max_length=64, description=SURFACE_DESCRIPTION)
    terrain: str | None = _deprecated_terrain()  # back-compat alias, see _surface_from_terrain
    title: str | None = Field(default=None, max_length=500)
    notes: str = Field(default="", max_length=10_000)
    rpe: float | None = Field(default=None, json_schema_extra={"minimum": 0, "maximum": 10})
    pain_before: float | None = Field(
        default=None, json_schema_extra={"minimum": 0, "maximum": 10}
    )
    pain_after: float | None = Field(default=None, json_schema_extra={"minimum": 0, "maximum": 10})
    direction: DirectionName = Direction.UNKNOWN
    speed_m_s: float | None = Field(
        default=None,
        description="The sport's bound: walking and hiking up to "
        f"{limits.WALK_SPEED_M_S.high:g} m/s, other sports on foot up to "
        f"{limits.SPEED_M_S.high:g} m/s, cycling up to {limits.CYCLING_SPEED_M_S.high:g} m/s "
        "(`science.limits`, with sources).",
        json_schema_extra={"minimum": 0},
    )
    grade_percent: float | None = _bounded(limits.GRADE_PERCENT)
    load_kg: float | None = _bounded(limits.LOAD_KG)
    sled_kg: float | None = _bounded(limits.SLED_KG)

    @model_validator(mode="before")
    @classmethod
    def _terrain(cls, data: Any) -> Any:
        return _surface_from_terrain(data)


class SessionPatch(Body):
    """Fields to change (absent or null: unchanged). ``direction``, ``grade_percent``,
    ``load_kg`` and ``speed_m_s`` apply to segment ``segment`` (0-based), or to all."""

    direction: DirectionName | None = None
    segment: int | None = Field(default=None, ge=0, le=100_000)
    sport: str | None = Field(default=None, min_length=1, max_length=64, pattern=r"^[a-z0-9_\-]+$")
    setting: SettingName | None = None
    surface: str | None = Field(default=None, max_length=64, description=SURFACE_DESCRIPTION)
    terrain: str | None = _deprecated_terrain()  # back-compat alias, see _surface_from_terrain
    title: str | None = Field(default=None, max_length=500)
    notes: str | None = Field(default=None, max_length=10_000)
    rpe: float | None = Scale10
    pain_before: float | None = Scale10
    pain_after: float | None = Scale10
    grade_percent: float | None = Grade
    load_kg: float | None = Load
    speed_m_s: float | None = Speed

    @model_validator(mode="before")
    @classmethod
    def _terrain(cls, data: Any) -> Any:
        return _surface_from_terrain(data)
