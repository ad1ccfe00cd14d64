"""One table of limits: refused single values, NaN in arrays, ceilings of human capacity."""

from __future__ import annotations

import math

import numpy as np
import pytest

from retrostride.errors import InputError
from retrostride.science import energy, limits


def test_every_limit_names_its_source_and_field() -> None:
    for field, limit in limits.LIMITS.items():
        assert limit.field == field and limit.source
        assert limit.low < limit.high
        if limit.fitted_low is not None or limit.fitted_high is not None:
            assert limit.fitted_source


def test_one_body_mass_range_everywhere() -> None:
    bound = limits.BODY_MASS_KG
    assert bound.check(70.0) == pytest.approx(70.0, rel=0)
    for bad in (0.0, 19.9, 400.1, math.nan, math.inf):
        with pytest.raises(InputError) as info:
            bound.check(bad)
        assert info.value.field == "body_mass_kg" and "20 to 400 kg" in info.value.expected
    with pytest.raises(InputError) as info:
        energy.estimate(energy.Conditions(1.3, body_mass_kg=500))
    assert info.value.field == "body_mass_kg" and "400" in info.value.expected
    with pytest.raises(InputError):
        energy.from_row(energy.lookup("17320", 2024), 500)
    with pytest.raises(InputError):
        energy.Profile(40, "male", 1.8, 500)


def test_the_189_met_case_is_refused_not_answered() -> None:
    # 14 km/h walking at 17% on a curved treadmill, 57.5 kg: the engine once printed 189.7 MET.
    conditions = energy.Conditions(
        14 / 3.6, 17, gait="walk", setting="curved-treadmill", body_mass_kg=57.5
    )
    with pytest.raises(InputError) as info:
        energy.estimate(conditions)
    assert info.value.field == "speed_m_s" and "25 MET ceiling" in info.value.expected


def test_a_sled_heavier_than_friction_and_body_weight_allow_is_refused() -> None:
    # 200 kg on high-friction turf (mu 0.58): 200 x 0.58 / 70 = 1.66 body weights of pull.
    conditions = energy.Conditions(0.5, sled_kg=200, surface="high-friction-turf")
    with pytest.raises(InputError) as info:
        energy.estimate(conditions)
    assert info.value.field == "sled_kg" and "1.66 body weights" in info.value.expected
    pull = energy.core.sled_pull_body_weights(
        np.array([200.0]), np.array([70.0]), np.array([0.0]), np.array([0.58])
    )
    assert pull[0] == pytest.approx(200 * 0.58 / 70, rel=1e-12)
    # a 40 kg sled on the same turf is answered
    assert energy.estimate(energy.Conditions(1.0, sled_kg=40, surface="high-friction-turf")).met > 1


def test_arrays_set_the_element_to_nan_with_a_warning() -> None:
    result = energy.estimate_arrays(
        np.array([1.3, -1.0, 1.3, 14 / 3.6]),
        0,
        "forward",
        np.array([1, 1, 1, 1]),
        body_mass_kg=np.array([70, 70, 900, 70]),
    )
    assert list(result.valid) == [True, False, False, False]
    assert not math.isnan(float(result.met[0]))
    assert np.all(np.isnan(result.met[1:]))
    assert any("speed_m_s" in w for w in result.warnings)
    assert any("body_mass_kg" in w for w in result.warnings)


def test_fitted_ranges_warn() -> None:
    assert limits.GRADE_PERCENT.fitted(30.0) and not limits.GRADE_PERCENT.fitted(60.0)
    assert limits.ADULT_AGE_YEARS.fitted(45) and not limits.ADULT_AGE_YEARS.fitted(85)
    notes = energy.Profile(85, "female", 1.6, 60).notes
    assert any("Mifflin et al. 1990" in note for note in notes)
