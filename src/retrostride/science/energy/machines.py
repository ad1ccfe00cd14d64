"""Where the walking happens: motorised treadmill, switched-off treadmill, curved treadmill, sled.

Motorised treadmill. Walking: the edition's own treadmill rows (2024: 17340-17367) anchor a
treadmill curve; 2011 has none and uses the overground curve. Running: no air to push, so a
treadmill at 1% grade costs what running outdoors does (Jones & Doust 1996, J Sports Sci 14:321,
2.92-5.0 m/s); the model removes a 1%-grade increment (Minetti 2002's ratio C(1%)/C(0)) from
treadmill running, scaled by ``(v / 2.92)^2`` below 2.92 m/s (air drag power grows with the
cube of speed).

Deadmill (a motorised treadmill switched off, its belt pushed by the legs). No published energy
figure was found in the literature. ASSUMPTION: the belt resists with a force of 0.10 x body weight
(belt-deck friction of a lubricated deck; no measured figure found), which the legs overcome with
the efficiency of positive muscular work, 0.25 (Margaria 1968, Int Z Angew Physiol 25:339).
Every deadmill result is flagged extrapolated with the lowest certainty.

Curved (unpowered) treadmill. 2024 row 17455 (walking 3.0-5.0 mph, brisk, 8.3 MET) and rows
12410-12416 (running 5.0-9.9 mph) give the net cost on the curve relative to overground at the
same speed; the model multiplies the forward net cost by those ratios (fitted to the rows at the
middle of their ranges). 12405 and 12408 (curved running at 3-4.9 mph, 5.3 and 6.5 MET, below
curved walking) are left out as inconsistent.

Sled. Pulling force ``m g (mu cos(theta) + sin(theta))`` on a slope ``theta``; positive
mechanical power ``F v`` costs ``F v / 0.25`` and negative power (holding a sled back downhill)
``|F v| / 1.2`` (Margaria 1968: efficiency 0.25 for positive, -1.2 for negative work).
"""

from __future__ import annotations

from functools import cache
from typing import Final

import numpy as np

from retrostride.science.energy.compendium import rows
from retrostride.science.energy.forward import (
    MINETTI_RUN,
    W_PER_KG_PER_MET,
    FloatArray,
    level_walk_met,
    minetti_run_j_kg_m,
    running_curve,
    walking_curve,
)

GRAVITY_M_S2: Final = 9.80665
POSITIVE_WORK_EFFICIENCY: Final = 0.25  # Margaria 1968
NEGATIVE_WORK_EFFICIENCY: Final = 1.2  # Margaria 1968 (magnitude)
DEADMILL_BELT_FRICTION: Final = 0.10  # ASSUMPTION, see module docstring
JONES_DOUST_GRADE_PERCENT: Final = 1.0
JONES_DOUST_MIN_SPEED_M_S: Final = 2.92
CURVED_WALK_CODE: Final = "17455"
CURVED_RUN_CODES: Final = ("12410", "12412", "12414", "12416")


def treadmill_run_saving_met(speed_m_s: FloatArray, level_net_met: FloatArray) -> FloatArray:
    """MET saved running on a motorised treadmill rather than outdoors (Jones & Doust 1996)."""
    one_percent = float(minetti_run_j_kg_m(JONES_DOUST_GRADE_PERCENT / 100.0)) / MINETTI_RUN[-1]
    scale = np.minimum(1.0, (speed_m_s / JONES_DOUST_MIN_SPEED_M_S) ** 2)
    return level_net_met * (one_percent - 1.0) * scale


def deadmill_met(speed_m_s: FloatArray) -> FloatArray:
    """MET added by pushing a switched-off treadmill belt (ASSUMPTION, see module docstring)."""
    power_w_kg = DEADMILL_BELT_FRICTION * GRAVITY_M_S2 * speed_m_s
    return power_w_kg / POSITIVE_WORK_EFFICIENCY / W_PER_KG_PER_MET


@cache
def curved_factors() -> tuple[float, float]:
    """Net-cost ratios curved/overground for walking and running, from the 2024 rows."""
    by_code = {row.code: row for row in rows(2024)}
    walk_row = by_code[CURVED_WALK_CODE]
    walk_speed = np.array([walk_row.speed_mid_m_s or 0.0])
    walk_ratio = (walk_row.met - 1.0) / (level_walk_met(walk_speed, walking_curve(2024)) - 1.0)
    run_ratios = []
    for code in CURVED_RUN_CODES:
        row = by_code[code]
        speed = np.array([row.speed_mid_m_s or 0.0])
        run_ratios.append((row.met - 1.0) / (running_curve(2024).met(speed) - 1.0))
    return float(walk_ratio[0]), float(np.mean(run_ratios))


def sled_met(
    sled_kg: FloatArray,
    body_mass_kg: FloatArray,
    speed_m_s: FloatArray,
    grade_percent: FloatArray,
    friction: FloatArray,
) -> FloatArray:
    """MET added by dragging a sled of ``sled_kg`` at ``speed_m_s`` on ``grade_percent``."""
    rise = grade_percent / 100.0  # tan(theta): cos = 1 / hypot, sin = rise / hypot
    force_n = sled_kg * GRAVITY_M_S2 * (friction + rise) / np.sqrt(1.0 + rise * rise)
    power_w = force_n * speed_m_s
    metabolic_w = np.where(
        power_w >= 0, power_w / POSITIVE_WORK_EFFICIENCY, -power_w / NEGATIVE_WORK_EFFICIENCY
    )
    return metabolic_w / body_mass_kg / W_PER_KG_PER_MET
