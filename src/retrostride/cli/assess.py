"""``retrostride assess add|list|report``: outcome measures, their change from baseline against
the minimal important change, and progress pictures."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from retrostride.cli.log import DatabaseOption, PersonOption, console, opened
from retrostride.errors import InputError
from retrostride.science import units
from retrostride.science.outcomes import MEASURES, POPULATIONS, Better, find_mic
from retrostride.services import assessments as service

assess_app = typer.Typer(
    name="assess",
    help="Outcome measures: pain, WOMAC totals, TUG, 6-minute walk, shuttle run, body, strength.",
    no_args_is_help=True,
)

MEASURE_HELP = "; ".join(f"{m.id}: {m.label} [{m.unit}]" for m in MEASURES.values())


def register(app: typer.Typer) -> None:
    app.add_typer(assess_app, name="assess")


def _value(measure: str, text: str) -> float:
    """Parse what people type for a measure into its stored unit."""
    if measure == "tug":
        return units.parse_duration_s(text, field="value", bare_unit="s")
    if measure == "six_minute_walk":
        return units.parse_distance_m(text, field="value")
    if measure == "body_mass":
        return units.parse_mass_kg(text, field="value")
    try:
        return float(text.strip().rstrip("%"))
    except ValueError:
        raise InputError("value", text, f"a number for {measure}") from None


@assess_app.command("add")
def add(
    measure: Annotated[str, typer.Argument(help=MEASURE_HELP)],
    value: Annotated[
        str,
        typer.Argument(
            help="The result: TUG '9.2 s', walk '480 m', mass '72 kg', the shuttle "
            "run's last stage (e.g. 7.5), body fat in %, strength with --unit."
        ),
    ],
    on: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (default today).")] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help="Strength unit: N, N·m (Nm) or kg.")
    ] = None,
    method: Annotated[
        str | None,
        typer.Option(
            "--method",
            help="Body fat: dxa, bia, skinfolds, hydrostatic, "
            "air-displacement, other; strength: handheld-dynamometer, "
            "fixed-dynamometer, isokinetic, 1rm, other.",
        ),
    ] = None,
    detail: Annotated[
        str | None,
        typer.Option("--detail", help="Skinfold equation and sites, device, knee angle, ..."),
    ] = None,
    notes: Annotated[str, typer.Option("--notes", help="Free notes.")] = "",
    database: DatabaseOption = None,
    person: PersonOption = service.DEFAULT_PERSON,
) -> None:
    """Record one measurement."""
    with opened(database) as db:
        if measure not in MEASURES:
            raise InputError("measure", measure, ", ".join(MEASURES))
        day = date.today() if on is None else _date(on)
        a = service.add_assessment(
            db,
            measure,
            day,
            _value(measure, value),
            unit=unit,
            method=method,
            detail=detail,
            notes=notes,
            person=person,
        )
        console.print(f"recorded {a.measure} {a.value:.4g} {a.unit} on {a.on} (id {a.id})")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError("--date", text, "a date such as 2026-12-01") from None


@assess_app.command("list")
def list_(
    measure: Annotated[str | None, typer.Option("--measure", help="Only this measure.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    database: DatabaseOption = None,
    person: PersonOption = service.DEFAULT_PERSON,
) -> None:
    """The recorded measurements."""
    with opened(database) as db:
        rows = service.list_assessments(db, person=person, measure=measure)
        if as_json:
            typer.echo(json.dumps([{**asdict(a), "on": a.on.isoformat()} for a in rows], indent=1))
            return
        table = Table("id", "date", "measure", "value", "unit", "method")
        for a in rows:
            table.add_row(
                str(a.id),
                str(a.on),
                a.measure,
                f"{a.value:.4g}",
                a.unit,
                " ".join(x for x in (a.method, a.detail) if x),
            )
        console.print(table)


@assess_app.command("report")
def report(
    population: Annotated[
        str | None,
        typer.Option(
            "--population",
            help="Whose minimal important change applies: "
            + ", ".join(POPULATIONS)
            + " (default: your active program's, else knee_oa).",
        ),
    ] = None,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot",
            help="Write each measure over time with its MIC band (.png or "
            ".svg); with several measures the measure's name is added to the file name.",
        ),
    ] = None,
    database: DatabaseOption = None,
    person: PersonOption = service.DEFAULT_PERSON,
) -> None:
    """Each measure's change from baseline, read against its minimal important change."""
    from retrostride.plots import plot_outcome

    with opened(database) as db:
        population = population or service.default_population(db, person=person)
        reports = service.report(db, person=person, population=population)
        console.print(f"Minimal important changes for: {POPULATIONS.get(population, population)}")
        if not reports:
            console.print("No assessments recorded yet: `retrostride assess add ...`.")
            return
        for r in reports:
            method = f" ({r.method})" if r.method else ""
            console.print(f"[bold]{r.label}[/bold]{method}")
            first, last = r.series[0], r.series[-1]
            console.print(
                f" baseline {first.value:.4g} {r.unit} on {first.on}; latest "
                f"{last.value:.4g} {r.unit} on {last.on}"
            )
            if r.change is not None:
                console.print(f" {r.change.text}", highlight=False)
            console.print(f" {r.latest_reading}", highlight=False)
            for note in r.notes:
                console.print(f" note: {note}")
            if plot is not None:
                target = plot
                if len(reports) > 1:
                    target = plot.with_name(f"{plot.stem}-{r.measure}{plot.suffix}")
                mic = find_mic(r.measure, population)
                m = MEASURES[r.measure]
                plot_outcome(
                    [(a.on, a.value) for a in r.series],
                    target,
                    title=r.label,
                    unit=r.unit,
                    mic=mic.absolute if mic else None,
                    mic_label=f"{mic.kind}, {mic.source.split(',')[0]}" if mic else "",
                    lower_is_better=(
                        None if m.better is Better.NEITHER else m.better is Better.LOWER
                    ),
                )
                console.print(f" wrote {target}")
