"""Samples as a compressed columnar blob: lossless, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from retrostride.log.model import Samples, Session
from retrostride.store import repository as repo
from retrostride.store.db import open_database
from retrostride.store.samples import CODEC, decode_samples, encode_samples


def assert_samples_equal(a: Samples, b: Samples) -> None:
    assert a.channels().keys() == b.channels().keys()
    for name, values in a.channels().items():
        other = b.channels()[name]
        assert values.dtype == other.dtype == np.float64
        # bitwise: NaN, -0.0 and every float survive
        assert values.tobytes() == other.tobytes(), name


@settings(max_examples=50, deadline=None)
@given(
    arrays(
        np.float64, st.integers(0, 300), elements=st.floats(allow_nan=True, allow_infinity=True)
    ),
    st.booleans(),
)
def test_encoding_is_lossless(values: np.ndarray, with_hr: bool) -> None:
    samples = Samples(time_s=values, heart_rate_bpm=values[::-1].copy() if with_hr else None)
    n, channels, blob = encode_samples(samples)
    assert_samples_equal(samples, decode_samples(n, channels, CODEC, blob))


def test_channel_of_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="heart_rate_bpm"):
        encode_samples(Samples(time_s=np.arange(3.0), heart_rate_bpm=np.arange(2.0)))


def test_a_long_session_round_trips_through_the_database(database_url: str) -> None:
    n = 200_000
    rng = np.random.default_rng(1)
    samples = Samples(
        time_s=np.arange(n, dtype=float),
        latitude_deg=46.0 + np.cumsum(rng.normal(0, 1e-5, n)),
        longitude_deg=14.0 + np.cumsum(rng.normal(0, 1e-5, n)),
        heart_rate_bpm=np.where(rng.random(n) < 0.01, np.nan, rng.integers(60, 180, n)),
        incline_percent=np.full(n, 5.0),
    )
    db = open_database(database_url)
    try:
        with db.transaction() as s:
            person = repo.get_or_create_person(s, "me")
            session = Session(
                sport="walking", start_utc=datetime(2024, 1, 1, tzinfo=UTC), samples=samples
            )
            repo.add_session(s, person.id, session)
        with db.transaction() as s:
            loaded = repo.load_samples(s, session.id or -1)
        assert loaded is not None
        assert_samples_equal(samples, loaded)
    finally:
        db.close()
