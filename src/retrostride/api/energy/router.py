"""Routes of the energy calculator: ``POST /api/energy`` (pure computation, no stored data)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter

from retrostride.api.energy.schemas import EnergyIn, EnergyOut
from retrostride.api.principal import CurrentPrincipal
from retrostride.api.responses import errors
from retrostride.errors import InputError
from retrostride.science import units
from retrostride.science.energy import Conditions, Profile
from retrostride.services.energy import estimate_cost

router = APIRouter(tags=["energy"], responses=errors(400, 401, 403, 422))


def _quantity(
    number: float | None,
    text: str | None,
    parse: Callable[..., float],
    field: str,
    default: float | None,
) -> float | None:
    if number is not None and text is not None:
        raise InputError(field, text, f"either {field} (text with a unit) or the SI number")
    if text is not None:
        value: float = parse(text, field=field)
        return value
    return number if number is not None else default


@router.post("/api/energy")
def energy(body: EnergyIn, _principal: CurrentPrincipal) -> EnergyOut:
    """Energy cost of walking or running, forward or backward, with its certainty and sources."""
    speed = _quantity(body.speed_m_s, body.speed, units.parse_speed_m_s, "speed", None)
    if speed is None:
        raise InputError("speed", None, "a speed such as '5 km/h' or speed_m_s")
    grade = _quantity(body.grade_percent, body.grade, units.parse_grade_percent, "grade", 0.0)
    mass = _quantity(body.body_mass_kg, body.mass, units.parse_mass_kg, "mass", 70.0)
    load = _quantity(body.load_kg, body.load, units.parse_mass_kg, "load", 0.0)
    sled = _quantity(body.sled_kg, body.sled, units.parse_mass_kg, "sled", 0.0)
    duration = _quantity(body.duration_s, body.duration, units.parse_duration_s, "duration", None)
    assert grade is not None and mass is not None
    given = (body.age_years, body.sex, body.height_m)
    profile = None
    if any(value is not None for value in given):
        if any(value is None for value in given):
            missing = ("age_years", "sex", "height_m")[[v is None for v in given].index(True)]
            raise InputError(missing, None, "age_years, sex and height_m together")
        assert body.age_years is not None and body.sex is not None and body.height_m is not None
        profile = Profile(body.age_years, body.sex, body.height_m, mass, body.rmr_equation)
    cost = estimate_cost(
        Conditions(
            speed_m_s=speed,
            grade_percent=grade,
            direction=body.direction,
            gait=body.gait,
            setting=body.setting,
            surface=body.surface,
            load_kg=load,
            sled_kg=sled,
            body_mass_kg=mass,
            edition=body.edition,
        ),
        duration_s=duration,
        profile=profile,
    )
    result, kcal, forward = cost.estimate, cost.kcal, cost.forward
    assert forward is not None and cost.ratio_to_forward is not None
    return EnergyOut(
        met=result.met,
        vo2_ml_kg_min=result.vo2_ml_kg_min,
        vo2_l_min=result.vo2_l_min,
        kcal_per_min=result.kcal_per_min,
        kcal_per_min_o2=result.kcal_per_min_o2,
        gait=str(result.gait.value),
        direction=str(result.direction.value),
        forward_met=forward.met,
        ratio_to_forward=cost.ratio_to_forward,
        baseline=result.baseline,
        extrapolated=result.extrapolated,
        certainty=result.certainty,
        sources=list(result.sources),
        model=result.model,
        warnings=list(result.warnings),
        edition=result.edition,
        speed_m_s=speed,
        grade_percent=grade,
        body_mass_kg=mass,
        duration_s=duration,
        gross_kcal=None if kcal is None else kcal.gross_kcal,
        net_kcal=None if kcal is None else kcal.net_kcal,
        gross_kcal_o2=None if kcal is None else kcal.gross_kcal_o2,
        net_convention=None if kcal is None else kcal.net_convention,
        met_corrected=None if kcal is None else kcal.corrected_met,
        forward_gait=str(forward.gait.value),
        forward_certainty=forward.certainty,
        notes=list(cost.notes),
        met_low=result.met_range[0] if result.met_range else None,
        met_high=result.met_range[1] if result.met_range else None,
    )
