"""services.energy.estimate_cost: the one comparison, backward against forward at the same gait."""

from __future__ import annotations

import pytest

from retrostride.errors import InputError
from retrostride.science.energy import Conditions, Profile
from retrostride.services.energy import estimate_cost, row_cost


def test_forward_baseline_keeps_the_gait_and_matches_the_engine() -> None:
    # 6.5 km/h backward runs (above the 1.63 m/s backward transition, Hreljac et al. 2005): the
    # baseline is forward running at 6.5 km/h, not forward walking.
    cost = estimate_cost(Conditions(6.5 / 3.6, direction="backward"), duration_s=1800)
    assert cost.forward is not None and cost.ratio_to_forward is not None
    assert cost.estimate.gait == cost.forward.gait == "run"
    assert cost.forward.met == pytest.approx(cost.estimate.forward_met, rel=1e-12)
    assert cost.ratio_to_forward == pytest.approx(cost.estimate.ratio_to_forward, rel=1e-12)
    assert cost.kcal is not None and cost.forward_kcal is not None
    assert cost.kcal.gross_kcal == pytest.approx(cost.estimate.met * 70 * 0.5, rel=1e-12)


def test_forward_asked_is_its_own_baseline() -> None:
    cost = estimate_cost(Conditions(1.3, direction="forward"))
    assert cost.ratio_to_forward == pytest.approx(1.0, rel=1e-12) and cost.kcal is None


def test_profile_mass_is_used_and_net_is_person_specific() -> None:
    woman = Profile(65, "female", 1.60, 90)
    cost = row_cost("17320", 2024, duration_s=3600, profile=woman)
    assert cost.kcal is not None
    assert cost.kcal.gross_kcal == pytest.approx(540.0, rel=1e-12)
    assert cost.kcal.gross_kcal_o2 == pytest.approx(567.0, rel=1e-12)
    assert cost.kcal.net_kcal == pytest.approx(477.2, abs=0.1)
    assert cost.notes


def test_refusals_name_the_field() -> None:
    with pytest.raises(InputError) as info:
        estimate_cost(Conditions(1.3, body_mass_kg=401))
    assert info.value.field == "body_mass_kg"
