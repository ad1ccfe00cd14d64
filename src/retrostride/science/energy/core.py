"""The vectorised energy engine: arrays of conditions in, arrays of results out.

:func:`estimate_arrays` is the only code path; :func:`estimate` calls it with arrays of one.

Categorical inputs take enum members, their strings, or small integer codes (arrays welcome):

- ``direction``: 0 forward, 1 backward (``mixed`` and ``unknown`` are refused: split the segment
  or choose);
- ``gait``: 0 or None chosen by speed, 1 walk, 2 run;
- ``setting``: 0 overground, 1 treadmill, 2 deadmill, 3 curved-treadmill;
- ``surface``: an index into :data:`SURFACE_NAMES` or the name (``None`` is firm ground).

Valid ranges come from one table, :mod:`retrostride.science.limits` (each bound with its source):
speed 0-12.5 m/s, walking up to 4.5 m/s, grade +-100% (fitted +-45%: warned), body mass
20-400 kg, load 0 to twice body mass, sled 0-1000 kg; NaN or infinite values are outside. Two
ceilings of human capacity are checked on the answer: a sustained intensity above 25 MET and a
sled pull above 1.0 body weight. :func:`estimate` (one condition) refuses any of these with
:class:`InputError` naming the field and the bound; :func:`estimate_arrays` sets the element to
NaN (``valid`` False) with a warning saying why, and answers the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from retrostride.errors import InputError
from retrostride.science import limits
from retrostride.science.energy import backward as bw
from retrostride.science.energy import certainty as cert
from retrostride.science.energy import machines
from retrostride.science.energy.compendium import EDITION_SOURCES, check_edition
from retrostride.science.energy.forward import (
    STANDING_MET,
    VO2_ML_KG_MIN_PER_MET,
    FloatArray,
    level_walk_met,
    level_walk_met_from,
    run_grade_met,
    running_curve,
    slowest_met,
    walk_grade_met,
    walking_curve,
)
from retrostride.science.energy.load import (
    PANDOLF_MAX_LOAD_KG,
    PANDOLF_MAX_SPEED_M_S,
    load_walk_met,
    surface_walk_met,
)
from retrostride.science.energy.surfaces import RUN_SURFACE_SCALE, SURFACE_NAMES, SURFACES
from retrostride.science.locomotion import Direction, Gait, Setting

MODEL_VERSION: Final = "retrostride-energy 1.1"

DIRECTION_CODES: Final = ("forward", "backward")
GAIT_CODES: Final = ("auto", "walk", "run")
SETTING_CODES: Final = ("overground", "treadmill", "deadmill", "curved-treadmill")
MAX_SPEED_M_S: Final = limits.SPEED_M_S.high
MAX_WALK_SPEED_M_S: Final = limits.WALK_SPEED_M_S.high
MAX_GRADE_PERCENT: Final = limits.GRADE_PERCENT.high
MAX_BODY_MASS_KG: Final = limits.BODY_MASS_KG.high
MAX_SLED_KG: Final = limits.SLED_KG.high

_SURFACE_FACTOR: Final = np.array([surface.surface_factor for surface in SURFACES])
_FRICTION: Final = np.array([surface.sled_friction for surface in SURFACES])
_FRICTION_MEASURED: Final = np.array([surface.sled_friction_measured for surface in SURFACES])

SOURCES: Final[dict[str, str]] = {
    "acsm": "ACSM walking equation grade term (ACSM's Guidelines for Exercise Testing)",
    "minetti": "Minetti et al. 2002, J Appl Physiol 93:1039 (cost of transport on gradients)",
    "transition": "Hreljac et al. 2005, J Sports Sci Med 4:446 (backward transition 1.63 m/s); "
    "Hreljac 1993, Med Sci Sports Exerc 25:1158 (forward about 2.0 m/s)",
    "backward-walk": "backward walking: speed scaling by transition speeds (Hreljac 2005), "
    "anchored on Compendium 17320/17325; Hooper et al. 2004, JOSPT 34:65",
    "backward-run": "backward running: mean of Wright & Weyand 2001, J Exp Biol 204:1805; "
    "Rasica et al. 2020, Eur J Appl Physiol 120:2507; Williford et al. 1998, Med Sci Sports "
    "Exerc 30:1419; range to Paes & Fernandez 2016, Braz J Med Biol Res 49(5)",
    "pandolf": "Pandolf et al. 1977, J Appl Physiol 43:577 (load, terrain)",
    "santee": "Santee et al. 2001, Aviat Space Environ Med 72:562 (downhill load)",
    "load-run": "Teunissen, Grabowski & Kram 2007, J Exp Biol 210:4418 (running with load)",
    "surface": "Soule & Goldman 1972, J Appl Physiol 32:706 (terrain factors)",
    "surface-run": "Lejeune et al. 1998, J Exp Biol 201:2071 (running on sand)",
    "sled": "Linthorne & Cooper 2013, Sports Biomech 12:175; Andre et al. 2013, J Strength Cond "
    "Res (sled friction); Margaria 1968, Int Z Angew Physiol 25:339 (muscular efficiency)",
    "treadmill-run": "Jones & Doust 1996, J Sports Sci 14:321 (1% treadmill grade)",
    "deadmill": "ASSUMPTION: belt friction 0.10 x body weight, efficiency 0.25 (Margaria 1968)",
    "curved": "Compendium 2024 17455, 12410-12416 (curved treadmill)",
}


@dataclass(frozen=True)
class Conditions:
    """One set of conditions (SI units; grade in percent, negative downhill).

    ``gait`` None chooses by speed; ``surface`` None is firm ground; ``load_kg`` and ``sled_kg``
    None mean none.
    """

    speed_m_s: float
    grade_percent: float = 0.0
    direction: Direction | str = Direction.BACKWARD
    gait: Gait | str | None = None
    setting: Setting | str = Setting.OVERGROUND
    surface: str | None = None
    load_kg: float | None = 0.0
    sled_kg: float | None = 0.0
    body_mass_kg: float = 70.0
    edition: int = 2024


@dataclass(frozen=True)
class EnergyArrays:
    """Results of :func:`estimate_arrays`, one element per condition.

    ``met`` gross MET; ``forward_met`` the same model forward under the same conditions and gait
    (the baseline of ``ratio_to_forward``); ``gait`` codes (1 walk, 2 run); ``certainty`` codes
    (index into :data:`~retrostride.science.energy.certainty.LEVELS`); ``kcal_per_min`` by the
    MET x kg x h convention, ``kcal_per_min_o2`` by 5 kcal per litre O2. ``met_low`` and
    ``met_high`` the range the published studies allow (backward running: the spread of the
    backward/forward ratios; elsewhere equal to ``met``). ``valid`` is False
    where an input was outside its range or the answer beyond human capacity (values NaN, a
    warning says why).
    """

    met: FloatArray
    met_low: FloatArray
    met_high: FloatArray
    vo2_ml_kg_min: FloatArray
    vo2_l_min: FloatArray
    kcal_per_min: FloatArray
    kcal_per_min_o2: FloatArray
    forward_met: FloatArray
    ratio_to_forward: FloatArray
    gait: NDArray[np.int8]
    direction: NDArray[np.int8]
    extrapolated: NDArray[np.bool_]
    certainty: NDArray[np.int8]
    certainty_distance: FloatArray
    valid: NDArray[np.bool_]
    sources: tuple[str, ...]
    warnings: tuple[str, ...]
    edition: int
    model: str = MODEL_VERSION


def _codes(values: Any, names: Sequence[str], field: str, *, none_code: int | None = None) -> Any:
    """Map enum members, strings or integer codes (scalars or arrays) to int8 codes."""
    expected = " or ".join(f"{name} ({code})" for code, name in enumerate(names))
    if values is None:
        if none_code is None:
            raise InputError(field, values, expected)
        return np.int8(none_code)
    array = np.asarray(values)
    if array.dtype.kind in "iub":
        if array.size and (array.min() < 0 or array.max() >= len(names)):
            raise InputError(field, values, expected)
        return array.astype(np.int8)
    flat = array.ravel()
    lookup = {name: code for code, name in enumerate(names)}
    if none_code is not None:
        lookup["none"] = none_code
    out = np.empty(flat.shape, dtype=np.int8)
    for text in set(flat.tolist()):
        key = none_code if text is None else lookup.get(str(text).strip().lower())
        if key is None:
            raise InputError(field, text, expected)
        out[flat == text] = key
    return out.reshape(array.shape)


def _check(ok: NDArray[np.bool_], values: FloatArray, field: str, expected: str) -> None:
    if not bool(np.all(ok)):
        bad = np.broadcast_to(values, ok.shape)[~ok].ravel()[0]
        raise InputError(field, float(bad), expected)


def _input_checks(
    speed: FloatArray,
    grade: FloatArray,
    mass: FloatArray,
    load: FloatArray,
    sled: FloatArray,
    gait_code: NDArray[np.int8],
) -> list[tuple[NDArray[np.bool_], FloatArray, str, str]]:
    """(ok, values, field, expected) for every input bound of :mod:`~retrostride.science.limits`."""
    mass_ok = limits.BODY_MASS_KG.mask(mass)
    with np.errstate(invalid="ignore"):
        load_ok = (load >= 0) & (load <= limits.LOAD_TO_BODY_MASS_MAX * mass)
        walk_ok = ~((gait_code == 1) & (speed > limits.WALK_SPEED_M_S.high))
    return [
        (
            limits.SPEED_M_S.mask(speed),
            speed,
            "speed_m_s",
            limits.SPEED_M_S.expected + " (45 km/h), e.g. '3.5 mph' or '5.6 km/h'",
        ),
        (walk_ok, speed, "speed_m_s", "a walking speed up to 4.5 m/s (choose running above it)"),
        (
            limits.GRADE_PERCENT.mask(grade),
            grade,
            "grade_percent",
            limits.GRADE_PERCENT.expected + " (negative downhill), e.g. '5' or '-3 %'",
        ),
        (mass_ok, mass, "body_mass_kg", limits.BODY_MASS_KG.expected),
        (load_ok, load, "load_kg", "a carried load from 0 kg to twice body mass, e.g. '10 kg'"),
        (limits.SLED_KG.mask(sled), sled, "sled_kg", limits.SLED_KG.expected),
    ]


def sled_pull_body_weights(
    sled_kg: FloatArray, body_mass_kg: FloatArray, grade_percent: FloatArray, friction: FloatArray
) -> FloatArray:
    """Force needed to drag the sled [body weights]: ``m_s (mu cos + sin) / m_body``."""
    rise = grade_percent / 100.0
    return np.asarray(
        sled_kg * (friction + rise) / np.sqrt(1.0 + rise * rise) / body_mass_kg, dtype=np.float64
    )


CHUNK: Final = 16384  # elements per pass: temporaries stay in the CPU cache


def _flat(values: NDArray[Any], shape: tuple[int, ...]) -> NDArray[Any]:
    """A 0-d array stays 0-d (numpy broadcasts it); anything else becomes 1-d of full size."""
    if values.ndim == 0:
        return values
    if values.shape == shape:
        return values.reshape(-1)
    return np.broadcast_to(values, shape).reshape(-1)


def estimate_arrays(
    speed_m_s: ArrayLike,
    grade_percent: ArrayLike = 0.0,
    direction: Any = Direction.BACKWARD,
    gait: Any = None,
    setting: Any = Setting.OVERGROUND,
    surface: Any = None,
    load_kg: ArrayLike | None = 0.0,
    sled_kg: ArrayLike | None = 0.0,
    body_mass_kg: ArrayLike = 70.0,
    edition: int = 2024,
    *,
    invalid: str = "nan",
) -> EnergyArrays:
    """Energy cost of every condition (inputs broadcast together; see the module docstring).

    Parameters
    ----------
    speed_m_s : walking or running speed [m/s], 0-12.5 (walking up to 4.5).
    grade_percent : grade [%], negative downhill, -100 to 100 (measured -45 to 45: warned).
    direction : 0/``forward`` or 1/``backward``.
    gait : None or 0 (chosen by speed), 1/``walk``, 2/``run``.
    setting : ``overground``, ``treadmill``, ``deadmill`` or ``curved-treadmill`` (or 0-3).
    surface : one of :data:`SURFACE_NAMES` (None: firm ground).
    load_kg : carried load [kg], 0 to twice body mass (Pandolf measured 0-70 kg: flagged above).
    sled_kg : sled with its plates [kg], 0-1000, and a pull of at most 1.0 body weight.
    body_mass_kg : body mass [kg], 20-400.
    edition : Compendium edition, 2011 or 2024.
    invalid : ``"nan"`` (default) sets an element outside the valid ranges, or beyond human
        capacity (above 25 MET sustained), to NaN with a warning; ``"raise"`` refuses it with
        :class:`InputError` naming the field and the bound.

    Returns
    -------
    :class:`EnergyArrays` [MET, mL/kg/min, L/min, kcal/min], one element per condition.

    References
    ----------
    Every bound and its source: :mod:`retrostride.science.limits`; the model's sources:
    :data:`SOURCES` and ``docs/energy.md``.
    """
    edition = check_edition(edition)
    inputs = [
        np.asarray(speed_m_s, dtype=np.float64),
        np.asarray(grade_percent, dtype=np.float64),
        np.asarray(body_mass_kg, dtype=np.float64),
        np.asarray(0.0 if load_kg is None else load_kg, dtype=np.float64),
        np.asarray(0.0 if sled_kg is None else sled_kg, dtype=np.float64),
        np.asarray(_codes(direction, DIRECTION_CODES, "direction")),
        np.asarray(_codes(gait, GAIT_CODES, "gait", none_code=0)),
        np.asarray(_codes(setting, SETTING_CODES, "setting")),
        np.asarray(_codes(surface, SURFACE_NAMES, "surface", none_code=0)),
    ]
    shape = np.broadcast_shapes(*(a.shape for a in inputs))
    flat = [_flat(a, shape) for a in inputs]
    size = int(np.prod(shape))
    warnings: list[str] = []
    valid = np.ones(size, dtype=np.bool_)
    for ok, values, field, expected in _input_checks(
        flat[0], flat[1], flat[2], flat[3], flat[4], flat[6]
    ):
        if invalid == "raise":
            _check(ok, values, field, expected)
        elif not bool(np.all(ok)):
            bad = ~np.broadcast_to(ok, (size,))
            valid &= ~bad
            warnings.append(f"{field}: {int(bad.sum())} value(s) outside {expected}: NaN")
    if not bool(np.all(valid)):  # placeholders the model can compute; outputs NaN below
        flat = [np.broadcast_to(a, (size,)).copy() for a in flat]
        for index, safe in enumerate((1.0, 0.0, 70.0, 0.0, 0.0)):
            flat[index][~valid] = safe
        flat[6][~valid] = 0
    out: dict[str, NDArray[Any]] = {
        name: np.empty(size, dtype=dtype) for name, dtype in _OUTPUTS.items()
    }
    used: set[str] = set()
    for start in range(0, size, CHUNK):
        stop = min(start + CHUNK, size)
        part = [a if a.ndim == 0 else a[start:stop] for a in flat]
        chunk, chunk_used, chunk_warnings = _compute(*part, edition=edition)
        for name, values in chunk.items():
            out[name][start:stop] = values
        used |= chunk_used
        warnings.extend(w for w in chunk_warnings if w not in warnings)
    valid &= _capacity(out, flat, size, invalid, warnings)
    if not bool(np.all(valid)):
        for name, dtype in _OUTPUTS.items():
            if dtype is np.float64:
                out[name][~valid] = np.nan
        out["extrapolated"][~valid] = True
        out["certainty"][~valid] = len(cert.LEVELS) - 1
    sources = tuple(
        EDITION_SOURCES[edition] if key == "edition" else SOURCES[key]
        for key in ("edition", *sorted(used - {"edition"}))
    )
    return EnergyArrays(
        **{name: values.reshape(shape) for name, values in out.items()},  # type: ignore[arg-type]
        valid=valid.reshape(shape),
        sources=sources,
        warnings=tuple(warnings),
        edition=edition,
    )


def _capacity(
    out: dict[str, NDArray[Any]],
    flat: list[NDArray[Any]],
    size: int,
    invalid: str,
    warnings: list[str],
) -> NDArray[np.bool_]:
    """False where the answer is beyond human capacity (see :mod:`~retrostride.science.limits`)."""
    speed, grade, mass, _load, sled = flat[:5]
    ok = np.ones(size, dtype=np.bool_)
    if bool(np.any(np.asarray(sled) > 0)):
        pull = sled_pull_body_weights(sled, mass, grade, _FRICTION.take(flat[8]))
        too_heavy = np.broadcast_to(pull > limits.SLED_PULL_BODY_WEIGHTS_MAX, (size,))
        if bool(np.any(too_heavy)):
            worst = float(np.broadcast_to(pull, (size,))[too_heavy].max())
            expected = (
                f"a sled a person can drag: this one needs a pull of {worst:.2f} body weights, "
                f"above the {limits.SLED_PULL_BODY_WEIGHTS_MAX:g} body weight that shoe friction "
                "and body weight allow"
            )
            if invalid == "raise":
                raise InputError(
                    "sled_kg", float(np.broadcast_to(sled, (size,))[too_heavy][0]), expected
                )
            ok &= ~too_heavy
            warnings.append(
                f"{int(too_heavy.sum())} sled value(s) need more than "
                f"{limits.SLED_PULL_BODY_WEIGHTS_MAX:g} body weight of pull: NaN"
            )
    met = np.where(ok, out["met"], 0.0)
    too_hard = met > limits.MET_SUSTAINED_MAX
    if bool(np.any(too_hard)):
        worst = float(met[too_hard].max())
        on_sled = bool(np.any(np.broadcast_to(sled, (size,))[too_hard] > 0))
        field = "sled_kg" if on_sled else "speed_m_s"
        expected = (
            f"conditions a person can sustain: these give {worst:.1f} MET "
            f"(VO2 {worst * VO2_ML_KG_MIN_PER_MET:.0f} mL/kg/min), above the "
            f"{limits.MET_SUSTAINED_MAX:g} MET ceiling (beyond the highest VO2max measured, "
            "90.6 mL/kg/min: Burtscher et al. 2011)"
        )
        if invalid == "raise":
            values = np.broadcast_to(speed if field == "speed_m_s" else sled, (size,))
            raise InputError(field, float(values[too_hard][0]), expected)
        ok &= ~too_hard
        warnings.append(
            f"{int(too_hard.sum())} value(s) above {limits.MET_SUSTAINED_MAX:g} MET: NaN"
        )
    return ok


_OUTPUTS: Final[dict[str, type]] = {
    "met": np.float64,
    "met_low": np.float64,
    "met_high": np.float64,
    "vo2_ml_kg_min": np.float64,
    "vo2_l_min": np.float64,
    "kcal_per_min": np.float64,
    "kcal_per_min_o2": np.float64,
    "forward_met": np.float64,
    "ratio_to_forward": np.float64,
    "gait": np.int8,
    "direction": np.int8,
    "extrapolated": np.bool_,
    "certainty": np.int8,
    "certainty_distance": np.float64,
}


def _compute(
    speed: FloatArray,
    grade: FloatArray,
    mass: FloatArray,
    load: FloatArray,
    sled: FloatArray,
    direction_code: NDArray[np.int8],
    gait_code: NDArray[np.int8],
    setting_code: NDArray[np.int8],
    surface_code: NDArray[np.int8],
    *,
    edition: int,
) -> tuple[dict[str, NDArray[Any]], set[str], list[str]]:
    """One chunk (1-d arrays of one length, or 0-d arrays broadcast against them)."""
    used = {"edition"}
    warnings: list[str] = []
    backward = direction_code == 1
    any_backward = bool(np.any(backward))
    auto = gait_code == 0
    transition: Any = bw.FORWARD_TRANSITION_M_S
    if any_backward:
        transition = np.where(backward, bw.BACKWARD_TRANSITION_M_S, bw.FORWARD_TRANSITION_M_S)
    if bool(np.all(auto)):
        run = speed >= transition
    elif bool(np.any(auto)):
        run = np.where(auto, speed >= transition, gait_code == 2)
    else:
        run = gait_code == 2
    any_run = bool(np.any(run))
    any_walk = not bool(np.all(run))
    if bool(np.any(auto)):
        used.add("transition")

    # Forward terms of the same model.
    treadmill = setting_code == 1
    walk_curve = walking_curve(edition)
    scaled_speed = speed / bw.BACKWARD_SPEED_SCALE
    if edition == 2024 and bool(np.any(treadmill)):
        tm_curve = walking_curve(edition, treadmill=True)
        coefficients = [
            np.where(treadmill, tm, og)
            for tm, og in zip(
                (*tm_curve.coefficients, slowest_met(tm_curve)),
                (*walk_curve.coefficients, slowest_met(walk_curve)),
                strict=True,
            )
        ]
        walk_level = level_walk_met_from(speed, *coefficients)
        scaled_level = level_walk_met_from(scaled_speed, *coefficients)
    else:
        walk_level = level_walk_met(speed, walk_curve)
        scaled_level = level_walk_met(scaled_speed, walk_curve) if any_backward else walk_level
    walk_level_net = walk_level - 1.0
    if any_walk and bool(np.any(grade > 0)):
        used.add("acsm")
    if any_walk and bool(np.any(grade < 0)):
        used.add("minetti")
    grade_met = walk_grade_met(speed, grade, walk_level_net)
    level = walk_level
    if any_run:
        run_level = running_curve(edition).met(speed)
        level = np.where(run, run_level, walk_level)
        grade_met = np.where(run, run_grade_met(grade, run_level - 1.0), grade_met)
        if bool(np.any(grade != 0)):
            used.add("minetti")
    forward_net = level - 1.0 + grade_met

    # Backward: transform the forward terms.
    net = forward_net
    if any_backward:
        walk_back = bw.backward_walk_net(
            speed, grade, walk_level_net, grade_met, scaled_level - 1.0, edition
        )
        if any_run:
            walk_back = np.where(run, bw.BACKWARD_RUN_RATIO * forward_net, walk_back)
        net = np.where(backward, walk_back, forward_net)
        if any_walk:
            used.add("backward-walk")
        if any_run:
            used.add("backward-run")

    floor: Any = np.int8(0)  # minimum certainty level from components

    # Settings.
    if bool(np.any(setting_code != 0)):
        if bool(np.any(treadmill & run)):
            saving = np.where(
                treadmill & run, machines.treadmill_run_saving_met(speed, level - 1.0), 0.0
            )
            forward_net = forward_net - saving
            net = net - saving
            used.add("treadmill-run")
        curved = setting_code == 3
        if bool(np.any(curved)):
            curved_walk, curved_run = machines.curved_factors()
            factor = np.where(curved, np.where(run, curved_run, curved_walk), 1.0)
            forward_net = forward_net * factor
            net = net * factor
            floor = np.maximum(floor, np.where(curved & backward, 2, np.where(curved, 1, 0)))
            used.add("curved")
        dead = setting_code == 2
        if bool(np.any(dead)):
            added = np.where(dead, machines.deadmill_met(speed), 0.0)
            forward_net = forward_net + added
            net = net + added
            floor = np.maximum(floor, dead.view(np.int8) * np.int8(3))
            used.add("deadmill")
            warnings.append("deadmill: belt friction is an assumption (no published figure)")

    # Surface and load: backward adds them in proportion to its base cost.
    eta = _SURFACE_FACTOR.take(surface_code)
    rough = eta != 1.0
    loaded = load > 0
    any_rough, any_loaded = bool(np.any(rough)), bool(np.any(loaded))
    if any_rough or any_loaded:
        walk_added: Any = 0.0
        run_factor: Any = 1.0
        if any_rough:
            walk_added = surface_walk_met(speed, grade, eta)
            run_factor = 1.0 + (eta - 1.0) * RUN_SURFACE_SCALE
            floor = np.maximum(floor, (rough & (run | backward)).view(np.int8))
            used.add("surface")
            if bool(np.any(rough & run)):
                used.add("surface-run")
        if any_loaded:
            walk_added = walk_added + load_walk_met(mass, load, speed, grade, eta)
            run_factor = run_factor * (1.0 + load / mass)
            outside = loaded & (
                run | backward | (load > PANDOLF_MAX_LOAD_KG) | (speed > PANDOLF_MAX_SPEED_M_S)
            )
            floor = np.maximum(floor, outside.view(np.int8))
            used.add("pandolf")
            if bool(np.any(loaded & (grade < 0))):
                used.add("santee")
            if bool(np.any(loaded & run)):
                used.add("load-run")
        positive = forward_net > 0
        base_ratio = np.divide(net, forward_net, out=np.ones(np.shape(net)), where=positive)
        forward_net = np.where(run, forward_net * run_factor, forward_net + walk_added)
        net = np.where(run, net * run_factor, net + base_ratio * walk_added)

    # Sled.
    dragging = sled > 0
    if bool(np.any(dragging)):
        added = machines.sled_met(sled, mass, speed, grade, _FRICTION.take(surface_code))
        forward_net = forward_net + added
        net = net + added
        floor = np.maximum(floor, dragging.view(np.int8) * np.int8(2))
        used.add("sled")
        if bool(np.any(dragging & ~_FRICTION_MEASURED.take(surface_code))):
            warnings.append("sled friction 0.33 assumed: no published figure for this surface")

    met_low: Any = None
    met_high: Any = None
    if any_backward and any_run:
        backward_run = backward & run
        central = bw.BACKWARD_RUN_RATIO
        low_ratio, high_ratio = bw.BACKWARD_RUN_RANGE
        floor = np.maximum(
            floor, np.where(backward_run, bw.backward_run_summary().certainty_code, 0)
        )
        met_low = np.where(backward_run, net * (low_ratio / central), net)
        met_high = np.where(backward_run, net * (high_ratio / central), net)
    if any_backward and bool(np.any(backward & (grade < 0))):
        warnings.append(
            "backward downhill: no published measurement; the level backward/forward ratio is "
            "applied to the forward downhill cost (Minetti et al. 2002): extrapolated"
        )

    rest_net = STANDING_MET - 1.0
    met = np.maximum(net, rest_net)
    met += 1.0
    forward_met = np.maximum(forward_net, rest_net)
    forward_met += 1.0

    # Certainty: distance to the measured boxes of the same direction and gait.
    group = direction_code * 2 + run
    distance_units = cert.group_distance(speed, grade, group)
    level_code = cert.level_codes(distance_units)
    level_code = np.maximum(level_code, floor) if np.ndim(floor) or floor else level_code
    if bool(np.any((gait_code == 1) & (speed > bw.FORWARD_TRANSITION_M_S))):
        warnings.append("walking asked for above the walk-run transition speed")
    if bool(np.any(np.abs(grade) > (limits.GRADE_PERCENT.fitted_high or 45.0))):
        warnings.append(f"grade beyond the measured range: {limits.GRADE_PERCENT.fitted_source}")

    met_low = met if met_low is None else np.maximum(met_low, rest_net) + 1.0
    met_high = met if met_high is None else np.maximum(met_high, rest_net) + 1.0
    vo2 = met * VO2_ML_KG_MIN_PER_MET
    vo2_l_min = vo2 * mass
    vo2_l_min *= 1e-3
    return (
        {
            "met": met,
            "met_low": met_low,
            "met_high": met_high,
            "vo2_ml_kg_min": vo2,
            "vo2_l_min": vo2_l_min,
            "kcal_per_min": met * mass / 60.0,
            "kcal_per_min_o2": vo2_l_min * 5.0,
            "forward_met": forward_met,
            "ratio_to_forward": met / forward_met,
            "gait": run + 1,
            "direction": direction_code,
            "extrapolated": level_code > 0,
            "certainty": level_code,
            "certainty_distance": distance_units,
        },
        used,
        warnings,
    )
