"""Carried load and surface: Pandolf et al. 1977 with the Santee et al. 2001 downhill correction.

Pandolf, Givoni, Goldman 1977 (J Appl Physiol 43:577), metabolic rate in watts::

    M = 1.5 W + 2.0 (W + L) (L / W)^2 + eta (W + L) (1.5 V^2 + 0.35 V G)

W body mass [kg], L load [kg], V speed [m/s], G grade [%], eta the surface factor
(Pandolf's "terrain factor"); fitted for loads of 0-70 kg at up to 1.97 m/s (Pandolf et al.
1977). Downhill (G < 0) Santee et al. 2001
(Aviat Space Environ Med 72:562) subtract::

    CF = eta [ G (W + L) V / 3.5 - (W + L) (G + 6)^2 / W + (25 - V^2) ]

The model uses Pandolf only for what the Compendium rows do not give: the *increment* due to the
load (loaded minus unloaded, same person, speed, grade and surface) and due to the surface
(``eta`` minus 1 times the movement term). Running with a load: net cost in proportion to the
mass moved, ``(W + L) / W`` (Teunissen, Grabowski & Kram 2007, J Exp Biol 210:4418, Fig. 3:
running at 3 m/s with added mass and weight, net metabolic rate rose slightly more than in
direct proportion, so the model is at most slightly low).
"""

from __future__ import annotations

from typing import Final

import numpy as np

from retrostride.science.energy.forward import W_PER_KG_PER_MET, FloatArray

PANDOLF_MAX_LOAD_KG: Final = 70.0
PANDOLF_MAX_SPEED_M_S: Final = 1.97


def pandolf_watts(
    body_mass_kg: FloatArray,
    load_kg: FloatArray,
    speed_m_s: FloatArray,
    grade_percent: FloatArray,
    surface_factor: FloatArray | float = 1.0,
) -> FloatArray:
    """Pandolf 1977 metabolic rate [W], with Santee 2001's correction where the grade < 0."""
    total = body_mass_kg + load_kg
    rate = (
        1.5 * body_mass_kg
        + 2.0 * total * (load_kg / body_mass_kg) ** 2
        + surface_factor * total * (1.5 * speed_m_s**2 + 0.35 * speed_m_s * grade_percent)
    )
    downhill = np.minimum(grade_percent, 0.0)
    correction = surface_factor * (
        downhill * total * speed_m_s / 3.5
        - total * (downhill + 6.0) ** 2 / body_mass_kg
        + (25.0 - speed_m_s**2)
    )
    return np.where(grade_percent < 0, rate - correction, rate)


def load_walk_met(
    body_mass_kg: FloatArray,
    load_kg: FloatArray,
    speed_m_s: FloatArray,
    grade_percent: FloatArray,
    surface_factor: FloatArray | float,
) -> FloatArray:
    """MET added by carrying ``load_kg`` while walking: Pandolf/Santee loaded minus unloaded.

    Expanded, the standing term 1.5 W and Santee's (25 - V^2) cancel::

        2 (W + L) (L / W)^2 + eta L (1.5 V^2 + 0.35 V G)
        - [G < 0] eta (G L V / 3.5 - L (G + 6)^2 / W)
    """
    share = load_kg / body_mass_kg
    added_w = 2.0 * (body_mass_kg + load_kg) * share * share
    added_w += surface_factor * load_kg * speed_m_s * (1.5 * speed_m_s + 0.35 * grade_percent)
    if np.any(grade_percent < 0):
        downhill = np.minimum(grade_percent, 0.0)
        santee = downhill * load_kg * speed_m_s / 3.5
        santee -= load_kg * (downhill + 6.0) ** 2 / body_mass_kg
        added_w = added_w - surface_factor * santee * (grade_percent < 0)
    return np.maximum(added_w, 0.0) / body_mass_kg / W_PER_KG_PER_MET


def surface_walk_met(
    speed_m_s: FloatArray, grade_percent: FloatArray, surface_factor: FloatArray
) -> FloatArray:
    """MET added by walking on a surface of factor ``eta`` instead of blacktop.

    Pandolf's movement term.
    """
    movement_w_kg = 1.5 * speed_m_s**2 + 0.35 * speed_m_s * np.maximum(grade_percent, 0.0)
    return (surface_factor - 1.0) * movement_w_kg / W_PER_KG_PER_MET
