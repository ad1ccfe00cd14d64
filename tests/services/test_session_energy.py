"""A stored session's energy when a segment is outside the valid ranges: kept, unknown, warned."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from retrostride.log.model import BodyMass, Person, Segment, Session
from retrostride.science.locomotion import Direction
from retrostride.services.session_energy import ENERGY_FROM_DEVICE, ENERGY_FROM_MODEL, fill_energy

PERSON = Person("me", body_mass=[BodyMass(date(2026, 1, 1), 70.0)])


def _session(speed_m_s: float, *, device_kcal: float | None = None) -> Session:
    return Session(
        sport="walking",
        start_utc=datetime(2026, 3, 2, 9, tzinfo=UTC),
        elapsed_s=600,
        device_kcal=device_kcal,
        segments=[
            Segment(0, elapsed_s=600, direction=Direction.BACKWARD, speed_m_s=speed_m_s)
        ],
    )


def test_a_plausible_session_is_modelled() -> None:
    session = _session(1.2)
    fill_energy(session, PERSON)
    assert session.energy_source == ENERGY_FROM_MODEL and session.energy_kcal is not None
    assert session.energy_kcal > 0 and not session.warnings


def test_an_impossible_segment_keeps_the_device_figure_with_a_warning() -> None:
    session = _session(20.0, device_kcal=123.0)  # 72 km/h walking: outside 0-12.5 m/s
    fill_energy(session, PERSON)
    assert session.energy_source == ENERGY_FROM_DEVICE
    assert session.energy_kcal == pytest.approx(123.0, rel=0)  # the device's figure, copied
    assert any("energy not estimated" in w and "speed_m_s" in w for w in session.warnings)
    unknown = _session(20.0)
    fill_energy(unknown, PERSON)
    assert unknown.energy_kcal is None and unknown.warnings
