"""A bundle's heart rates and cadences are bounded by ``science.limits`` (the importers' table)."""

from __future__ import annotations

from typing import Any

import pytest

from retrostride.errors import InputError
from retrostride.science import limits
from retrostride.services import export_bundle

STEP = 1e-6  # just outside a bound: far above the bounds' float rounding, far below any unit


def _bundle(sport: str, **segment: float) -> dict[str, Any]:
    return {
        "format": "retrostride-bundle",
        "version": 3,
        "log": {
            "format": "retrostride-log",
            "version": 1,
            "person": {"name": "me"},
            "sessions": [{
                "sport": sport,
                "segments": [{"start_offset_s": 0.0, "elapsed_s": 60.0, **segment}],
            }],
        },
    }


@pytest.mark.parametrize(
    ("sport", "field", "limit"),
    [
        ("walking", "heart_rate_bpm", limits.HEART_RATE_BPM),
        ("cycling", "heart_rate_bpm", limits.HEART_RATE_BPM),
        ("walking", "cadence_spm", limits.STEP_CADENCE_SPM),
        ("cycling", "cadence_spm", limits.PEDAL_CADENCE_RPM),
    ],
)
def test_just_outside_each_bound_is_refused_naming_the_field(
    sport: str, field: str, limit: limits.Limit
) -> None:
    for inside in (limit.low, limit.high):
        export_bundle.parse_bundle(_bundle(sport, **{field: inside}))
    for outside in (limit.low - STEP, limit.high + STEP):
        with pytest.raises(InputError) as refused:
            export_bundle.parse_bundle(_bundle(sport, **{field: outside}))
        assert field in str(refused.value)


def test_a_sport_without_a_cadence_bound_takes_the_table_s_highest() -> None:
    """Strokes (rowing, swimming) have no bound of their own: the highest cadence bound holds."""
    export_bundle.parse_bundle(_bundle("rowing", cadence_spm=export_bundle.CADENCE_HIGH))
    with pytest.raises(InputError) as refused:
        export_bundle.parse_bundle(_bundle("rowing", cadence_spm=export_bundle.CADENCE_HIGH + STEP))
    assert "cadence_spm" in refused.value.field
