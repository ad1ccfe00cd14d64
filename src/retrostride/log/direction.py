"""Which way a session was walked: the one rule, from its segments' directions.

A segment says ``forward``, ``backward``, ``mixed`` (both within it) or ``unknown`` (nothing
recorded it: most watches). ``unknown`` carries no information, so it never changes the answer:

- no segment of known direction: ``unknown``;
- every segment of known direction says the same: that direction (a backward segment beside an
  unknown warm-up is a ``backward`` session);
- known directions that differ (or a ``mixed`` segment beside another): ``mixed``.

The store keeps each session's result of this rule in the session's ``direction`` column on every
write of its segments (``store.directions``), tested equal to this over random writes.
"""

from __future__ import annotations

from collections.abc import Iterable

from retrostride.science.locomotion import Direction


def session_direction(directions: Iterable[Direction | str]) -> Direction:
    """The session's direction from its segments' directions (see the module's rule)."""
    known = {Direction(d) for d in directions} - {Direction.UNKNOWN}
    if not known:
        return Direction.UNKNOWN
    if len(known) == 1:
        return next(iter(known))
    return Direction.MIXED
