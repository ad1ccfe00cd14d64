"""The one rule for a session's direction (log.direction)."""

from __future__ import annotations

import pytest

from retrostride.log.direction import session_direction
from retrostride.science.locomotion import Direction

B, F, M, U = Direction.BACKWARD, Direction.FORWARD, Direction.MIXED, Direction.UNKNOWN


@pytest.mark.parametrize(
    ("segments", "expected"),
    [
        ((), U),
        ((U,), U),
        ((U, U), U),
        ((B,), B),
        ((B, B), B),
        ((F,), F),
        ((M,), M),
        ((B, U), B),  # an unknown warm-up does not change a backward session
        ((U, F, U), F),
        ((B, F), M),
        ((F, U, B), M),
        ((B, M), M),
    ],
)
def test_session_direction(segments: tuple[Direction, ...], expected: Direction) -> None:
    assert session_direction(segments) is expected


def test_session_direction_takes_the_stored_text() -> None:
    assert session_direction(["unknown", "backward"]) is B
