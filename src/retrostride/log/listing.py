"""A page of a person's session list: what a list shows of each session, without its segments.

Built by the store's read model (``store.session_reads``) and returned by ``services.sessions``;
the API serialises it as it is, the pages and the CLI show it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """One row of the session list (SI units; times timezone-aware UTC)."""

    id: int
    sport: str
    sub_sport: str | None
    start_utc: datetime | None
    utc_offset_s: int | None
    offset_assumed: bool
    imported_at: datetime | None
    elapsed_s: float | None
    moving_s: float | None
    distance_m: float | None
    setting: str
    terrain: str | None
    title: str | None
    rpe: float | None
    pain_before: float | None
    pain_after: float | None
    energy_kcal: float | None
    energy_source: str | None
    recovered: bool
    direction: str
    """``log.direction.session_direction`` of its segments."""


@dataclass(frozen=True, slots=True)
class SessionPage:
    """One page of a person's sessions, newest or oldest first; undated sessions last."""

    items: list[SessionSummary]
    total: int
    limit: int
    offset: int
    next_after: str | None = None
    """Where the next page starts (give it as ``after``), None after the last page: a cursor
    (the last row's start and id), so a deep page costs what the first does."""
