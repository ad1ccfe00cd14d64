"""The outcome measures retrostride records: identifier, label, unit, better direction."""

from __future__ import annotations

from dataclasses import dataclass

from retrostride.errors import InputError
from retrostride.science.outcomes.mic import Better


@dataclass(frozen=True, slots=True)
class Measure:
    """One outcome measure. ``unit`` is the stored unit (SI where one exists)."""

    id: str
    label: str
    unit: str
    better: Better
    needs_method: bool = False


MEASURES: dict[str, Measure] = {
    m.id: m
    for m in (
        Measure("nrs_pain", "Pain, numeric rating scale (0-10)", "points", Better.LOWER),
        Measure("womac_pain", "WOMAC pain subscale total (0-20)", "points", Better.LOWER),
        Measure("womac_stiffness", "WOMAC stiffness total (0-8)", "points", Better.LOWER),
        Measure("womac_function", "WOMAC function total (0-68)", "points", Better.LOWER),
        Measure("womac_total", "WOMAC total (0-96)", "points", Better.LOWER),
        Measure("tug", "Timed Up and Go", "s", Better.LOWER),
        Measure("six_minute_walk", "Six-minute walk distance", "m", Better.HIGHER),
        Measure("shuttle_run", "20 m shuttle run, predicted VO2max", "mL/kg/min", Better.HIGHER),
        Measure("body_mass", "Body mass", "kg", Better.NEITHER),
        Measure("body_fat", "Body fat", "%", Better.NEITHER, needs_method=True),
        Measure(
            "quadriceps_strength", "Quadriceps strength", "N", Better.HIGHER, needs_method=True
        ),
    )
}

POPULATIONS: dict[str, str] = {
    "knee_oa": "knee osteoarthritis",
    "hip_oa": "hip osteoarthritis",
    "knee_arthroplasty": "after knee arthroplasty",
    "chronic_msk_pain": "chronic musculoskeletal pain",
    "healthy": "healthy adults",
}


def get_measure(measure_id: str) -> Measure:
    """The measure called ``measure_id`` or :class:`InputError` listing the known ones."""
    try:
        return MEASURES[measure_id]
    except KeyError:
        raise InputError("measure", measure_id, ", ".join(MEASURES)) from None


def check_population(population: str) -> str:
    if population not in POPULATIONS:
        raise InputError("population", population, ", ".join(POPULATIONS))
    return population
