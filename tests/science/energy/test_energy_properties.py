"""Monotonicity where physiology demands it (hypothesis)."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from retrostride.errors import InputError
from retrostride.science import energy

directions = st.sampled_from(["forward", "backward"])
editions = st.sampled_from([2011, 2024])
settings_ = st.sampled_from(["overground", "treadmill", "curved-treadmill", "deadmill"])


def _met(**kwargs: object) -> float:
    """The MET, or infinity where the conditions are beyond human capacity (refused)."""
    try:
        return energy.estimate(energy.Conditions(**kwargs)).met  # type: ignore[arg-type]
    except InputError as exc:
        if "MET ceiling" in exc.expected or "sled a person can drag" in exc.expected:
            return math.inf
        raise


@settings(max_examples=200, deadline=None)
@given(
    st.floats(0.25, 4.0),
    st.floats(0.01, 0.5),
    st.floats(-20, 30),
    directions,
    editions,
    settings_,
    st.sampled_from(["walk", "run"]),
)
def test_cost_rises_with_speed(
    speed: float, step: float, grade: float, direction: str, edition: int, setting: str, gait: str
) -> None:
    common = {
        "grade_percent": grade,
        "direction": direction,
        "edition": edition,
        "setting": setting,
        "gait": gait,
    }
    assert _met(speed_m_s=speed + step, **common) >= _met(speed_m_s=speed, **common)


@settings(max_examples=200, deadline=None)
@given(
    st.floats(0.3, 4.0),
    st.floats(0.0, 40.0),
    st.floats(0.1, 5.0),
    directions,
    editions,
    st.sampled_from(["walk", "run"]),
    st.floats(0, 30),
)
def test_cost_rises_with_uphill_grade(
    speed: float, grade: float, step: float, direction: str, edition: int, gait: str, load: float
) -> None:
    common = {
        "speed_m_s": speed,
        "direction": direction,
        "edition": edition,
        "gait": gait,
        "load_kg": load,
    }
    assert _met(grade_percent=grade + step, **common) >= _met(grade_percent=grade, **common)


@settings(max_examples=200, deadline=None)
@given(
    st.floats(0.3, 4.0),
    st.floats(-30, 30),
    st.floats(0, 60),
    st.floats(0.5, 20),
    directions,
    editions,
)
def test_cost_rises_with_load_and_sled(
    speed: float, grade: float, mass: float, step: float, direction: str, edition: int
) -> None:
    common = {
        "speed_m_s": speed,
        "grade_percent": grade,
        "direction": direction,
        "edition": edition,
    }
    assert _met(load_kg=mass + step, **common) >= _met(load_kg=mass, **common)
    if grade >= 0:  # downhill a heavier sled can help (it pulls)
        assert _met(sled_kg=mass + step, **common) >= _met(sled_kg=mass, **common)


@settings(max_examples=100, deadline=None)
@given(st.floats(0.3, 1.6), st.floats(-10, 20), editions)
def test_backward_walking_never_cheaper_than_forward(
    speed: float, grade: float, edition: int
) -> None:
    result = energy.estimate(
        energy.Conditions(speed, grade, direction="backward", gait="walk", edition=edition)
    )
    assert result.ratio_to_forward >= 1.0
