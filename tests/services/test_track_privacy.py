"""services.track_privacy: positions near a track's ends are hidden; the radius per account."""

from __future__ import annotations

import numpy as np
import pytest

from retrostride.errors import InputError
from retrostride.services import track_privacy
from retrostride.store.db import Database

METRES_PER_DEG_LAT = 111_195.0  # 2 pi R / 360 with R = 6371.0088 km


def test_hide_ends_removes_positions_within_the_radius_of_either_end() -> None:
    north_m = np.arange(0.0, 1001.0, 10.0)  # a straight 1 km northward, a position every 10 m
    lat = 50.0 + north_m / METRES_PER_DEG_LAT
    lon = np.full_like(lat, 4.0)
    lat[50] = np.nan  # a missing position is never shown
    keep = track_privacy.hide_ends(lat, lon, 200.0)
    shown = north_m[keep]
    assert 199.0 < shown.min() <= 210.0 + 1e-6  # the 200 m position is on the boundary
    assert 790.0 - 1e-6 <= shown.max() < 801.0
    assert not keep[50]
    assert track_privacy.hide_ends(lat, lon, 0.0).sum() == np.isfinite(lat).sum()


def test_hide_track_ends_blanks_positions_and_keeps_the_other_channels() -> None:
    from retrostride.log.model import Samples

    north_m = np.arange(0.0, 1001.0, 10.0)
    samples = Samples(
        time_s=north_m / 1.5,
        latitude_deg=50.0 + north_m / METRES_PER_DEG_LAT,
        longitude_deg=np.full(north_m.size, 4.0),
        distance_m=north_m.copy(),
        heart_rate_bpm=np.full(north_m.size, 120.0),
    )
    hidden = track_privacy.hide_track_ends(samples, 200.0)
    assert hidden is not None and hidden.latitude_deg is not None
    keep = track_privacy.hide_ends(samples.latitude_deg, samples.longitude_deg, 200.0)
    assert np.array_equal(np.isfinite(hidden.latitude_deg), keep)  # the one rule, exactly
    assert hidden.longitude_deg is not None
    assert np.array_equal(np.isfinite(hidden.longitude_deg), keep)
    assert hidden.distance_m is samples.distance_m and hidden.time_s is samples.time_s
    assert hidden.heart_rate_bpm is samples.heart_rate_bpm
    assert np.isfinite(samples.latitude_deg).all()  # the athlete's samples are unchanged
    assert track_privacy.hide_track_ends(samples, 0.0) is samples
    assert track_privacy.hide_track_ends(None, 200.0) is None


def test_a_loop_passing_its_start_again_is_hidden_there_too() -> None:
    angle = np.linspace(0.0, 2 * np.pi, 400)
    radius_deg = 300.0 / METRES_PER_DEG_LAT  # a 300 m circle around (50, 4)...
    lat = 50.0 + radius_deg * np.sin(angle)
    lon = 4.0 + radius_deg * np.cos(angle) / np.cos(np.radians(50.0))
    extra_lat = np.append(lat, lat[0])  # ... ending where it started
    extra_lon = np.append(lon, lon[0])
    keep = track_privacy.hide_ends(extra_lat, extra_lon, 200.0)
    assert not keep[0] and not keep[-1] and keep[200]


def test_the_radius_is_per_account_with_a_default(db: Database) -> None:
    from retrostride.services import accounts

    rules = accounts.AccountRules(argon2_time_cost=1, argon2_memory_kib=8)
    account = accounts.register(
        db, rules, email="ada@example.org", password="correct horse battery", role="athlete"
    )
    assert track_privacy.hide_radius(db, account.id) == track_privacy.DEFAULT_HIDE_M
    track_privacy.set_hide_radius(db, account.id, 500)
    assert track_privacy.hide_radius(db, account.id) == 500
    with pytest.raises(InputError) as caught:
        track_privacy.set_hide_radius(db, account.id, 300)
    assert caught.value.field == "hide_m"
