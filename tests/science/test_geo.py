"""Great-circle distances: the one haversine of the project (importers, privacy zones, the
duplicate check all use it)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from retrostride.science.geo import EARTH_RADIUS_M, great_circle_m


def test_known_arcs_on_the_mean_sphere() -> None:
    # one degree along a meridian, and a quarter of the equator: arcs of R times the angle
    assert float(great_circle_m(45.0, 7.0, 46.0, 7.0)) == pytest.approx(
        EARTH_RADIUS_M * math.pi / 180.0, rel=1e-12
    )
    assert float(great_circle_m(0.0, 0.0, 0.0, 90.0)) == pytest.approx(
        EARTH_RADIUS_M * math.pi / 2.0, rel=1e-12
    )
    # antipodes: half the circumference; haversine loses digits there (arcsin near 1), so
    # within 1e-7 (2 m of 20,000 km), and the clip keeps rounding inside arcsin's range
    assert float(great_circle_m(10.0, 20.0, -10.0, -160.0)) == pytest.approx(
        EARTH_RADIUS_M * math.pi, rel=1e-7
    )


def test_arrays_broadcast_unknown_positions_give_nan() -> None:
    lat = np.array([46.05, 46.06, np.nan])
    lon = np.array([14.50, 14.50, 14.50])
    out = great_circle_m(lat, lon, 46.05, 14.50)
    assert out[0] == pytest.approx(0.0, abs=1e-9)
    assert out[1] == pytest.approx(EARTH_RADIUS_M * math.radians(0.01), rel=1e-9)
    assert math.isnan(out[2])
    back = great_circle_m(46.05, 14.50, lat[:2], lon[:2])
    np.testing.assert_allclose(back, out[:2], rtol=1e-12, atol=1e-9)
