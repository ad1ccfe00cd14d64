"""A page of a person's session list: what a list shows of each session, without its segments.

Built by the store's read model (``store.session_reads``) and returned by ``services.sessions``;
the API serialises it as it is, the pages and the CLI show it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from retrostride.science.locomotion import Direction, Setting


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
    surface: str | None
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


class SortKey(StrEnum):
    """What a session list is ordered by (then by id); sessions lacking the value come last."""

    DATE = "date"
    """The start (UTC); unknown starts last."""
    DURATION = "duration"
    """Moving time where known, else elapsed time [s]."""
    DISTANCE = "distance"
    """Distance [m]."""


@dataclass(frozen=True, slots=True)
class SessionFilter:
    """Which sessions a list shows and in what order; None (or the default) means any.

    ``date_from`` and ``date_to`` (inclusive) are local days: the session's local start day,
    else its import day (``session.local_date``).
    """

    sport: str | None = None
    setting: Setting | None = None
    direction: Direction | None = None
    """The session's direction (``log.direction.session_direction`` of its segments)."""
    date_from: date | None = None
    date_to: date | None = None
    sort: SortKey = SortKey.DATE

    @property
    def is_plain(self) -> bool:
        """No condition and ordered by date: the whole log in the list's usual order."""
        return self == SessionFilter()
