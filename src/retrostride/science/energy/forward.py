"""Forward walking and running: speed curves anchored on the edition's rows, and grade terms.

Level cost (MET) is a smooth curve fitted, by least squares on relative error, to the chosen
edition's level rows, each range row taken at the middle of its range:

- walking: ``MET = a + b v + c v^4`` (v in m/s) on rows 17151-17231 (overground) and, for 2024,
  17340-17367 (motorised treadmill, its own curve);
- running: ``MET = a + b v + c v^2`` on rows 12028/12029-12135 (4-14 mph). 2024 row 12026
  "jogging 2.6-3.7 mph" (3.3 MET, below brisk walking at the same speed) is left out of the fit.

Grade terms (added to the level MET):

- walking uphill: ACSM walking equation's grade term, ``1.8 S G`` mL/kg/min with S in m/min and
  G a fraction (ACSM's Guidelines for Exercise Testing and Prescription),
  which reproduces the Compendium hill rows 17210, 17211 (2011) and 17034-17036 (2024);
- walking downhill and running (both ways): Minetti et al. 2002 (J Appl Physiol 93:1039, the
  fifth-order polynomials of the cost of transport C(i) in J/kg/m, measured on -45% to +45%),
  as the level net cost times ``C(i) / C(0)``. Minetti's runners were trained mountain runners:
  downhill running cost 40% less than in sedentary people (their abstract), so downhill running
  is an estimate for trained runners.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from retrostride.science.energy.compendium import rows

FloatArray = NDArray[np.float64]

# 1 MET = 1 kcal/kg/h (Compendium definition; Ainsworth 2011) = 4184 J / 3600 s per kg.
W_PER_KG_PER_MET: Final = 4184.0 / 3600.0
# 1 MET = 3.5 mL O2/kg/min (Compendium definition).
VO2_ML_KG_MIN_PER_MET: Final = 3.5
# Standing quietly, Compendium 07040 (1.3 MET in 2011 and 2024): the cost at speed 0.
STANDING_MET: Final = 1.3
# Below this speed [m/s] the walking curve blends linearly into standing (no rows there).
SLOWEST_WALK_M_S: Final = 0.2

# ACSM walking grade term: 1.8 mL/kg/min per (m/min x fraction) -> MET per (m/s x fraction).
ACSM_WALK_GRADE_MET: Final = 1.8 * 60.0 / VO2_ML_KG_MIN_PER_MET

# Minetti et al. 2002, J Appl Physiol 93:1039, cost of transport on gradient i (fraction)
# [J/kg/m], highest power first; net of standing metabolism.
MINETTI_WALK: Final = (280.5, -58.7, -76.8, 51.9, 19.6, 2.5)
MINETTI_RUN: Final = (155.4, -30.4, -43.3, 46.3, 19.5, 3.6)
MINETTI_GRADE_RANGE: Final = (-0.45, 0.45)

# Running rows left out of the speed fit, with the reason (see module docstring).
RUN_FIT_EXCLUDED: Final = {"12026"}


def _horner(coefficients: tuple[float, ...], x: FloatArray | float) -> FloatArray:
    values = np.asarray(x, dtype=np.float64)
    result = np.full(values.shape, coefficients[0])
    for coefficient in coefficients[1:]:
        result *= values
        result += coefficient
    return result


def minetti_walk_j_kg_m(grade_fraction: FloatArray | float) -> FloatArray:
    """Minetti 2002 walking cost of transport [J/kg/m] at ``grade_fraction`` (-0.45..0.45)."""
    return _horner(MINETTI_WALK, grade_fraction)


def minetti_run_j_kg_m(grade_fraction: FloatArray | float) -> FloatArray:
    """Minetti 2002 running cost of transport [J/kg/m] at ``grade_fraction`` (-0.45..0.45)."""
    return _horner(MINETTI_RUN, grade_fraction)


@dataclass(frozen=True)
class SpeedCurve:
    """``MET = sum(coef[k] * v ** power[k])``, fitted to ``codes`` of one edition."""

    powers: tuple[int, ...]
    coefficients: tuple[float, ...]
    codes: tuple[str, ...]
    speed_range_m_s: tuple[float, float]

    def met(self, speed_m_s: FloatArray) -> FloatArray:
        """Level MET at ``speed_m_s`` (array)."""
        c = self.coefficients
        if self.powers == (0, 1, 4):  # c0 + v (c1 + c4 v^3)
            cube = speed_m_s * speed_m_s
            cube *= speed_m_s
            cube *= c[2]
            cube += c[1]
            cube *= speed_m_s
            cube += c[0]
            return cube
        if self.powers == (0, 1, 2):  # c0 + v (c1 + c2 v)
            result = speed_m_s * c[2]
            result += c[1]
            result *= speed_m_s
            result += c[0]
            return result
        total = np.zeros(np.shape(speed_m_s))
        for power, coefficient in zip(self.powers, c, strict=True):
            total += coefficient * speed_m_s**power
        return total


def _fit(points: list[tuple[float, float, str]], powers: tuple[int, ...]) -> SpeedCurve:
    speed = np.array([p[0] for p in points])
    met = np.array([p[1] for p in points])
    design = np.stack([speed**power for power in powers], axis=1) / met[:, None]
    coefficients, *_ = np.linalg.lstsq(design, np.ones_like(met), rcond=None)
    return SpeedCurve(
        powers=powers,
        coefficients=tuple(float(c) for c in coefficients),
        codes=tuple(p[2] for p in points),
        speed_range_m_s=(float(speed.min()), float(speed.max())),
    )


@cache
def walking_curve(edition: int, treadmill: bool = False) -> SpeedCurve:
    """Forward level walking curve of ``edition`` (overground, or 2024's treadmill rows)."""
    category = "treadmill" if treadmill and edition == 2024 else "walking"
    points = [
        (mid, row.met, row.code)
        for row in rows(edition)
        if row.category == category
        and row.direction == "forward"
        and row.grade_max_percent == 0
        and row.load_min_lb is None
        and (mid := row.speed_mid_m_s) is not None
    ]
    return _fit(points, (0, 1, 4))


@cache
def running_curve(edition: int) -> SpeedCurve:
    """Forward level running curve of ``edition`` (overground rows, 4-14 mph)."""
    points = [
        (mid, row.met, row.code)
        for row in rows(edition)
        if row.category == "running"
        and row.setting == "overground"
        and row.code not in RUN_FIT_EXCLUDED
        and (mid := row.speed_mid_m_s) is not None
    ]
    return _fit(points, (0, 1, 2))


def level_walk_met(speed_m_s: FloatArray, curve: SpeedCurve) -> FloatArray:
    """Level walking MET; below 0.2 m/s a straight line down to standing (1.3 MET) at 0."""
    a, b, c = curve.coefficients
    return level_walk_met_from(speed_m_s, a, b, c, slowest_met(curve))


def slowest_met(curve: SpeedCurve) -> float:
    """The curve's MET at 0.2 m/s, where the blend into standing starts."""
    return float(curve.met(np.array([SLOWEST_WALK_M_S]))[0])


def level_walk_met_from(
    speed_m_s: FloatArray, a: Any, b: Any, c: Any, at_slowest: Any
) -> FloatArray:
    """:func:`level_walk_met` from coefficients ``a + b v + c v^4`` (scalars or per element)."""
    met: FloatArray = speed_m_s * speed_m_s
    met *= speed_m_s
    met = np.multiply(met, c)
    met += b
    met *= speed_m_s
    met += a
    slow = speed_m_s < SLOWEST_WALK_M_S
    if np.any(slow):
        blend = STANDING_MET + (at_slowest - STANDING_MET) * speed_m_s / SLOWEST_WALK_M_S
        met = np.where(slow, blend, met)
    return met


def walk_grade_met(
    speed_m_s: FloatArray, grade_percent: FloatArray, level_net_met: FloatArray
) -> FloatArray:
    """Walking grade increment over level [MET].

    Uphill: ACSM's ``1.8 S G``. Downhill: the level net cost times Minetti's ``C(i) / C(0) - 1``
    (the ratio, not the difference: the polynomial's level value, 2.5 J/kg/m, is above the 1.64
    measured, while its ratios match the measured 0.81/1.64 at -10%).
    """
    grade = grade_percent / 100.0
    uphill = ACSM_WALK_GRADE_MET * speed_m_s * np.maximum(grade, 0.0)
    if not np.any(grade < 0):
        return uphill
    clipped = np.clip(grade, MINETTI_GRADE_RANGE[0], 0.0)
    ratio = minetti_walk_j_kg_m(clipped) / MINETTI_WALK[-1]
    return np.where(grade < 0, level_net_met * (ratio - 1.0), uphill)


def run_grade_met(grade_percent: FloatArray, level_net_met: FloatArray) -> FloatArray:
    """Running grade increment over level [MET]: level net cost x (Minetti C(i) / C(0) - 1)."""
    grade = np.clip(grade_percent / 100.0, *MINETTI_GRADE_RANGE)
    return level_net_met * (minetti_run_j_kg_m(grade) / MINETTI_RUN[-1] - 1.0)
