"""Privacy zones of GPS tracks: the start and the end of a track are hidden from others.

A track's start and end are usually a home or a workplace. When anyone but the athlete views a
session (a clinician with a sharing grant), every position within the athlete's chosen radius of
the track's first or last position is removed (:func:`hide_positions`) before anything shows it:
the map page, the session page's track, the API detail and the GPX and TCX files of the session;
the athlete always sees the whole track. A radius around each end (not a length along the
track) also hides a loop that passes the start again. Endpoint zones can still be inferred
from many tracks (Dhondt et al. 2022), so the default is on and sharing stays an explicit,
revocable grant.

References: Dhondt K, Le Pochat V, Voulimeneas A, Joosen W, Volckaert S (2022). A run a day
won't keep the hacker away: inference attacks on endpoint privacy zones in fitness tracking
social networks. Proc. ACM CCS 2022, 801-814 (zones of 200 m to 1 km radius, as offered by
the fitness platforms they studied; section 2.2).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import numpy.typing as npt
from sqlalchemy import delete, select

from retrostride.errors import InputError
from retrostride.log.model import Samples
from retrostride.science.geo import great_circle_m
from retrostride.store.db import Database
from retrostride.store.privacy import TrackPrivacyRow

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

CHOICES_M = (0, 200, 500, 1000)
"""Radii [m] an account may choose (0: nothing hidden); the platforms' range (Dhondt 2022)."""
DEFAULT_HIDE_M = 200
"""Radius [m] before the athlete chooses: the smallest zone of the platforms (Dhondt 2022)."""


def hide_radius(database: Database, account_id: int) -> int:
    """The account's privacy zone radius [m]."""
    with database.reading() as db:
        value = db.scalar(
            select(TrackPrivacyRow.hide_m).where(TrackPrivacyRow.account_id == account_id)
        )
    return DEFAULT_HIDE_M if value is None else int(value)


def set_hide_radius(database: Database, account_id: int, hide_m: int) -> None:
    """Choose the account's radius [m], one of :data:`CHOICES_M`."""
    if hide_m not in CHOICES_M:
        raise InputError("hide_m", hide_m, "one of " + ", ".join(f"{c} m" for c in CHOICES_M))
    with database.transaction() as db:
        db.execute(delete(TrackPrivacyRow).where(TrackPrivacyRow.account_id == account_id))
        db.add(TrackPrivacyRow(account_id=account_id, hide_m=hide_m))


def hide_ends(lat: FloatArray, lon: FloatArray, hide_m: float) -> BoolArray:
    """A mask of the positions to keep: False within ``hide_m`` [m] of the track's first or
    last valid position (and where a position is missing)."""
    lat = np.asarray(lat, float)
    lon = np.asarray(lon, float)
    valid: BoolArray = np.isfinite(lat) & np.isfinite(lon)
    if hide_m <= 0 or not valid.any():
        return valid
    index = np.flatnonzero(valid)
    first, last = index[0], index[-1]
    with np.errstate(invalid="ignore"):
        near_start = great_circle_m(lat, lon, lat[first], lon[first]) <= hide_m
        near_end = great_circle_m(lat, lon, lat[last], lon[last]) <= hide_m
    keep: BoolArray = valid & ~near_start & ~near_end
    return keep


def hide_positions(
    lat: FloatArray, lon: FloatArray, hide_m: float
) -> tuple[FloatArray, FloatArray]:
    """Latitude and longitude [deg] with every position :func:`hide_ends` drops set to NaN
    (``hide_m`` <= 0: as they are)."""
    if hide_m <= 0:
        return lat, lon
    keep = hide_ends(lat, lon, hide_m)
    hidden_lat: FloatArray = np.where(keep, np.asarray(lat, float), np.nan)
    hidden_lon: FloatArray = np.where(keep, np.asarray(lon, float), np.nan)
    return hidden_lat, hidden_lon


def hide_track_ends(samples: Samples | None, hide_m: float) -> Samples | None:
    """The samples with the positions near the track's ends removed (:func:`hide_positions`);
    every other channel kept, so times, heart rate and distance still chart."""
    if (
        samples is None
        or hide_m <= 0
        or samples.latitude_deg is None
        or samples.longitude_deg is None
    ):
        return samples
    lat, lon = hide_positions(samples.latitude_deg, samples.longitude_deg, hide_m)
    return dataclasses.replace(samples, latitude_deg=lat, longitude_deg=lon)
