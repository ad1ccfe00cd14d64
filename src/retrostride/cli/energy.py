"""``retrostride energy``, ``retrostride compendium`` and ``retrostride compare``."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from retrostride.cli import fields
from retrostride.errors import InputError
from retrostride.science import energy, units
from retrostride.science.energy.body import Profile
from retrostride.science.locomotion import Direction, Gait, Setting
from retrostride.services.energy import EnergyCost, estimate_cost, row_cost

MPH = units.M_S_PER_MPH


@contextmanager
def _refusals() -> Iterator[None]:
    """Turn an :class:`InputError` into one line on stderr and exit code 2."""
    try:
        yield
    except InputError as exc:
        typer.echo(f"error: {fields.message(exc)}", err=True)
        raise typer.Exit(2) from None


def _profile(
    age: float | None, sex: str | None, height: str | None, mass_kg: float, equation: str
) -> Profile | None:
    given = {"--age": age, "--sex": sex, "--height": height}
    if all(value is None for value in given.values()):
        return None
    missing = [name for name, value in given.items() if value is None]
    if missing:
        raise InputError(
            missing[0], None, "--age, --sex and --height together (for corrected METs)"
        )
    assert age is not None and sex is not None and height is not None
    height_m = units.parse_length_m(height, field="--height")
    sex_name = {"m": "male", "f": "female"}.get(sex.strip().lower(), sex.strip().lower())
    return Profile(
        age_years=age,
        sex=sex_name,  # type: ignore[arg-type]
        height_m=height_m,
        body_mass_kg=mass_kg,
        equation=equation,  # type: ignore[arg-type]
    )


def _fmt(value: float, digits: int = 2) -> str:
    return "-" if math.isnan(value) else f"{value:.{digits}f}"


def _estimate_payload(cost: EnergyCost, *, conditions: dict[str, Any]) -> dict[str, Any]:
    """The JSON of one answer of :func:`retrostride.services.energy.estimate_cost`."""
    result, kcal, forward = cost.estimate, cost.kcal, cost.forward
    duration_s = cost.duration_s or 0.0
    return {
        "met": result.met,
        "met_range": list(result.met_range) if result.met_range else None,
        "met_corrected": kcal.corrected_met if kcal else None,
        "met_corrected_note": "Kozey et al. 2010: an intensity relative to the person's own "
        "resting rate, never multiplied into kcal",
        "vo2_ml_kg_min": result.vo2_ml_kg_min,
        "vo2_l_min": result.vo2_l_min,
        "kcal_per_min": result.kcal_per_min,
        "duration_s": duration_s,
        "kcal_gross": kcal.gross_kcal if kcal else None,
        "kcal_gross_o2": kcal.gross_kcal_o2 if kcal else None,
        "kcal_net": kcal.net_kcal if kcal else None,
        "kcal_net_o2": kcal.net_kcal_o2 if kcal else None,
        "kcal_resting": kcal.resting_kcal if kcal else None,
        "kcal_net_convention": kcal.net_convention if kcal else None,
        "kcal_met_used": "standard (adult Compendium, 1 MET = 3.5 mL/kg/min)",
        "kcal_rmr_equation": kcal.rmr_equation if kcal else None,
        "kcal_conventions": energy.KCAL_CONVENTIONS,
        "forward_met": forward.met if forward is not None else None,
        "forward_gait": str(forward.gait) if forward is not None else None,
        "forward_certainty": forward.certainty if forward is not None else None,
        "forward_kcal_gross": cost.forward_kcal.gross_kcal if cost.forward_kcal else None,
        "ratio_to_forward": cost.ratio_to_forward,
        "baseline": result.baseline,
        "gait": str(result.gait),
        "direction": str(result.direction),
        "model": result.model,
        "edition": result.edition,
        "code": result.code,
        "sources": list(result.sources),
        "extrapolated": result.extrapolated,
        "certainty": result.certainty,
        "certainty_distance": result.certainty_distance,
        "warnings": list(result.warnings),
        "notes": list(cost.notes),
        "conditions": conditions,
    }


def _print_estimate(console: Console, payload: dict[str, Any], title: str) -> None:
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column("what")
    table.add_column("value")
    table.add_row("MET", _fmt(payload["met"]))
    low, high = payload["met_range"] or (payload["met"], payload["met"])
    if high - low > 1e-9:
        table.add_row("MET range (published studies)", f"{_fmt(low)} to {_fmt(high)}")
    if payload["met_corrected"] is not None:
        table.add_row("intensity, corrected MET (Kozey 2010)", _fmt(payload["met_corrected"]))
    table.add_row(
        "VO2", f"{_fmt(payload['vo2_ml_kg_min'], 1)} mL/kg/min, {_fmt(payload['vo2_l_min'])} L/min"
    )
    minutes = payload["duration_s"] / 60.0
    table.add_row(
        f"kcal in {minutes:g} min, gross",
        f"{payload['kcal_gross']:.0f} (MET x kg x h); "
        f"{payload['kcal_gross_o2']:.0f} (from VO2 at 5 kcal/L O2)",
    )
    table.add_row("kcal, net", f"{payload['kcal_net']:.0f} ({payload['kcal_net_convention']})")
    if payload["forward_met"] is not None and payload["direction"] == "backward":
        table.add_row("forward MET (baseline)", _fmt(payload["forward_met"]))
        table.add_row("ratio to forward", f"{payload['ratio_to_forward']:.2f} x")
        table.add_row("baseline", payload["baseline"])
    table.add_row("gait", payload["gait"])
    certainty = payload["certainty"] + (" (extrapolated)" if payload["extrapolated"] else "")
    table.add_row("certainty", certainty)
    table.add_row("model", payload["model"])
    for warning in payload["warnings"]:
        table.add_row("warning", warning)
    for note in payload["notes"]:
        table.add_row("note", note)
    console.print(table)
    console.print("Sources:")
    for source in payload["sources"]:
        console.print(f"  - {source}")


class WalkDirection(StrEnum):
    """The two directions the energy model answers (the log also knows mixed and unknown)."""

    BACKWARD = "backward"
    FORWARD = "forward"


def register(app: typer.Typer) -> None:
    """Add ``energy``, ``compendium`` and ``compare`` to ``app``."""
    app.command(name="energy")(energy_command)
    compendium_app = typer.Typer(help="Look up the Compendium of Physical Activities rows.")
    compendium_app.command(name="search")(compendium_search)
    compendium_app.command(name="show")(compendium_show)
    app.add_typer(compendium_app, name="compendium")
    app.command(name="compare")(compare_command)


def energy_command(
    speed: Annotated[
        str | None, typer.Option(help='Speed: "3.5 mph", "5.6 km/h", "1.5 m/s", "10:00 min/km".')
    ] = None,
    direction: Annotated[
        WalkDirection, typer.Option(help="backward or forward.", case_sensitive=False)
    ] = WalkDirection.BACKWARD,
    gait: Annotated[
        Gait | None, typer.Option(help="walk or run (chosen by speed if omitted).")
    ] = None,
    grade: Annotated[str, typer.Option(help='Grade in percent, negative downhill: "5".')] = "0",
    setting: Annotated[
        Setting, typer.Option(help="overground, treadmill, deadmill or curved-treadmill.")
    ] = Setting.OVERGROUND,
    surface: Annotated[
        str | None,
        typer.Option(
            help="Ground: " + ", ".join(energy.SURFACE_NAMES) + " (walking, running, sled)."
        ),
    ] = None,
    load: Annotated[str, typer.Option(help='Carried load: "10 kg", "22 lb".')] = "0 kg",
    sled: Annotated[str, typer.Option(help='Sled mass with its plates: "40 kg".')] = "0 kg",
    mass: Annotated[str, typer.Option(help='Body mass: "70 kg", "154 lb".')] = "70 kg",
    duration: Annotated[
        str, typer.Option(help='Duration for the kcal: "30 min", "1h15" (default 1 h).')
    ] = "60 min",
    age: Annotated[float | None, typer.Option(help="Age in years (corrected METs).")] = None,
    sex: Annotated[str | None, typer.Option(help="male or female (corrected METs).")] = None,
    height: Annotated[
        str | None, typer.Option(help='Height: "175 cm", "5 ft 9 in" (corrected METs).')
    ] = None,
    rmr_equation: Annotated[
        str, typer.Option(help="harris-benedict (Kozey 2010) or mifflin-st-jeor.")
    ] = "harris-benedict",
    edition: Annotated[int, typer.Option(help="Compendium edition: 2024 or 2011.")] = 2024,
    code: Annotated[
        str | None, typer.Option(help="Answer a Compendium code instead, e.g. 17320.")
    ] = None,
    stairs: Annotated[
        str | None,
        typer.Option(
            help="Stair climbing from the Compendium's stair rows: general, slow, fast, "
            "descending (2024 also two-steps, up-and-down)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Energy cost of walking or running, backward or forward, with its forward baseline."""
    with _refusals():
        mass_kg = units.parse_mass_kg(mass, field="--mass")
        duration_s = units.parse_duration_s(duration, field="--duration")
        profile = _profile(age, sex, height, mass_kg, rmr_equation)
        conditions: dict[str, Any]
        if stairs is not None:
            cost = row_cost(
                "",
                edition,
                body_mass_kg=mass_kg,
                duration_s=duration_s,
                profile=profile,
                stairs_pace=stairs,
            )
            row = energy.lookup(cost.estimate.code or "", edition)
            conditions = {"stairs": stairs, "code": row.code, "description": row.description}
            title = f"Stairs ({stairs}): Compendium {row.edition} {row.code}, {row.description}"
        elif code is not None:
            row = energy.lookup(code, edition)
            cost = row_cost(
                code, edition, body_mass_kg=mass_kg, duration_s=duration_s, profile=profile
            )
            conditions = {"code": row.code, "description": row.description}
            title = f"Compendium {row.edition} {row.code}: {row.description}"
        else:
            if speed is None:
                raise InputError("--speed", None, 'a speed such as "3.5 mph" (or use --code)')
            conditions = {
                "speed_m_s": units.parse_speed_m_s(speed, field="--speed"),
                "grade_percent": units.parse_grade_percent(grade, field="--grade"),
                "direction": str(direction),
                "gait": None if gait is None else str(gait),
                "setting": str(setting),
                "surface": surface,
                "load_kg": units.parse_mass_kg(load, field="--load"),
                "sled_kg": units.parse_mass_kg(sled, field="--sled"),
                "body_mass_kg": mass_kg,
                "edition": edition,
            }
            cost = estimate_cost(
                energy.Conditions(**conditions), duration_s=duration_s, profile=profile
            )
            title = (
                f"{direction} {cost.estimate.gait}, {units.format_speed(conditions['speed_m_s'])} "
                f"({units.format_speed(conditions['speed_m_s'], 'mph')}), "
                f"{conditions['grade_percent']:g}% grade, {setting}"
            )
        payload = _estimate_payload(cost, conditions=conditions)
    if as_json:
        typer.echo(json.dumps(payload, indent=2))
        return
    _print_estimate(Console(), payload, title)


def compendium_search(
    words: Annotated[list[str], typer.Argument(help="Words that must all appear.")],
    edition: Annotated[int, typer.Option(help="Compendium edition: 2024 or 2011.")] = 2024,
) -> None:
    """Search the shipped locomotion rows of the Compendium by words."""
    with _refusals():
        found = energy.search(" ".join(words), edition)
    table = Table(title=f"Compendium {edition}: {len(found)} rows", title_justify="left")
    for column in ("code", "MET", "description", "copies"):
        table.add_column(column)
    for row in found:
        table.add_row(row.code, f"{row.met:.1f}", row.description, row.copy_certainty)
    Console().print(table)


def compendium_show(
    code: Annotated[str, typer.Argument(help="Compendium code, e.g. 17320.")],
    edition: Annotated[int, typer.Option(help="Compendium edition: 2024 or 2011.")] = 2024,
) -> None:
    """Show one Compendium row with its source."""
    with _refusals():
        row = energy.lookup(code, edition)
    typer.echo(f"{row.code} ({row.edition}): {row.met:.1f} MET, {row.description}")
    typer.echo(f"source: {row.source}; copies: {row.copy_certainty} ({', '.join(row.copies)})")


ARTICLE = (
    ("forward brisk 3.5 mph", "17200", Direction.FORWARD, 0.0),
    ("backward 3.5 mph", "17320", Direction.BACKWARD, 0.0),
    ("backward 3.5 mph 5% up", "17325", Direction.BACKWARD, 5.0),
)


def compare_rows(mass_kg: float = 70.0) -> list[dict[str, Any]]:
    """The article's three activities under both editions and the model (for ``compare``)."""
    out = []
    for label, code, direction, grade in ARTICLE:
        rows = {edition: energy.lookup(code, edition).met for edition in energy.EDITIONS}
        model = {
            edition: energy.estimate(
                energy.Conditions(
                    speed_m_s=3.5 * MPH,
                    grade_percent=grade,
                    direction=direction,
                    body_mass_kg=mass_kg,
                    edition=edition,
                )
            )
            for edition in energy.EDITIONS
        }
        out.append({"label": label, "code": code, "rows": rows, "model": model})
    return out


def compare_command(
    mass: Annotated[str, typer.Option(help='Body mass: "70 kg", "154 lb".')] = "70 kg",
) -> None:
    """Compare the seed article's three activities under both Compendium editions and the model."""
    with _refusals():
        mass_kg = units.parse_mass_kg(mass, field="--mass")
        data = compare_rows(mass_kg)
    console = Console()
    table = Table(
        title=f"Walking backward vs forward, {mass_kg:g} kg person (MET)", title_justify="left"
    )
    table.add_column("activity (code)")
    for edition in energy.EDITIONS:
        table.add_column(f"row {edition}", justify="right")
    for edition in energy.EDITIONS:
        table.add_column(f"model {edition}", justify="right")
    table.add_column("kcal/30 min", justify="right")
    for item in data:
        table.add_row(
            f"{item['label']} ({item['code']})",
            *(f"{item['rows'][e]:.1f}" for e in energy.EDITIONS),
            *(f"{item['model'][e].met:.1f}" for e in energy.EDITIONS),
            f"{item['model'][2024].met * mass_kg * 0.5:.0f}",
        )
    console.print(table)
    middle = energy.estimate(
        energy.Conditions(3.7 * MPH, direction=Direction.FORWARD, body_mass_kg=mass_kg)
    )
    console.print(
        "row: the Compendium's value; model: retrostride's continuous model anchored on that "
        "edition; kcal from the 2024 model. Row 17200 of 2024 covers 3.5-3.9 mph: the model "
        f"gives {middle.met:.1f} at its middle (3.7 mph)."
    )
    brisk = data[0]
    console.print(
        "\nTimes forward brisk walking (baseline: 3.5 mph, level; row 17200 for the rows, "
        "the model's own forward walking for the model):"
    )
    for item in data[1:]:
        rows = " / ".join(f"{item['rows'][e] / brisk['rows'][e]:.2f}" for e in energy.EDITIONS)
        model = " / ".join(
            f"{item['model'][e].met / brisk['model'][e].met:.2f}" for e in energy.EDITIONS
        )
        console.print(f"  {item['label']}: rows {rows}, model {model} (2011 / 2024)")
    level, uphill = data[1]["model"][2024], data[2]["model"][2024]
    console.print(
        f"Against forward walking at the same speed and grade (model 2024): level "
        f"{level.ratio_to_forward:.2f} x, 5% uphill {uphill.ratio_to_forward:.2f} x. "
        "The article's '40% more' holds against the 2011 row only (6.0 / 4.3)."
    )
    console.print(
        "kcal = MET x kg x h (1 MET = 1 kcal/kg/h); apps using 5 kcal per litre O2 give 5% more."
    )
    console.print("\nWhere to go next:")
    for command in (
        'retrostride energy --speed "3.5 mph" --grade 5',
        'retrostride energy --speed "5 km/h" --direction forward --json',
        'retrostride energy --speed "3 mph" --sled "40 kg" --surface artificial-turf',
        "retrostride energy --code 17320 --edition 2011",
        "retrostride compendium search backward",
        "retrostride --help",
    ):
        console.print(f"  {command}")
