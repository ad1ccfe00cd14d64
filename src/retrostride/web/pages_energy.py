"""The energy calculator: backward and forward side by side, recomputed as the inputs change.

Without JavaScript the form is a GET that the server answers with both results; with it, the
page asks ``POST /api/energy`` (once per direction) as the person types.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from retrostride.errors import InputError
from retrostride.science import units
from retrostride.science.energy import Conditions
from retrostride.science.locomotion import Setting
from retrostride.services.energy import estimate_cost
from retrostride.web import fields as web_fields
from retrostride.web.auth import MaybePrincipal, prefs_of, render

router = APIRouter(include_in_schema=False)

SETTINGS = tuple(s.value for s in Setting)
# The engine's field names -> this form's fields (for errors raised by the service).
_FORM_FIELD = {"speed_m_s": "speed", "grade_percent": "grade", "body_mass_kg": "mass",
               "duration_s": "duration"}


def defaults(speed_unit: str, mass_unit: str) -> dict[str, str]:
    return {
        "speed": "3.5" if speed_unit == "mph" else "5",
        "speed_unit": speed_unit,
        "grade": "0",
        "mass": "154" if mass_unit == "lb" else "70",
        "mass_unit": mass_unit,
        "duration": "30",
        "setting": "treadmill",
        "gait": "walk",
    }


def compare(values: dict[str, str]) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """Backward and forward estimates for the form's values, or the errors per field."""
    errors: dict[str, str] = {}
    parsed: dict[str, float] = {}
    readers: tuple[tuple[str, Callable[[], float]], ...] = (
        ("speed", lambda: units.parse_speed_m_s(f"{values['speed']} {values['speed_unit']}")),
        ("grade", lambda: units.parse_grade_percent(f"{values['grade'] or '0'}%")),
        ("mass", lambda: units.parse_mass_kg(f"{values['mass']} {values['mass_unit']}")),
        ("duration", lambda: units.parse_duration_s(f"{values['duration'] or '0'} min")),
    )
    for name, read in readers:
        try:
            parsed[name] = read()
        except InputError as exc:
            errors[name] = f"{values.get(name)!r} is not a valid {name}: expected {exc.expected}."
    if values["setting"] not in SETTINGS:
        errors["setting"] = "Choose where you walk."
    if values["gait"] not in ("walk", "run", "auto"):
        errors["gait"] = "Choose walking, running or automatic."
    if errors:
        return None, errors
    try:  # the one comparison: backward against the engine's forward at the same gait
        cost = estimate_cost(
            Conditions(
                speed_m_s=parsed["speed"], grade_percent=parsed["grade"], direction="backward",
                gait=None if values["gait"] == "auto" else values["gait"],
                setting=values["setting"], body_mass_kg=parsed["mass"],
            ),
            duration_s=parsed["duration"] or None,
        )
    except InputError as exc:
        field = _FORM_FIELD.get(exc.field, exc.field)
        return None, {field if field in values else "speed": web_fields.message(exc)}
    assert cost.forward is not None and cost.ratio_to_forward is not None
    out: dict[str, Any] = {}
    for direction, e, kcal in (
        ("backward", cost.estimate, cost.kcal),
        ("forward", cost.forward, cost.forward_kcal),
    ):
        out[direction] = {
            "met": e.met, "kcal_per_min": e.kcal_per_min, "certainty": e.certainty,
            "gross_kcal": kcal.gross_kcal if kcal else None, "warnings": list(e.warnings),
            "sources": list(e.sources), "gait": str(e.gait.value), "extrapolated": e.extrapolated,
        }
    out["ratio"] = cost.ratio_to_forward
    out["speed_m_s"] = parsed["speed"]
    return out, {}


@router.get("/energy")
def energy_page(request: Request, principal: MaybePrincipal) -> Response:
    """The calculator, open to visitors too (the form is answered by the server; the live
    update asks the API, which needs a login)."""
    prefs = prefs_of(request)
    values = defaults(prefs.speed_unit, prefs.mass_unit)
    for key in values:
        given = request.query_params.get(key)
        if given is not None:
            values[key] = given[:64]
    result, errors = compare(values)
    return render(
        request, "energy.html", principal, title="Energy calculator", values=values,
        result=result, errors=errors, settings=SETTINGS,
        status_code=422 if errors else 200,
    )
