"""How sure a result is: the distance from the conditions to conditions where cost was measured.

Distance ``d`` is Euclidean in normalised units, 0.45 m/s of speed (1 mph, the Compendium's step)
and 5% of grade (the hill rows' step), from the conditions to the nearest box of measured
conditions for the same direction and gait (0 inside a box). Levels:

========== ========== ==================================================================
level      distance   meaning
========== ========== ==================================================================
high       <= 0.02     inside measured conditions (not extrapolated)
medium     <= 1       within about 1 mph or 5% grade of them
low        <= 2       within about 2 mph or 10% grade
very-low   > 2        far from any measurement, or resting on an assumption (deadmill)
========== ========== ==================================================================

A component without measurements of its own raises the level (see ``core.py``): a sled at least
``low``; load, surface or curved treadmill while walking backward or running at least ``medium``;
a deadmill ``very-low``. Any level above ``high`` is flagged ``extrapolated``.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from retrostride.science.energy.forward import FloatArray
from retrostride.science.units import M_S_PER_MPH

LEVELS: Final = ("high", "medium", "low", "very-low")
SPEED_UNIT_M_S: Final = M_S_PER_MPH  # distances in speed are counted in mph
GRADE_UNIT_PERCENT: Final = 5.0

# (speed min, speed max [m/s], grade min, grade max [%], source) of measured conditions.
Box = tuple[float, float, float, float, str]
MEASURED: Final[dict[tuple[str, str], tuple[Box, ...]]] = {
    ("forward", "walk"): (
        (0.2, 2.46, 0.0, 0.0, "Compendium level walking rows (0.5-5.5 mph)"),
        (0.9, 2.24, 0.0, 20.0, "Compendium hill rows 17210/17211, 17034-17037, 17235"),
        (1.25, 1.39, -12.0, 0.0, "Compendium 2024 17382 (treadmill downhill)"),
    ),
    ("forward", "run"): (
        (1.79, 6.26, 0.0, 0.0, "Compendium running rows (4-14 mph)"),
        (2.0, 4.7, -15.0, 15.0, "Compendium 2024 running hill rows 12255-12361"),
    ),
    ("backward", "walk"): (
        (0.89, 1.79, 0.0, 0.0, "Myatt et al. 1995 (0.89-1.79 m/s, level)"),
        (1.56464, 1.56464, 0.0, 5.0, "Compendium 17320/17325; Chaloupka et al. 1997"),
        (1.1176, 1.1176, 10.0, 10.0, "Compendium 2024 17475"),
    ),
    ("backward", "run"): (
        (1.75, 3.5, 0.0, 0.0, "Wright & Weyand 2001 (1.75-3.5 m/s, level)"),
        (0.98, 1.96, 0.0, 0.0, "Hreljac et al. 2005 (60-120% of 1.63 m/s)"),
    ),
}


def distance(
    speed_m_s: FloatArray, grade_percent: FloatArray, boxes: tuple[Box, ...]
) -> FloatArray:
    """Normalised distance from each condition to the nearest of ``boxes`` (0 inside)."""
    nearest = np.full(speed_m_s.shape, np.inf)
    for v_min, v_max, g_min, g_max, _source in boxes:
        dv = np.maximum(np.maximum(v_min - speed_m_s, speed_m_s - v_max), 0.0) / SPEED_UNIT_M_S
        dg = (
            np.maximum(np.maximum(g_min - grade_percent, grade_percent - g_max), 0.0)
            / GRADE_UNIT_PERCENT
        )
        nearest = np.minimum(nearest, np.sqrt(dv * dv + dg * dg))
    return nearest


def level_codes(distance_units: FloatArray) -> NDArray[np.int8]:
    """0 (high), 1 (medium), 2 (low), 3 (very-low) from the distance."""
    level = (distance_units > 0.02).astype(np.int8)
    level += distance_units > 1.0
    level += distance_units > 2.0
    return level


GROUPS: Final = (("forward", "walk"), ("forward", "run"), ("backward", "walk"), ("backward", "run"))
_SLOTS: Final = max(len(boxes) for boxes in MEASURED.values())
# Bounds [slot, bound, group] (group = 2 x backward + run); short lists repeat their first box.
_BOUNDS: Final = np.array(
    [
        [
            [MEASURED[key][min(slot, len(MEASURED[key]) - 1)][bound] for key in GROUPS]
            for bound in range(4)
        ]
        for slot in range(_SLOTS)
    ],
    dtype=np.float64,
)


def group_distance(
    speed_m_s: FloatArray, grade_percent: FloatArray, group: NDArray[np.integer[Any]]
) -> FloatArray:
    """Like :func:`distance` with each condition's own boxes (``group`` 0-3, see ``GROUPS``)."""
    speed_m_s, grade_percent, group = np.broadcast_arrays(
        np.atleast_1d(speed_m_s), np.atleast_1d(grade_percent), np.atleast_1d(group)
    )
    nearest: FloatArray | None = None
    for slot in range(_SLOTS):
        v_min, v_max, g_min, g_max = (_BOUNDS[slot, bound].take(group) for bound in range(4))
        dv = np.maximum(v_min - speed_m_s, speed_m_s - v_max)
        np.maximum(dv, 0.0, out=dv)
        dv *= 1.0 / SPEED_UNIT_M_S
        dg = np.maximum(g_min - grade_percent, grade_percent - g_max)
        np.maximum(dg, 0.0, out=dg)
        dg *= 1.0 / GRADE_UNIT_PERCENT
        dv *= dv
        dg *= dg
        dv += dg
        nearest = dv if nearest is None else np.minimum(nearest, dv, out=nearest)
    assert nearest is not None
    return np.sqrt(nearest)
