"""A session entered by hand is checked against the one table of limits (``science.limits``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from retrostride.errors import InputError
from retrostride.science import limits
from retrostride.services.session_entry import SegmentEntry, SessionEntry, build_session

STEP = 1e-6  # just outside a bound: far above float rounding of the bounds, far below any unit


def _entry(sport: str = "walking", **segment: float) -> SessionEntry:
    return SessionEntry(
        sport=sport,
        start_utc=datetime(2026, 3, 2, 7, 30, tzinfo=UTC),
        utc_offset_s=0,
        segments=(replace(SegmentEntry(duration_s=600.0), **segment),),
    )


@pytest.mark.parametrize(
    ("field", "limit", "sport"),
    [
        ("duration_s", limits.DURATION_S, "walking"),
        ("grade_percent", limits.GRADE_PERCENT, "walking"),
        ("load_kg", limits.LOAD_KG, "walking"),
        ("sled_kg", limits.SLED_KG, "walking"),
        ("speed_m_s", limits.WALK_SPEED_M_S, "walking"),
        ("speed_m_s", limits.SPEED_M_S, "running"),
        ("speed_m_s", limits.CYCLING_SPEED_M_S, "cycling"),
    ],
)
def test_each_bound_is_the_table_s_and_refusals_name_the_field(
    field: str, limit: limits.Limit, sport: str
) -> None:
    build_session(_entry(sport, **{field: limit.high}))  # the bound itself is accepted
    with pytest.raises(InputError) as above:
        build_session(_entry(sport, **{field: limit.high + STEP}))
    assert above.value.field == field and above.value.expected == limit.expected
    if field != "duration_s":  # a segment of 0 s is refused below (it lasts)
        build_session(_entry(sport, **{field: limit.low}))
    with pytest.raises(InputError) as below:
        build_session(_entry(sport, **{field: limit.low - STEP}))
    assert below.value.field == field


def test_a_segment_lasts_and_its_distance_implies_a_possible_speed() -> None:
    with pytest.raises(InputError) as zero:
        build_session(_entry(duration_s=0.0))
    assert zero.value.field == "duration_s"
    fastest = limits.WALK_SPEED_M_S.high * 600.0
    session = build_session(_entry(distance_m=fastest))
    assert session.segments[0].speed_m_s == pytest.approx(limits.WALK_SPEED_M_S.high, rel=1e-12)
    with pytest.raises(InputError) as implied:
        build_session(_entry(distance_m=fastest * (1 + 1e-6)))
    assert implied.value.field == "distance_m" and "walking speed" in implied.value.expected
    with pytest.raises(InputError) as negative:
        build_session(_entry(distance_m=-1.0))
    assert negative.value.field == "distance_m"


def test_a_grade_beyond_the_measured_range_is_accepted_not_refused() -> None:
    """Beyond Minetti et al. 2002's -45..45 % the energy engine warns; the table refuses 100 %."""
    fitted = limits.GRADE_PERCENT.fitted_high
    assert fitted is not None
    session = build_session(_entry(grade_percent=fitted + 5.0))
    assert session.segments[0].grade_percent == pytest.approx(fitted + 5.0, rel=1e-12)
