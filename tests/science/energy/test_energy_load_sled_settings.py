"""Load (Pandolf/Santee), surface, sled, treadmill, deadmill and curved treadmill."""

from __future__ import annotations

import numpy as np
import pytest

from retrostride.science import energy
from retrostride.science.energy.load import pandolf_watts
from retrostride.science.energy.machines import sled_met


def _est(**kwargs: object) -> energy.EnergyEstimate:
    return energy.estimate(energy.Conditions(**kwargs))  # type: ignore[arg-type]


def test_pandolf_equation_terms() -> None:
    # Pandolf 1977, 70 kg with 20 kg at 1.25 m/s, 5%, eta 1.2, worked by hand:
    # 1.5*70 + 2*90*(20/70)^2 + 1.2*90*(1.5*1.5625 + 0.35*1.25*5) = 105 + 14.694 + 489.375
    value = pandolf_watts(
        np.array([70.0]), np.array([20.0]), np.array([1.25]), np.array([5.0]), 1.2
    )
    assert float(value[0]) == pytest.approx(
        105 + 2 * 90 * (20 / 70) ** 2 + 1.2 * 90 * (1.5 * 1.5625 + 0.35 * 1.25 * 5), rel=1e-12
    )


def test_santee_downhill_correction() -> None:
    # Santee 2001 CF = eta [G (W+L) V / 3.5 - (W+L)(G+6)^2 / W + (25 - V^2)], subtracted.
    w, load, v, g = 70.0, 20.0, 1.25, -10.0
    pandolf = 1.5 * w + 2 * (w + load) * (load / w) ** 2 + (w + load) * (1.5 * v**2 + 0.35 * v * g)
    cf = g * (w + load) * v / 3.5 - (w + load) * (g + 6) ** 2 / w + (25 - v**2)
    value = pandolf_watts(np.array([w]), np.array([load]), np.array([v]), np.array([g]))
    assert float(value[0]) == pytest.approx(pandolf - cf, rel=1e-12)
    assert float(value[0]) > 0  # Pandolf alone would be negative here


def test_load_raises_cost_and_stays_measured_inside_pandolf_range() -> None:
    light = _est(speed_m_s=1.3, direction="forward", load_kg=10)
    heavy = _est(speed_m_s=1.3, direction="forward", load_kg=30)
    plain = _est(speed_m_s=1.3, direction="forward")
    assert plain.met < light.met < heavy.met
    assert not heavy.extrapolated
    assert any("Pandolf" in source for source in heavy.sources)
    assert _est(speed_m_s=1.3, direction="forward", load_kg=100).extrapolated  # > 70 kg


def test_surface_factor_raises_walking_cost() -> None:
    firm = _est(speed_m_s=1.3, direction="forward")
    sand = _est(speed_m_s=1.3, direction="forward", surface="loose-sand")
    assert sand.met > firm.met
    # Pandolf's movement term at eta 2.1 adds 1.1 x 1.5 v^2 W/kg.
    added_w_kg = 1.1 * 1.5 * 1.3**2
    assert sand.met - firm.met == pytest.approx(added_w_kg / (4184 / 3600), rel=1e-6)


def test_sled_physics() -> None:
    # 40 kg sled, mu 0.33, 1.2 m/s, level: F = 40 g 0.33 = 129.4 N, 155.3 W, / 0.25 = 621 W.
    added = sled_met(
        np.array([40.0]), np.array([70.0]), np.array([1.2]), np.array([0.0]), np.array([0.33])
    )
    assert float(added[0]) == pytest.approx(
        40 * 9.80665 * 0.33 * 1.2 / 0.25 / 70 / (4184 / 3600), rel=1e-12
    )
    low = _est(speed_m_s=1.2, direction="forward", sled_kg=40, surface="hockey-turf")
    high = _est(speed_m_s=1.2, direction="forward", sled_kg=40, surface="high-friction-turf")
    assert low.met < high.met
    assert low.extrapolated and low.certainty in {"low", "very-low"}
    unknown_surface = _est(speed_m_s=1.2, sled_kg=40, surface="dirt-road")
    assert any("assumed" in warning for warning in unknown_surface.warnings)


def test_deadmill_is_an_assumption_flagged_very_low() -> None:
    dead = _est(speed_m_s=1.0, direction="forward", setting="deadmill")
    ground = _est(speed_m_s=1.0, direction="forward")
    assert dead.met > ground.met
    assert dead.extrapolated and dead.certainty == "very-low"
    assert any("ASSUMPTION" in source for source in dead.sources)
    assert dead.warnings


def test_curved_treadmill_reproduces_17455_and_costs_more() -> None:
    row = energy.lookup("17455")
    curved = _est(speed_m_s=row.speed_mid_m_s, direction="forward", setting="curved-treadmill")
    assert curved.met == pytest.approx(row.met, rel=0.03)
    ground = _est(speed_m_s=row.speed_mid_m_s, direction="forward")
    assert curved.met > ground.met
    backward = _est(speed_m_s=1.2, setting="curved-treadmill")
    assert backward.extrapolated


@pytest.mark.parametrize("code", ["12410", "12412", "12414", "12416"])
def test_curved_treadmill_running_rows_within_15_percent(code: str) -> None:
    row = energy.lookup(code)
    curved = _est(
        speed_m_s=row.speed_mid_m_s, direction="forward", gait="run", setting="curved-treadmill"
    )
    assert curved.met == pytest.approx(row.met, rel=0.15)


def test_load_increment_is_pandolf_loaded_minus_unloaded() -> None:
    from retrostride.science.energy.load import load_walk_met

    rng = np.random.default_rng(3)
    size = 2000
    body = rng.uniform(40, 120, size)
    load = rng.uniform(0, 70, size)
    speed = rng.uniform(0.3, 2.0, size)
    grade = rng.uniform(-30, 30, size)
    eta = rng.choice([1.0, 1.1, 1.5, 2.1], size)
    difference = pandolf_watts(body, load, speed, grade, eta) - pandolf_watts(
        body, np.zeros(size), speed, grade, eta
    )
    expected = np.maximum(difference, 0.0) / body / (4184 / 3600)
    # `expected` subtracts two Pandolf totals and loses digits to cancellation (1e-12 relative
    # seen), hence 1e-7 relative or 1e-12 MET absolute
    np.testing.assert_allclose(
        load_walk_met(body, load, speed, grade, eta), expected, rtol=1e-7, atol=1e-12
    )
