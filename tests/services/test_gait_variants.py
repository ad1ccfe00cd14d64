"""Variant checks (retrostride.services.gait_variants): what passes."""

from __future__ import annotations

from retrostride.science.locomotion import Direction
from retrostride.services.gait_variants import VariantOutcome


def _outcome(right: float, wrong: float) -> VariantOutcome:
    return VariantOutcome("time-reversed", 1.0, 0.0, 0.0, right, wrong, Direction.BACKWARD)


def test_a_single_stride_in_a_bout_of_the_wrong_direction_fails_the_variant() -> None:
    assert _outcome(95.0, 0.0).passed["direction"]
    assert not _outcome(95.0, 1.0).passed["direction"]
    assert not _outcome(79.0, 0.0).passed["direction"]
