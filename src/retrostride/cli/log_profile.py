"""``retrostride profile``: body-mass history, height, birth year, sex and home time zone."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer

from retrostride.errors import InputError
from retrostride.log.model import BodyMass, Sex
from retrostride.science import units
from retrostride.services import log as log_service

from .log import DatabaseOption, PersonOption, console, opened, parsed


def profile(
    mass: Annotated[
        str | None, typer.Option(help="Record a body mass, e.g. 70kg or 154lb.")
    ] = None,
    on: Annotated[
        str | None, typer.Option(help="Date of --mass (YYYY-MM-DD); default today.")
    ] = None,
    remove_mass: Annotated[str | None, typer.Option(help="Remove the mass of a date.")] = None,
    height: Annotated[str | None, typer.Option(help="Height, e.g. 1.75m, 175cm, 5ft9in.")] = None,
    birth_year: Annotated[int | None, typer.Option(help="Year of birth.")] = None,
    sex: Annotated[Sex | None, typer.Option(help="Sex (for the energy engine).")] = None,
    time_zone: Annotated[
        str | None, typer.Option(help="Home time zone, e.g. Europe/Berlin.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    database: DatabaseOption = None,
    person: PersonOption = log_service.DEFAULT_PERSON,
) -> None:
    """Show or change your profile: body-mass history, height, birth year, sex, home zone."""
    with opened(database) as db:
        changes = log_service.ProfileChanges(
            home_time_zone=time_zone,
            birth_year=birth_year,
            sex=sex,
            height_m=parsed(units.parse_length_m, height, "--height"),
            remove_mass_on=_day(remove_mass, "--remove-mass") if remove_mass else None,
        )
        if mass is not None:
            day = _day(on, "--on") if on else date.today()
            changes.add_mass = BodyMass(day, units.parse_mass_kg(mass, field="--mass"))
        who = log_service.update_profile(db, changes, person)
    if as_json:
        from retrostride.services.export import person_to_json

        typer.echo(json.dumps(person_to_json(who)))
        return
    console.print(
        f"[bold]{who.name}[/bold]: home zone {who.home_time_zone}, height "
        f"{who.height_m if who.height_m is not None else '-'} m, born "
        f"{who.birth_year or '-'}, sex {who.sex.value if who.sex else '-'}"
    )
    for m in who.body_mass:
        console.print(f"  {m.on.isoformat()}: {units.format_mass(m.mass_kg)}")
    if not who.body_mass:
        console.print(
            "  no body mass yet: energy falls back to the device's figure "
            "(add one with --mass 70kg)"
        )


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InputError(option, text, "a date like 2024-05-01") from exc
