"""What does this cost, and against forward? The one answer, for the CLI, the API and the pages.

:func:`estimate_cost` answers one set of conditions with the energy engine and sets beside it
the engine's own forward baseline **at the same gait** (backward running is compared with
forward running, never with forward walking at the same speed), with kcal for a duration by every
labelled convention (:func:`retrostride.science.energy.kcal_for_duration`). :func:`row_cost`
does the same for a Compendium row. Pure computation: no database is read or written.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from retrostride.science.energy import (
    Conditions,
    EnergyEstimate,
    KcalForDuration,
    Profile,
    estimate,
    from_row,
    kcal_for_duration,
    lookup,
    stairs,
)
from retrostride.science.locomotion import Direction


@dataclass(frozen=True)
class EnergyCost:
    """One answer: ``estimate`` for the direction asked, ``forward`` the engine's forward
    baseline at the same gait (None for a Compendium row), ``ratio_to_forward`` their MET ratio,
    ``kcal``/``forward_kcal`` for ``duration_s`` when one was given, ``notes`` what the figures
    cannot do (age outside the equations, older adults)."""

    estimate: EnergyEstimate
    forward: EnergyEstimate | None
    ratio_to_forward: float | None
    duration_s: float | None
    kcal: KcalForDuration | None
    forward_kcal: KcalForDuration | None
    notes: tuple[str, ...]


def _kcal(
    result: EnergyEstimate, body_mass_kg: float, duration_s: float | None, profile: Profile | None
) -> KcalForDuration | None:
    if duration_s is None:
        return None
    return kcal_for_duration(result.met, body_mass_kg, duration_s, profile=profile)


def estimate_cost(
    conditions: Conditions,
    *,
    duration_s: float | None = None,
    profile: Profile | None = None,
) -> EnergyCost:
    """Energy of ``conditions`` and of forward locomotion at the same gait, same model.

    ``profile`` (age, sex, height; its body mass is used) gives the person-specific net kcal and
    Kozey's corrected MET as an intensity. Raises :class:`~retrostride.errors.InputError` for
    values outside :mod:`retrostride.science.limits` or beyond human capacity.
    """
    if profile is not None:
        conditions = replace(conditions, body_mass_kg=profile.body_mass_kg)
    asked = estimate(conditions)
    if asked.direction == Direction.FORWARD:
        forward = asked
    else:
        forward = estimate(replace(conditions, direction=Direction.FORWARD, gait=asked.gait))
    kcal = _kcal(asked, conditions.body_mass_kg, duration_s, profile)
    forward_kcal = (
        kcal if forward is asked else _kcal(forward, conditions.body_mass_kg, duration_s, profile)
    )
    return EnergyCost(
        estimate=asked,
        forward=forward,
        ratio_to_forward=asked.met / forward.met,
        duration_s=duration_s,
        kcal=kcal,
        forward_kcal=forward_kcal,
        notes=() if profile is None else profile.notes,
    )


def row_cost(
    code: str,
    edition: int,
    *,
    body_mass_kg: float = 70.0,
    duration_s: float | None = None,
    profile: Profile | None = None,
    stairs_pace: str | None = None,
) -> EnergyCost:
    """A Compendium row (or the stair row of ``stairs_pace``) as an answer, kcal included."""
    mass = profile.body_mass_kg if profile is not None else body_mass_kg
    if stairs_pace is not None:
        result = stairs(stairs_pace, body_mass_kg=mass, edition=edition)
    else:
        result = from_row(lookup(code, edition), mass)
    kcal = _kcal(result, mass, duration_s, profile)
    return EnergyCost(
        estimate=result,
        forward=None,
        ratio_to_forward=None,
        duration_s=duration_s,
        kcal=kcal,
        forward_kcal=None,
        notes=() if profile is None else profile.notes,
    )
