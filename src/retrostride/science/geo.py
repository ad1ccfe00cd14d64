"""Distances over the Earth between GPS positions (WGS 84 latitude and longitude in degrees).

The haversine great-circle distance on a sphere of the mean Earth radius ``R1`` (IUGG; Moritz
2000, Geodetic Reference System 1980, J Geodesy 74:128, table 2). Valid for any two positions;
the sphere ignores the Earth's flattening (f = 1/298.257, Moritz 2000), so a distance is off by
at most about f (a few parts per thousand), well inside the error of consumer GPS positions.
Unknown positions (NaN) give NaN.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

EARTH_RADIUS_M: Final = 6_371_008.8
"""Mean Earth radius R1 [m] (IUGG; Moritz 2000, Geodetic Reference System 1980, table 2)."""


def great_circle_m(
    lat1_deg: npt.ArrayLike, lon1_deg: npt.ArrayLike, lat2_deg: npt.ArrayLike,
    lon2_deg: npt.ArrayLike,
) -> FloatArray:
    """Great-circle distance [m] from (lat1, lon1) to (lat2, lon2); arrays broadcast."""
    p1 = np.radians(np.asarray(lat1_deg, dtype=np.float64))
    p2 = np.radians(np.asarray(lat2_deg, dtype=np.float64))
    dlon = np.radians(np.asarray(lon2_deg, dtype=np.float64)) - np.radians(
        np.asarray(lon1_deg, dtype=np.float64)
    )
    a = np.sin((p2 - p1) / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2.0) ** 2
    out: FloatArray = 2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return out
