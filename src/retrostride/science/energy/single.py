"""One condition at a time: :func:`estimate` (through the vectorised path), stairs and codes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from retrostride.errors import InputError
from retrostride.science import limits
from retrostride.science.energy import certainty as cert
from retrostride.science.energy.compendium import (
    DEFAULT_EDITION,
    STAIR_CODES,
    CompendiumRow,
    check_edition,
    lookup,
)
from retrostride.science.energy.core import (
    DIRECTION_CODES,
    GAIT_CODES,
    MODEL_VERSION,
    SETTING_CODES,
    Conditions,
    estimate_arrays,
)
from retrostride.science.energy.forward import VO2_ML_KG_MIN_PER_MET
from retrostride.science.energy.surfaces import SURFACE_NAMES
from retrostride.science.locomotion import Direction, Gait


@dataclass(frozen=True)
class EnergyEstimate:
    """The energy cost of one condition.

    ``met`` gross MET; ``vo2_ml_kg_min`` = MET x 3.5; ``kcal_per_min`` by MET x kg x h,
    ``kcal_per_min_o2`` by 5 kcal per litre O2. ``forward_met`` is the same model walking or
    running forward under the same conditions (``baseline`` names it); ``ratio_to_forward`` is
    ``met / forward_met``. ``certainty`` is one of ``high``, ``medium``, ``low``, ``very-low``
    (see :mod:`retrostride.science.energy.certainty`). ``met_range`` the range the published
    studies allow (backward running: the spread of their ratios; otherwise ``(met, met)``).
    """

    met: float
    vo2_ml_kg_min: float
    vo2_l_min: float
    kcal_per_min: float
    kcal_per_min_o2: float
    gait: Gait
    direction: Direction
    forward_met: float
    ratio_to_forward: float
    baseline: str
    extrapolated: bool
    certainty: str
    certainty_distance: float
    sources: tuple[str, ...]
    model: str
    warnings: tuple[str, ...]
    edition: int
    code: str | None = None
    met_range: tuple[float, float] | None = None


def _code(value: object, names: tuple[str, ...], field: str) -> NDArray[np.int8]:
    """One categorical value as an int8 array of one (names, enum members or codes)."""
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        code = int(value)
    else:
        text = str(value).strip().lower()
        code = names.index(text) if text in names else -1
    if not 0 <= code < len(names):
        expected = " or ".join(f"{name} ({index})" for index, name in enumerate(names))
        raise InputError(field, value, expected)
    return np.array([code], dtype=np.int8)


def estimate(conditions: Conditions) -> EnergyEstimate:
    """Energy cost of ``conditions`` (the vectorised path with arrays of one).

    Valid ranges as in :func:`~retrostride.science.energy.core.estimate_arrays` (speed [m/s]
    0-12.5, walking up to 4.5; grade [%] +-100; body mass [kg] 20-400; load [kg] up to twice body
    mass; sled [kg] 0-1000 with a pull of at most 1.0 body weight); outside them, or above 25 MET,
    :class:`~retrostride.errors.InputError` names the field and the bound.
    """
    result = estimate_arrays(
        np.array([conditions.speed_m_s], dtype=np.float64),
        np.array([conditions.grade_percent], dtype=np.float64),
        direction=_code(conditions.direction, DIRECTION_CODES, "direction"),
        gait=None if conditions.gait is None else _code(conditions.gait, GAIT_CODES, "gait"),
        setting=_code(conditions.setting, SETTING_CODES, "setting"),
        surface=None
        if conditions.surface is None
        else _code(conditions.surface, SURFACE_NAMES, "surface"),
        load_kg=np.array([conditions.load_kg or 0.0], dtype=np.float64),
        sled_kg=np.array([conditions.sled_kg or 0.0], dtype=np.float64),
        body_mass_kg=np.array([conditions.body_mass_kg], dtype=np.float64),
        edition=conditions.edition,
        invalid="raise",
    )
    gait = Gait.RUN if int(result.gait[0]) == 2 else Gait.WALK
    direction = Direction.BACKWARD if int(result.direction[0]) == 1 else Direction.FORWARD
    return EnergyEstimate(
        met=float(result.met[0]),
        vo2_ml_kg_min=float(result.vo2_ml_kg_min[0]),
        vo2_l_min=float(result.vo2_l_min[0]),
        kcal_per_min=float(result.kcal_per_min[0]),
        kcal_per_min_o2=float(result.kcal_per_min_o2[0]),
        gait=gait,
        direction=direction,
        forward_met=float(result.forward_met[0]),
        ratio_to_forward=float(result.ratio_to_forward[0]),
        baseline=(
            f"forward {'running' if gait == Gait.RUN else 'walking'} under the same conditions, "
            f"same model ({MODEL_VERSION}, Compendium {result.edition})"
        ),
        extrapolated=bool(result.extrapolated[0]),
        certainty=cert.LEVELS[int(result.certainty[0])],
        certainty_distance=float(result.certainty_distance[0]),
        sources=result.sources,
        model=result.model,
        warnings=result.warnings,
        edition=result.edition,
        met_range=(float(result.met_low[0]), float(result.met_high[0])),
    )


def from_row(row: CompendiumRow, body_mass_kg: float = 70.0) -> EnergyEstimate:
    """A Compendium row as an estimate: the published MET, no model, certainty ``high``."""
    limits.BODY_MASS_KG.check(body_mass_kg)
    vo2 = row.met * VO2_ML_KG_MIN_PER_MET
    direction = Direction.BACKWARD if row.direction == "backward" else Direction.FORWARD
    return EnergyEstimate(
        met=row.met,
        vo2_ml_kg_min=vo2,
        vo2_l_min=vo2 * body_mass_kg / 1000.0,
        kcal_per_min=row.met * body_mass_kg / 60.0,
        kcal_per_min_o2=vo2 * body_mass_kg / 1000.0 * 5.0,
        gait=Gait.RUN if row.gait == "run" else Gait.WALK,
        direction=direction,
        forward_met=row.met if direction == Direction.FORWARD else float("nan"),
        ratio_to_forward=1.0 if direction == Direction.FORWARD else float("nan"),
        baseline="the row itself (a Compendium value, not the model)",
        extrapolated=False,
        certainty="high" if row.copy_certainty == "multi-copy" else "medium",
        certainty_distance=0.0,
        sources=(row.source, f"copy: {row.copy_certainty} ({', '.join(row.copies)})"),
        model=f"Compendium {row.edition} row {row.code}",
        warnings=(() if row.copy_certainty == "multi-copy" else ("value read from one copy only",)),
        edition=row.edition,
        code=row.code,
    )


def stairs(
    pace: str = "general", *, body_mass_kg: float = 70.0, edition: int = DEFAULT_EDITION
) -> EnergyEstimate:
    """Stair climbing from the Compendium's stair rows (``pace``: general, slow, fast,
    descending; 2024 also two-steps and up-and-down)."""
    codes = STAIR_CODES[check_edition(edition)]
    if pace not in codes:
        raise InputError("pace", pace, " or ".join(codes))
    return from_row(lookup(codes[pace], edition), body_mass_kg)
