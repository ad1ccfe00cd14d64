"""The log's file commands: ``import``, ``stats``, ``export`` and ``restore``."""

from __future__ import annotations

import json
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from retrostride.errors import InputError
from retrostride.importers.activity import DEFAULT_MAX_FILE_BYTES
from retrostride.science import units
from retrostride.science.locomotion import Direction
from retrostride.services import export_track
from retrostride.services import log as log_service
from retrostride.services.export_track import TrackFormat
from retrostride.services.importing import (
    ImportOptions,
    Outcome,
    Remedy,
    expand_paths,
    import_files,
)
from retrostride.services.stats import Period, log_totals

from .log import DatabaseOption, PersonOption, console, err_console, fail, opened

_REMEDY_HINTS = {
    Remedy.SALVAGE: "use --salvage to import the valid part",
    Remedy.ALLOW_DUPLICATE: "use --allow-duplicate to import it",
    Remedy.RAISE_SIZE_LIMIT: "raise the limit with --max-size",
}
"""The CLI's words for what the person could do about a file (the services name no flags)."""

_SIZE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([kmgt]?i?b?)\s*$", re.IGNORECASE)
_SIZE_FACTORS = {
    "": 1e6,
    "b": 1,
    "k": 1e3,
    "kb": 1e3,
    "m": 1e6,
    "mb": 1e6,
    "g": 1e9,
    "gb": 1e9,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
    "tb": 1e12,
    "tib": 1024**4,
}


def parse_size_bytes(text: str, option: str = "--max-size") -> int:
    """A file size like ``50MB``, ``1.5GB``, ``200MiB`` or ``50`` (megabytes) -> bytes."""
    match = _SIZE.match(text)
    unit = match.group(2).lower() if match else ""
    if match is None or unit not in _SIZE_FACTORS or float(match.group(1)) <= 0:
        raise InputError(option, text, "a positive size like 50MB, 1.5GB or 200MiB")
    return int(float(match.group(1)) * _SIZE_FACTORS[unit])


_STYLE = {
    Outcome.IMPORTED: "green",
    Outcome.SALVAGED: "yellow",
    Outcome.PROBABLE_DUPLICATE: "cyan",
    Outcome.DUPLICATE: "red",
    Outcome.REFUSED: "red",
}


def import_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="FIT, GPX, TCX or CSV files, zip archives of them (Garmin, Strava), or folders."
        ),
    ],
    direction: Annotated[
        Direction | None,
        typer.Option(
            help="Direction of every segment (default: unknown, to set later with `edit`)."
        ),
    ] = None,
    salvage: Annotated[
        bool, typer.Option(help="Import the valid part of a damaged file (marked as recovered).")
    ] = False,
    allow_duplicate: Annotated[
        bool, typer.Option(help="Import files that look like a session already in the log.")
    ] = False,
    max_size: Annotated[
        str, typer.Option(help="Refuse files larger than this, e.g. 50MB.")
    ] = f"{DEFAULT_MAX_FILE_BYTES // 1024**2}MiB",
    database: DatabaseOption = None,
    person: PersonOption = log_service.DEFAULT_PERSON,
) -> None:
    """Import activity files into the log, each file on its own (a bad file changes nothing).

    Exits 1 when any file was refused (damaged, unreadable, too large, or already imported);
    probable duplicates are skipped and reported, which is not a failure.
    """
    with opened(database) as db:
        options = ImportOptions(
            direction=direction,
            salvage=salvage,
            allow_duplicate=allow_duplicate,
            max_bytes=parse_size_bytes(max_size),
        )
        files = expand_paths(files)
        if len(files) > 1:
            with Progress(
                TextColumn("importing"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                TextColumn("{task.description}"),
                console=err_console,
                transient=True,
            ) as bar:
                task = bar.add_task("", total=len(files))

                def advance(name: str) -> None:
                    bar.update(task, advance=1, description=Path(name).name)

                report = import_files(
                    db, files, person_name=person, options=options, progress=advance
                )
        else:
            report = import_files(db, files, person_name=person, options=options)
    for result in report.results:
        style = _STYLE[result.outcome]
        ids = f" -> session {', '.join(map(str, result.session_ids))}" if result.session_ids else ""
        message = f": {result.message}" if result.message else ""
        if result.remedy is not None:
            message += f" ({_REMEDY_HINTS[result.remedy]})"
        line = f"[{style}]{result.outcome.value}[/{style}] {result.name}{ids}{message}"
        (err_console if result.failed else console).print(line, highlight=False, soft_wrap=True)
        for warning in result.warnings:
            console.print(f"  [yellow]warning:[/yellow] {warning}", highlight=False, soft_wrap=True)
    counts = {o: sum(r.outcome is o for r in report.results) for o in Outcome}
    summary = ", ".join(f"{n} {o.value.replace('_', ' ')}" for o, n in counts.items() if n)
    console.print(f"{len(report.results)} file(s): {summary}")
    if not report.ok:
        raise typer.Exit(1)


def stats(
    week: Annotated[bool, typer.Option("--week", help="Totals per ISO week (default).")] = False,
    month: Annotated[bool, typer.Option("--month", help="Totals per month.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    database: DatabaseOption = None,
    person: PersonOption = log_service.DEFAULT_PERSON,
) -> None:
    """Time, distance, energy and the share done backward, per week or month."""
    if week and month:
        fail("--week and --month: give one of them", 2)
    period = Period.MONTH if month else Period.WEEK
    with opened(database) as db:
        rows = log_totals(db, period, person)
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "period": r.period,
                        "first_day": r.first_day.isoformat(),
                        "sessions": r.sessions,
                        "undated": r.undated,
                        "time_s": r.time_s,
                        "distance_m": r.distance_m,
                        "energy_kcal": r.energy_kcal,
                        "energy_unknown": r.energy_unknown,
                        "backward_share": r.backward_share,
                    }
                    for r in rows
                ]
            )
        )
        return
    table = Table(title=f"totals per {period.value}")
    for column in ("period", "sessions", "time", "distance", "kcal", "backward"):
        table.add_column(column, justify="left" if column == "period" else "right")
    for r in rows:
        share = r.backward_share
        table.add_row(
            r.period + (" *" if r.undated else ""),
            str(r.sessions),
            units.format_duration(r.time_s),
            units.format_distance(r.distance_m),
            f"{r.energy_kcal:.0f}"
            + (f" (+{r.energy_unknown} unknown)" if r.energy_unknown else ""),
            f"{share:.0%}" if share is not None else "-",
        )
    console.print(table)
    if any(r.undated for r in rows):
        console.print("* includes sessions of unknown start, counted by their import date")


class BundleFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


def export(
    target: Annotated[
        Path, typer.Argument(help="JSON file to write, or a folder for --format csv.")
    ],
    format: Annotated[
        BundleFormat, typer.Option(help="json: one file; csv: a folder of CSVs.")
    ] = BundleFormat.JSON,
    database: DatabaseOption = None,
    person: PersonOption = log_service.DEFAULT_PERSON,
) -> None:
    """Export your whole log (see docs/export-format.md); `restore` reads it back unchanged."""
    from retrostride.services.export_bundle import write_bundle
    from retrostride.services.export_csv import export_csv

    with opened(database) as db:
        if format is BundleFormat.CSV:
            count = export_csv(db, target, person)
        else:  # the same bundle as the web's "Download my data"
            count = write_bundle(db, target, person)
    console.print(f"exported {count} session(s) to {target}")


def restore(
    source: Annotated[Path, typer.Argument(help="A JSON bundle or a CSV export folder.")],
    merge: Annotated[
        bool,
        typer.Option(
            help="Add to a log that already has sessions (new "
            "ids; files already in it are skipped)."
        ),
    ] = False,
    database: DatabaseOption = None,
    person: Annotated[
        str | None, typer.Option("--person", help="Whose log (default: the bundle's person).")
    ] = None,
) -> None:
    """Restore an exported log."""
    from retrostride.services import export_bundle
    from retrostride.services.export import restore as restore_csv

    with opened(database) as db:
        if source.is_dir():
            count = restore_csv(db, source, person, merge=merge)
            console.print(f"restored {count} session(s) from {source}")
            return
        bundle = export_bundle.read_file(source)
        name = person or (bundle.log.person.name if bundle.log else log_service.DEFAULT_PERSON)
        report = export_bundle.restore_bundle(db, bundle, name, merge=merge)
    console.print(
        f"restored {report.sessions} session(s), {report.assessments} assessment(s), "
        f"{report.enrolments} enrolment(s), {report.grants} sharing grant(s) from {source}"
    )
    for note in report.skipped:
        console.print(f"skipped: {note}", highlight=False)


def export_session(
    session_id: Annotated[int, typer.Argument(help="The session's id (see `sessions`).")],
    format: Annotated[
        TrackFormat, typer.Option(help="gpx (needs positions) or tcx (needs recorded points).")
    ] = TrackFormat.GPX,
    output: Annotated[
        Path | None, typer.Option(help="File to write; default session-ID.FORMAT here.")
    ] = None,
    database: DatabaseOption = None,
    person: PersonOption = log_service.DEFAULT_PERSON,
) -> None:
    """Write one session as a GPX or TCX file, for other training apps."""
    with opened(database) as db:
        written = export_track.export_session(db, session_id, format, person)
        target = output or Path(written.name)
        target.write_bytes(written.data)
    console.print(f"wrote session {session_id} to {target} ({format.value.upper()})")


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
    app.command("stats")(stats)
    app.command("export")(export)
    app.command("export-session")(export_session)
    app.command("restore")(restore)
