"""The training log's commands: ``log``, ``sessions``, ``show``, ``edit``, ``delete``, ``profile``.

``import``, ``stats``, ``export`` and ``restore`` live in :mod:`retrostride.cli.log_io`. Every
command takes ``--database URL`` (or ``RETROSTRIDE_DATABASE_URL``) and ``--person NAME``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated, NoReturn
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table

from retrostride.cli import fields
from retrostride.errors import InputError, RetrostrideError
from retrostride.log.direction import session_direction
from retrostride.log.listing import SessionSummary
from retrostride.log.model import Session
from retrostride.science import units
from retrostride.science.locomotion import Direction, Setting
from retrostride.services import log as log_service
from retrostride.services import people
from retrostride.services import sessions as sessions_service
from retrostride.services.database import ENV_DATABASE_URL, Database, open_database

console = Console()
err_console = Console(stderr=True)

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        envvar=ENV_DATABASE_URL,
        show_envvar=True,
        help="Database URL (sqlite:///path or postgresql://...); default: a SQLite "
        "file in your user data folder.",
    ),
]
PersonOption = Annotated[str, typer.Option("--person", help="Whose log (created on first use).")]


_SURFACE_HELP = (
    "The ground: one of the energy calculator's surfaces (firm, dirt-road, loose-sand, ...: "
    "`retrostride energy --help`) or your own word."
)


SurfaceOption = Annotated[str | None, typer.Option("--surface", help=_SURFACE_HELP)]
# Back-compat: `--terrain` was the option's name; accepted, hidden from --help, for one release.
TerrainOption = Annotated[
    str | None, typer.Option("--terrain", hidden=True, help="Deprecated: use --surface.")
]


def surface_given(surface: str | None, terrain: str | None) -> str | None:
    """``--surface``, or the deprecated ``--terrain`` (back-compat) when only it is given."""
    if terrain is None:
        return surface
    if surface is not None and surface != terrain:
        raise InputError(
            "--surface", surface, f"one ground (--terrain, its old name, says {terrain})"
        )
    err_console.print("[yellow]note:[/yellow] --terrain is deprecated: use --surface.")
    return terrain


def fail(message: str, code: int = 1) -> NoReturn:
    err_console.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def opened(url: str | None) -> Iterator[Database]:
    """The database, with the toolkit's errors turned into one line and an exit code."""
    try:
        database = open_database(url)
    except RetrostrideError as exc:
        fail(str(exc))
    except Exception as exc:  # a wrong URL or an unreachable server
        fail(
            f"--database: cannot open {url or 'the default database'} ({exc.__class__.__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else ''})"
        )
    try:
        yield database
    except InputError as exc:
        fail(fields.message(exc), 2)
    except RetrostrideError as exc:
        fail(fields.refusal(exc))
    except OSError as exc:  # a file or folder named on the command line
        fail(f"{exc.filename or ''}: {exc.strerror or exc}")
    finally:
        database.close()


def parsed(parser: Callable[..., float], text: str | None, option: str) -> float | None:
    """Run one of the unit parsers on an option's text (None passes through)."""
    return None if text is None else parser(text, field=option)


def parse_when(text: str, zone_name: str, option: str = "--start") -> tuple[datetime, int]:
    """A local date/time (ISO 8601; in the home zone unless it carries an offset) -> UTC, offset."""
    try:
        moment = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError as exc:
        raise InputError(
            option, text, "a date and time like 2024-05-01T07:30 or 2024-05-01 07:30+02:00"
        ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone_name))
    offset = moment.utcoffset()
    return moment.astimezone(UTC), int(offset.total_seconds()) if offset else 0


def now_in(zone_name: str) -> tuple[datetime, int]:
    """Now (UTC, whole seconds) and the UTC offset [s] of the named zone now."""
    now = datetime.now(UTC).replace(microsecond=0)
    offset = now.astimezone(ZoneInfo(zone_name)).utcoffset()
    return now, int(offset.total_seconds()) if offset else 0


def local_text(session: Session | SessionSummary) -> str:
    if session.start_utc is None:
        stamp = session.imported_at.strftime("%Y-%m-%d") if session.imported_at else "?"
        return f"unknown (imported {stamp})"
    offset = session.utc_offset_s or 0
    local = session.start_utc.timestamp() + offset
    text = datetime.fromtimestamp(local, UTC).strftime("%Y-%m-%d %H:%M")
    sign = "+" if offset >= 0 else "-"
    zone = f"{sign}{abs(offset) // 3600:02d}:{abs(offset) % 3600 // 60:02d}"
    return f"{text} {zone}{' (assumed)' if session.offset_assumed else ''}"


def session_directions(session: Session) -> str:
    return session_direction(seg.direction for seg in session.segments).value


def energy_text(session: Session | SessionSummary) -> str:
    if session.energy_kcal is None:
        return "-"
    label = "device" if session.energy_source == "device" else "model"
    return f"{session.energy_kcal:.0f} ({label})"


def register(app: typer.Typer) -> None:
    """Add the log's commands to the ``retrostride`` app."""
    from retrostride.cli import log_io, log_profile

    app.command("log")(log_session)
    app.command("sessions")(sessions)
    app.command("show")(show)
    app.command("edit")(edit)
    app.command("delete")(delete)
    app.command("profile")(log_profile.profile)
    log_io.register(app)


def log_session(
    duration: Annotated[str, typer.Option(help="Duration, e.g. 30min, 1:15:00, 45 (minutes).")],
    sport: Annotated[
        str, typer.Option(help="walking, running, sled_drag, stairs or any.")
    ] = "walking",
    direction: Annotated[
        Direction, typer.Option(help="Which way you walked.")
    ] = Direction.BACKWARD,
    distance: Annotated[str | None, typer.Option(help="Distance, e.g. 2km, 1.2mi, 800m.")] = None,
    speed: Annotated[str | None, typer.Option(help="Speed or pace: 3km/h, 2mph, 12:00/km.")] = None,
    grade: Annotated[str | None, typer.Option(help="Grade or incline, e.g. 5%.")] = None,
    load: Annotated[str | None, typer.Option(help="Carried load, e.g. 10kg, 20lb.")] = None,
    sled: Annotated[
        str | None, typer.Option(help="Sled with plates (sled_drag), e.g. 40kg.")
    ] = None,
    setting: Annotated[Setting, typer.Option(help="Where.")] = Setting.OVERGROUND,
    surface: SurfaceOption = None,
    terrain: TerrainOption = None,
    start: Annotated[
        str | None,
        typer.Option(help="Local start, e.g. '2024-05-01 07:30' (your home zone); default now."),
    ] = None,
    rpe: Annotated[float | None, typer.Option(help="Effort, CR-10 (0-10).")] = None,
    pain_before: Annotated[float | None, typer.Option(help="Pain before, 0-10.")] = None,
    pain_after: Annotated[float | None, typer.Option(help="Pain after, 0-10.")] = None,
    title: Annotated[str | None, typer.Option(help="A title.")] = None,
    notes: Annotated[str, typer.Option(help="Free notes.")] = "",
    database: DatabaseOption = None,
    person: PersonOption = log_service.DEFAULT_PERSON,
) -> None:
    """Log a session by hand (units accepted: km/h, mph, min/km, kg, lb, %, km, mi, ...)."""
    with opened(database) as db:
        from retrostride.services import session_entry

        duration_s = units.parse_duration_s(duration, field="--duration")
        home = log_service.get_person(db, person).home_time_zone
        start_utc, offset_s = parse_when(start, home) if start else now_in(home)
        entry = session_entry.SessionEntry(
            sport=sport,
            start_utc=start_utc,
            utc_offset_s=offset_s,
            setting=setting,
            surface=surface_given(surface, terrain),
            title=title,
            notes=notes,
            rpe=rpe,
            pain_before=pain_before,
            pain_after=pain_after,
            segments=(
                session_entry.SegmentEntry(
                    duration_s=duration_s,
                    direction=direction,
                    distance_m=parsed(units.parse_distance_m, distance, "--distance"),
                    speed_m_s=parsed(units.parse_speed_m_s, speed, "--speed"),
                    grade_percent=parsed(units.parse_grade_percent, grade, "--grade"),
                    load_kg=parsed(units.parse_mass_kg, load, "--load"),
                    sled_kg=parsed(units.parse_mass_kg, sled, "--sled"),
                ),
            ),
        )
        stored = session_entry.log_entry(db, entry, person)
        console.print(
            f"logged session {stored.id}: {sport} {direction.value}, "
            f"{units.format_duration(duration_s)}, energy {energy_text(stored)}"
        )


def sessions(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    database: DatabaseOption = None,
    person: PersonOption = log_service.DEFAULT_PERSON,
) -> None:
    """List the sessions of your log, oldest first."""
    with opened(database) as db:
        pid = people.find_person_id(db, person)
        if as_json:
            details = [] if pid is None else sessions_service.all_session_details(db, pid)
            typer.echo(json.dumps(details, ensure_ascii=False))
            return
        found = (
            []
            if pid is None
            else sessions_service.session_page(db, pid, limit=2**31, newest_first=False).items
        )
    table = Table(title=f"{len(found)} session(s)")
    for column in (
        "id",
        "start (local)",
        "sport",
        "setting",
        "direction",
        "time",
        "distance",
        "kcal",
        "notes",
    ):
        table.add_column(
            column, justify="right" if column in {"id", "time", "distance"} else "left"
        )
    for s in found:
        table.add_row(
            str(s.id),
            local_text(s),
            s.sport,
            s.setting,
            s.direction,
            _duration_text(s.moving_s or s.elapsed_s),
            units.format_distance(s.distance_m) if s.distance_m is not None else "-",
            energy_text(s),
            "recovered" if s.recovered else "",
        )
    console.print(table)


def show(
    session_id: Annotated[int, typer.Argument(help="Session id (see `retrostride sessions`).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (samples included).")] = False,
    database: DatabaseOption = None,
    person: PersonOption = log_service.DEFAULT_PERSON,
) -> None:
    """Show one session with its segments, warnings and energy source."""
    with opened(database) as db:
        if as_json:
            pid = people.find_person_id(db, person)
            if pid is None:
                raise log_service.SessionNotFound(session_id)
            body = sessions_service.session_detail_json(db, pid, session_id)
            typer.echo(body.decode("utf-8"))
            return
        s = log_service.get_session(db, session_id, person, with_samples=False)
    console.print(
        f"[bold]session {s.id}[/bold]: {s.sport}"
        f"{' / ' + s.sub_sport if s.sub_sport else ''}, {s.setting.value}"
        f"{', ' + s.surface if s.surface else ''}"
    )
    console.print(f"start: {local_text(s)}")
    for label, value in (
        ("elapsed", units.format_duration(s.elapsed_s) if s.elapsed_s else None),
        ("moving", units.format_duration(s.moving_s) if s.moving_s else None),
        ("distance", units.format_distance(s.distance_m) if s.distance_m is not None else None),
        (
            "energy",
            energy_text(s)
            + (f", model {s.energy_model_version}" if s.energy_model_version else ""),
        ),
        ("device kcal", f"{s.device_kcal:.0f}" if s.device_kcal is not None else None),
        ("file", f"{s.source.name} ({s.source.format})" if s.source else None),
        ("device", s.device),
        ("title", s.title),
        ("notes", s.notes or None),
        ("RPE", s.rpe),
        (
            "pain before/after",
            f"{s.pain_before} / {s.pain_after}"
            if s.pain_before is not None or s.pain_after is not None
            else None,
        ),
        ("recovered", s.recovered),
        ("multisport group", s.group),
    ):
        if value is not None:
            console.print(f"{label}: {value}", highlight=False)
    for warning in s.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
    for flag in s.flags:
        points = f" ({flag.count} points)" if flag.count > 1 else ""
        console.print(
            f"[yellow]flagged:[/yellow] {flag.where} {flag.field} = {flag.value:g} {flag.unit}"
            f"{points}, outside {flag.bound}: kept, not used for energy or totals",
            highlight=False,
        )
    table = Table(title="segments")
    for column in ("#", "start", "time", "distance", "direction", "speed", "grade", "load"):
        table.add_column(column)
    for i, seg in enumerate(s.segments, start=1):
        table.add_row(
            str(i),
            units.format_duration(seg.start_offset_s),
            units.format_duration(seg.moving_s or seg.elapsed_s or 0.0),
            units.format_distance(seg.distance_m) if seg.distance_m is not None else "-",
            seg.direction.value,
            units.format_speed(seg.speed_m_s) if seg.speed_m_s is not None else "-",
            f"{seg.grade_percent:.1f}%" if seg.grade_percent is not None else "-",
            units.format_mass(seg.load_kg) if seg.load_kg else "-",
        )
    console.print(table)


def edit(
    session_id: Annotated[int, typer.Argument(help="Session id.")],
    direction: Annotated[
        Direction | None, typer.Option(help="Direction of the session, or of --segment N only.")
    ] = None,
    segment: Annotated[
        int | None, typer.Option(help="Segment number (1 = first, as `show` lists them).")
    ] = None,
    start: Annotated[
        str | None,
        typer.Option(
            help="Set the local start, e.g. '2024-05-01 07:30' (for a watch whose clock was unset)."
        ),
    ] = None,
    sport: Annotated[str | None, typer.Option(help="Sport.")] = None,
    setting: Annotated[Setting | None, typer.Option(help="Setting.")] = None,
    surface: SurfaceOption = None,
    terrain: TerrainOption = None,
    speed: Annotated[str | None, typer.Option(help="Speed (belt speed), e.g. 3km/h.")] = None,
    grade: Annotated[str | None, typer.Option(help="Grade or incline, e.g. 5%.")] = None,
    load: Annotated[str | None, typer.Option(help="Carried load, e.g. 10kg.")] = None,
    rpe: Annotated[float | None, typer.Option(help="Effort, CR-10 (0-10).")] = None,
    pain_before: Annotated[float | None, typer.Option(help="Pain before, 0-10.")] = None,
    pain_after: Annotated[float | None, typer.Option(help="Pain after, 0-10.")] = None,
    title: Annotated[str | None, typer.Option(help="Title.")] = None,
    notes: Annotated[str | None, typer.Option(help="Notes (replaces them).")] = None,
    database: DatabaseOption = None,
    person: PersonOption = log_service.DEFAULT_PERSON,
) -> None:
    """Change a session (or one segment); its energy is estimated again."""
    with opened(database) as db:
        if segment is not None and segment < 1:
            raise InputError("--segment", segment, "a segment number from 1")
        changes = log_service.SessionChanges(
            direction=direction,
            segment=None if segment is None else segment - 1,
            sport=sport,
            setting=setting,
            surface=surface_given(surface, terrain),
            title=title,
            notes=notes,
            rpe=rpe,
            pain_before=pain_before,
            pain_after=pain_after,
            speed_m_s=parsed(units.parse_speed_m_s, speed, "--speed"),
            grade_percent=parsed(units.parse_grade_percent, grade, "--grade"),
            load_kg=parsed(units.parse_mass_kg, load, "--load"),
        )
        if start is not None:
            home = log_service.get_person(db, person).home_time_zone
            changes.start_utc, changes.utc_offset_s = parse_when(start, home)
        s = log_service.edit_session(db, session_id, changes, person)
        console.print(
            f"session {s.id}: {s.sport}, direction {session_directions(s)}, energy {energy_text(s)}"
        )


def delete(
    session_ids: Annotated[list[int], typer.Argument(help="Session id(s).")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
    database: DatabaseOption = None,
    person: PersonOption = log_service.DEFAULT_PERSON,
) -> None:
    """Delete sessions (with their segments and samples)."""
    if not yes and not typer.confirm(f"Delete session(s) {', '.join(map(str, session_ids))}?"):
        raise typer.Exit(1)
    with opened(database) as db:
        for session_id in session_ids:
            log_service.delete_session(db, session_id, person)
            console.print(f"deleted session {session_id}")


def _duration_text(seconds: float | None) -> str:
    return units.format_duration(seconds) if seconds else "-"
