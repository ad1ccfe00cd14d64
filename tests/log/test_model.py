"""The log's domain objects."""

from __future__ import annotations

from datetime import date

import numpy as np

from retrostride.log.model import BodyMass, Person, Samples


def test_mass_on_picks_latest_measurement_before_the_day() -> None:
    person = Person(
        name="a",
        body_mass=[BodyMass(date(2026, 3, 1), 80.0), BodyMass(date(2026, 1, 1), 82.0)],
    )
    assert person.mass_on(date(2026, 2, 1)) == 82.0
    assert person.mass_on(date(2026, 3, 1)) == 80.0
    assert person.mass_on(date(2025, 1, 1)) == 82.0  # before any: the earliest known
    assert Person(name="b").mass_on(date(2026, 1, 1)) is None


def test_samples_channels_and_positions() -> None:
    t = np.arange(3, dtype=float)
    samples = Samples(time_s=t, heart_rate_bpm=np.array([100.0, np.nan, 102.0]))
    assert set(samples.channels()) == {"time_s", "heart_rate_bpm"}
    assert len(samples) == 3
    assert not samples.has_positions
    with_pos = Samples(time_s=t, latitude_deg=np.array([np.nan, 46.0, 46.1]))
    assert with_pos.has_positions
