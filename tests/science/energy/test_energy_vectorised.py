"""The vectorised API equals the single-value API; refusals; certainty levels."""

from __future__ import annotations

import math

import numpy as np
import pytest

from retrostride.errors import InputError
from retrostride.science import energy
from retrostride.science.energy import SETTING_CODES, SURFACE_NAMES


def test_arrays_equal_single_values_with_every_option() -> None:
    rng = np.random.default_rng(7)
    n = 400
    speed = rng.uniform(0.0, 4.4, n)
    grade = rng.uniform(-30, 30, n)
    direction = rng.integers(0, 2, n)
    gait = rng.integers(0, 3, n)
    setting = rng.integers(0, 4, n)
    surface = rng.integers(0, len(SURFACE_NAMES), n)
    mass = rng.uniform(45, 120, n)
    load = np.where(rng.random(n) < 0.5, rng.uniform(0, 40, n), 0.0)
    sled = np.where(rng.random(n) < 0.3, rng.uniform(0, 60, n), 0.0)
    for edition in energy.EDITIONS:
        arrays = energy.estimate_arrays(
            speed, grade, direction, gait, setting, surface, load, sled, mass, edition=edition
        )
        ok = arrays.valid
        singles = [
            energy.estimate(
                energy.Conditions(
                    speed_m_s=float(speed[i]),
                    grade_percent=float(grade[i]),
                    direction=energy.DIRECTION_CODES[direction[i]],
                    gait=None if gait[i] == 0 else energy.GAIT_CODES[gait[i]],
                    setting=SETTING_CODES[setting[i]],
                    surface=SURFACE_NAMES[surface[i]],
                    load_kg=float(load[i]),
                    sled_kg=float(sled[i]),
                    body_mass_kg=float(mass[i]),
                    edition=edition,
                )
            )
            for i in range(n)
            if ok[i]
        ]
        for i in np.flatnonzero(~ok):  # beyond human capacity: NaN here, refused one at a time
            assert np.isnan(arrays.met[i])
            with pytest.raises(InputError):
                energy.estimate(
                    energy.Conditions(
                        float(speed[i]),
                        float(grade[i]),
                        energy.DIRECTION_CODES[direction[i]],
                        None if gait[i] == 0 else energy.GAIT_CODES[gait[i]],
                        SETTING_CODES[setting[i]],
                        SURFACE_NAMES[surface[i]],
                        float(load[i]),
                        float(sled[i]),
                        float(mass[i]),
                        edition,
                    )
                )
        # estimate() runs arrays of one, this call arrays of 400: numpy takes other SIMD loops
        # for them and promises no bitwise equality (on some CPUs the last bit differs), so the
        # figures agree to 1e-12 relative (a few thousand ULP, far below any modelling change).
        for name in ("met", "forward_met", "vo2_l_min", "kcal_per_min"):
            np.testing.assert_allclose(
                [getattr(single, name) for single in singles],
                getattr(arrays, name)[ok],
                rtol=1e-12,
                atol=0,
                err_msg=f"{name}, edition {edition}",
            )
        for i, single in zip(np.flatnonzero(ok), singles, strict=True):
            assert single.extrapolated == bool(arrays.extrapolated[i])
            assert single.certainty == energy.CERTAINTY_LEVELS[arrays.certainty[i]]
            assert (2 if single.gait == "run" else 1) == arrays.gait[i]


def test_strings_and_codes_and_shapes() -> None:
    by_code = energy.estimate_arrays([1.0, 1.5], 0, [1, 0])
    by_name = energy.estimate_arrays(np.array([1.0, 1.5]), 0, np.array(["backward", "forward"]))
    # the same vector path either way: equal to a few ULP
    np.testing.assert_array_max_ulp(by_code.met, by_name.met, maxulp=4)
    grid = energy.estimate_arrays(np.full((3, 4), 1.2), np.zeros((3, 4)))
    assert grid.met.shape == (3, 4)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"speed_m_s": -0.1}, "speed_m_s"),
        ({"speed_m_s": math.nan}, "speed_m_s"),
        ({"speed_m_s": 13.0}, "speed_m_s"),
        ({"speed_m_s": 5.0, "gait": "walk"}, "speed_m_s"),
        ({"speed_m_s": 1.0, "grade_percent": 300}, "grade_percent"),
        ({"speed_m_s": 1.0, "grade_percent": math.inf}, "grade_percent"),
        ({"speed_m_s": 1.0, "body_mass_kg": 0}, "body_mass_kg"),
        ({"speed_m_s": 1.0, "load_kg": -5}, "load_kg"),
        ({"speed_m_s": 1.0, "load_kg": 200}, "load_kg"),
        ({"speed_m_s": 1.0, "sled_kg": -1}, "sled_kg"),
        ({"speed_m_s": 1.0, "direction": "mixed"}, "direction"),
        ({"speed_m_s": 1.0, "setting": "escalator"}, "setting"),
        ({"speed_m_s": 1.0, "surface": "lava"}, "surface"),
        ({"speed_m_s": 1.0, "edition": 2019}, "edition"),
    ],
)
def test_meaningless_input_is_refused(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as info:
        energy.estimate(energy.Conditions(**kwargs))  # type: ignore[arg-type]
    assert info.value.field == field


def test_plausible_but_unmeasured_input_is_answered_and_flagged() -> None:
    far = energy.estimate(energy.Conditions(2.0, 15, direction="backward", gait="walk"))
    assert far.extrapolated and far.certainty in {"low", "very-low"}
    near = energy.estimate(energy.Conditions(1.5646 + 0.2, 0, direction="backward", gait="walk"))
    assert near.extrapolated is False  # inside Myatt 1995's 0.89-1.79 m/s
    # backward running: the published ratios spread from 1.0 to 1.41, so never "high"
    jog = energy.estimate(energy.Conditions(1.5646 + 0.3, 0, direction="backward"))
    assert jog.gait == "run" and jog.extrapolated and jog.certainty == "low"
    steep = energy.estimate(energy.Conditions(1.0, 60, direction="forward"))
    assert steep.extrapolated and steep.warnings


def test_certainty_levels_grow_with_distance() -> None:
    speeds = np.array([1.5646, 1.5646, 1.5646, 1.5646])
    grades = np.array([5.0, 9.0, 14.0, 30.0])
    result = energy.estimate_arrays(speeds, grades, "backward", "walk")
    assert list(result.certainty) == sorted(result.certainty)
    assert result.certainty[0] == 0 and result.certainty[-1] == 3
    assert np.all(np.diff(result.certainty_distance) > 0)


def test_model_version_is_exported() -> None:
    assert energy.MODEL_VERSION.startswith("retrostride-energy")
    assert energy.estimate(energy.Conditions(1.0)).model == energy.MODEL_VERSION
