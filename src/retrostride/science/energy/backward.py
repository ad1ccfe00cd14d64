"""Backward walking and running: the forward model transformed, anchored on 17320 and 17325.

No published predictive equation for backward locomotion was found in the literature, so the
backward cost is built from the forward cost of the same model and a few measured facts.

Walking, level (a dynamic-similarity argument). People switch from walking to running backward at
1.63 m/s (Hreljac et al. 2005, J Sports Sci Med 4:446, preferred transition) and forward at about
2.0 m/s (Hreljac 1993, Med Sci Sports Exerc 25:1158): backward walking behaves like
forward walking at a speed ``1/0.815`` times higher. The net cost (MET - 1) is therefore
``c * forward_net(v / 0.815)``, with ``c`` the one constant fitted to the edition's row 17320
(3.5 mph, level): ``c`` comes out at 1.00 (2011) and 1.05 (2024), close to 1, which supports the
scaling. It makes the backward/forward ratio rise with speed, as measured (Myatt et al. 1995,
JOSPT 21:132: VO2 curvilinear in backward speed, 0.89-1.79 m/s) and puts the energetically
optimal backward walk-run transition near Hreljac 2005's 1.85 +- 0.09 m/s.

Walking, uphill. Two mechanisms, the larger wins (so the cost never falls as the grade rises):
the level backward cost plus ``kappa`` times the forward grade term, and ``r_up`` times the
forward net cost on the same grade. ``r_up`` is fitted to row 17325 (3.5 mph, 5%): 1.20 (2024) and
1.23 (2011), matching Hooper et al. 2004 (JOSPT 34:65: backward 17-20% above forward at 5, 7.5
and 10%) and row 17475 (2024: backward 2.5 mph at +10%, 7.8 MET, reproduced within 2% without
being fitted). ``kappa`` is set so that both mechanisms meet at the 5% row.

Walking, downhill (no data): the level backward/forward ratio at that speed times the forward net
cost on the same grade; always flagged extrapolated.

Running, any grade: net cost ``BACKWARD_RUN_RATIO`` x forward, the central estimate of the
published studies in :data:`BACKWARD_RUN_STUDIES` (the mean of the studies that give a figure,
one vote each), with the range ``BACKWARD_RUN_RANGE`` they span and a certainty set by that
spread (:func:`backward_run_summary`). Until model 1.0 the ratio was Wright & Weyand 2001's 1.35
alone (four trained men), labelled high certainty: 15% above Williford et al. 1998's measured
backward VO2 at 2.24 m/s.

The model is for a walker unpractised at backward locomotion: practice lowers its cost (Heath
2001, Phys Ther Sport 2:171: 2.05 to 1.66 L/min after 4 weeks).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Final

import numpy as np

from retrostride.science.energy.compendium import lookup
from retrostride.science.energy.forward import (
    SLOWEST_WALK_M_S,
    FloatArray,
    level_walk_met,
    walk_grade_met,
    walking_curve,
)

# Preferred walk-to-run transition speeds [m/s].
BACKWARD_TRANSITION_M_S: Final = 1.63  # Hreljac et al. 2005, J Sports Sci Med 4:446
FORWARD_TRANSITION_M_S: Final = 2.0  # Hreljac 1993 (about 2.0-2.07 m/s) [to verify in the paper]
BACKWARD_SPEED_SCALE: Final = BACKWARD_TRANSITION_M_S / FORWARD_TRANSITION_M_S
STANDING_VO2_ML_KG_MIN: Final = 3.5  # 1 MET, subtracted to turn a gross VO2 ratio into net [C]


@dataclass(frozen=True)
class RunStudy:
    """One published comparison of backward with forward running.

    ``net_ratio`` backward/forward net cost (None where the source's figure is not in hand),
    ``spread`` its +- as published; ``speeds_m_s`` and ``grades_percent`` (low, high) measured.
    """

    source: str
    subjects: int | None
    speeds_m_s: tuple[float, float] | None
    grades_percent: tuple[float, float]
    net_ratio: float | None
    spread: float | None
    how: str


def _williford_net_ratio() -> float:
    """Williford et al. 1998: backward 31.33 mL/kg/min at 2.24 m/s, backward/forward 1.15 (gross);
    net of 3.5 mL/kg/min standing: (31.33 - 3.5) / (31.33 / 1.15 - 3.5) = 1.172 [C]."""
    backward = 31.33
    forward = backward / 1.15
    return (backward - STANDING_VO2_ML_KG_MIN) / (forward - STANDING_VO2_ML_KG_MIN)


BACKWARD_RUN_STUDIES: Final = (
    RunStudy(
        "Wright & Weyand 2001, J Exp Biol 204:1805",
        4,
        (1.75, 3.5),
        (0.0, 0.0),
        1.35,
        0.06,
        "net metabolic cost +35 +- 6% (four trained men, treadmill, level)",
    ),
    RunStudy(
        "Rasica et al. 2020, Eur J Appl Physiol 120:2507",
        None,
        None,
        (0.0, 25.0),
        1.35,
        None,
        "energy cost +35% on average over 0 to +25% grade (subjects and speeds: open)",
    ),
    RunStudy(
        "Williford et al. 1998, Med Sci Sports Exerc 30:1419",
        13,
        (2.24, 2.24),
        (0.0, 0.0),
        _williford_net_ratio(),
        None,
        "gross VO2 backward 31.33 mL/kg/min, ratio 1.15 (13 athletes); net ratio computed",
    ),
    RunStudy(
        "Paes & Fernandez 2016, Braz J Med Biol Res 49(5)",
        None,
        (2.46, 2.46),
        (0.0, 0.0),
        None,
        None,
        "no significant backward-forward difference jogging at 2.46 m/s (means: open); "
        "consistent with a ratio of 1.0, which bounds the range",
    ),
)
CERTAINTY_BY_SPREAD: Final = ((0.10, 0), (0.25, 1))
"""Relative spread (range / central) up to which the ratio is ``high`` (0) or ``medium`` (1);
beyond, ``low`` (2). retrostride's rule: the spread of published figures sets how sure we are."""


@dataclass(frozen=True)
class RunSummary:
    central: float
    low: float
    high: float
    certainty_code: int
    spread: float


@cache
def backward_run_summary() -> RunSummary:
    """Central estimate (mean of the studies' figures), range and certainty from the spread.

    Range: from 1.0 (Paes & Fernandez 2016 found no significant difference) or the lowest
    figure, whichever is lower, to the highest figure plus its published spread.
    """
    figures = [study.net_ratio for study in BACKWARD_RUN_STUDIES if study.net_ratio is not None]
    central = sum(figures) / len(figures)
    tops = [(s.net_ratio or 0.0) + (s.spread or 0.0) for s in BACKWARD_RUN_STUDIES]
    low = min(1.0, *figures)
    high = max(tops)
    spread = (high - low) / central
    code = next((level for limit, level in CERTAINTY_BY_SPREAD if spread <= limit), 2)
    return RunSummary(central, low, high, code, spread)


BACKWARD_RUN_RATIO: Final = backward_run_summary().central
BACKWARD_RUN_RANGE: Final = (backward_run_summary().low, backward_run_summary().high)
# Energetically optimal backward transition, for checks: Hreljac et al. 2005.
BACKWARD_OPTIMAL_TRANSITION_M_S: Final = (1.85, 0.09)


@dataclass(frozen=True)
class BackwardAnchors:
    """The three backward walking constants of one edition, fitted to its rows."""

    level_scale: float  # c: backward net = c * forward net at v / 0.815
    uphill_ratio: float  # r_up: backward/forward net on uphill grades
    kappa: float  # grade sensitivity of the level backward cost
    level_code: str
    uphill_code: str


@cache
def anchors(edition: int) -> BackwardAnchors:
    """Fit ``c``, ``r_up`` and ``kappa`` to rows 17320 and 17325 of ``edition``."""
    level_row = lookup("17320", edition)
    uphill_row = lookup("17325", edition)
    curve = walking_curve(edition)
    speed = np.array([level_row.speed_mid_m_s or 0.0])
    grade = np.array([uphill_row.grade_mid_percent or 0.0])
    forward_level_net = level_walk_met(speed, curve) - 1.0
    scaled_net = level_walk_met(speed / BACKWARD_SPEED_SCALE, curve) - 1.0
    level_scale = float(((level_row.met - 1.0) / scaled_net)[0])
    grade_term = walk_grade_met(speed, grade, forward_level_net)
    uphill_ratio = float(((uphill_row.met - 1.0) / (forward_level_net + grade_term))[0])
    backward_level_net = level_row.met - 1.0
    meet = uphill_ratio * (forward_level_net + grade_term) - backward_level_net
    kappa = float(max(0.0, float((meet / grade_term)[0])))
    return BackwardAnchors(level_scale, uphill_ratio, kappa, level_row.code, uphill_row.code)


def backward_walk_net(
    speed_m_s: FloatArray,
    grade_percent: FloatArray,
    forward_level_net: FloatArray,
    forward_grade_met: FloatArray,
    scaled_level_net: FloatArray,
    edition: int,
) -> FloatArray:
    """Backward walking net MET from the forward terms at the same speed and grade.

    ``scaled_level_net`` is the forward level net MET at ``speed_m_s / 0.815``.
    """
    fit = anchors(edition)
    level_net = fit.level_scale * scaled_level_net
    forward_net = forward_level_net + forward_grade_met
    uphill = np.maximum(level_net + fit.kappa * forward_grade_met, fit.uphill_ratio * forward_net)
    if np.any(grade_percent < 0):
        ratio = level_net / np.maximum(forward_level_net, 1e-9)
        uphill = np.where(grade_percent < 0, ratio * forward_net, uphill)
    slow = speed_m_s < SLOWEST_WALK_M_S
    if np.any(slow):  # fade into standing still, which is the same both ways
        weight = np.minimum(speed_m_s / SLOWEST_WALK_M_S, 1.0)
        uphill = forward_net + (uphill - forward_net) * weight
    return uphill
