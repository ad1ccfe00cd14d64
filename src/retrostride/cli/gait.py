"""``retrostride gait analyze`` and ``retrostride gait validate`` (``batch``: .gait_batch)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from retrostride.cli import fields
from retrostride.cli.gait_session import attach_to_session
from retrostride.cli.log import DatabaseOption
from retrostride.errors import FileRefused, InputError, RetrostrideError
from retrostride.gait.recording import FootPair, Recording
from retrostride.gait.result import GaitResult

if TYPE_CHECKING:
    from collections.abc import Sequence

    from retrostride.services.gait_validation import Check

gait_app = typer.Typer(
    name="gait",
    help="Gait from wearables: walking bouts, steps, cadence, stride length, direction.",
    no_args_is_help=True,
)

def _fail(message: str) -> None:
    Console(stderr=True).print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(2)


def _fmt(value: float, digits: int = 2) -> str:
    return "-" if value is None or not math.isfinite(value) else f"{value:.{digits}f}"


def _print_result(console: Console, result: GaitResult) -> None:
    totals = result.totals()
    name = Path(str(result.source or "recording").split("#")[0]).name
    part = str(result.source).split("#")[1] if "#" in str(result.source) else ""
    table = Table(
        title=f"{name} {part}: {len(result.bouts)} walking bouts",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        caption="start/end s, n steps, cadence steps/min, stride m, speed m/s, "
        "stride-time CV %, step-time symmetry ratio",
    )
    for col in ("start", "end", "dir.", "conf", "n", "cad.", "stride", "speed", "CV", "sym"):
        table.add_column(col, justify="right", no_wrap=True)
    for b in result.bouts:
        table.add_row(
            _fmt(b.start_s, 1),
            _fmt(b.end_s, 1),
            b.direction.value,
            _fmt(b.direction_confidence),
            str(b.n_steps),
            _fmt(b.cadence_spm, 1),
            _fmt(b.stride_length_m),
            _fmt(b.speed_m_s),
            _fmt(b.stride_time_cv_percent, 1),
            _fmt(b.symmetry_step_time_ratio),
        )
    console.print(table)
    console.print(
        f"steps {totals['step_count']}, walking {_fmt(totals['walking_time_s'], 1)} s "
        f"(forward {_fmt(totals['forward_time_s'], 1)} s, backward "
        f"{_fmt(totals['backward_time_s'], 1)} s), direction {totals['direction']}"
    )
    for w in result.warnings:
        console.print(f"[yellow]note:[/yellow] {fields.words(w)}")


@gait_app.command("analyze")
def analyze_command(
    file: Annotated[Path, typer.Argument(help="IMU file or export (format found by content).")],
    placement: Annotated[
        str | None,
        typer.Option(
            help="Sensor placement: lower-back, foot or phone (default: what the format "
            "implies: phone apps -> phone, GENEActiv and Mobilise-D -> lower-back, "
            "two-foot CSV -> foot)."
        ),
    ] = None,
    mounting: Annotated[
        str | None,
        typer.Option(
            help="Device axes pointing anterior, left, up, e.g. '+z,+x,+y' "
            "(needed for direction when the format's axes are the device's)."
        ),
    ] = None,
    sensor_height: Annotated[
        float | None, typer.Option(help="Sensor height above the ground [m] (lower back).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print totals and bouts as JSON.")
    ] = False,
    strides: Annotated[bool, typer.Option(help="Include per-stride arrays in --json.")] = False,
    plot: Annotated[
        Path | None, typer.Option(help="Write a plot of signal, bouts and contacts.")
    ] = None,
    session: Annotated[
        str | None,
        typer.Option(
            help="Attach the result to this logged session: its segments get their walking "
            "direction and cadence, and their energy is re-estimated."
        ),
    ] = None,
    trial: Annotated[
        int | None,
        typer.Option(help="Analyse only this trial of a multi-trial file (1-based); needed "
                     "with --session for such a file."),
    ] = None,
    offset: Annotated[
        float | None,
        typer.Option(help="With --session: seconds from the session's start to the "
                     "recording's (default: from the start times, else 0)."),
    ] = None,
    recording_start: Annotated[
        str | None,
        typer.Option(help="With --session: when the recording started (ISO 8601 with zone), "
                     "if the file does not say."),
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Analyse one recording: walking bouts with direction, steps, cadence, stride length."""
    from retrostride.cli.gait_session import worded
    from retrostride.services.gait_analysis import analyse_file

    try:
        analysis = analyse_file(
            file,
            placement=placement,
            mounting=mounting,
            sensor_height_m=sensor_height,
            trial=trial,
        )
    except InputError as exc:
        _fail(worded(exc))
        return
    except FileRefused as exc:
        _fail(str(exc))
        return
    except (RetrostrideError, ValueError) as exc:
        _fail(f"{file}: {exc}")
        return
    console = Console()
    out = []
    n = len(analysis.results)
    for number, (rec, result) in enumerate(
        zip(analysis.recordings, analysis.results, strict=True), start=1
    ):
        if as_json:
            out.append(result.to_dict(strides=strides))
        else:
            _print_result(console, result)
        if plot is not None:
            _plot(rec, result, plot, n, number, console)
    if session is not None:
        attach_to_session(
            session, analysis, database, trial=trial, offset_s=offset,
            recording_start=recording_start,
        )
    if as_json:
        typer.echo(json.dumps(out[0] if len(out) == 1 else out, indent=2))


def _plot(
    rec: Recording | FootPair, result: GaitResult, path: Path, n: int, i: int, console: Console
) -> None:
    """Plot one recording's analysis to ``path`` (``stem-i`` for the i-th of ``n``)."""
    from retrostride.plots.gait import plot_gait_analysis

    target = path if n == 1 else path.with_name(f"{path.stem}-{i}{path.suffix}")
    plot_gait_analysis(rec, result, target)
    console.print(f"plot written to {target}")


@gait_app.command("validate")
def validate_command(
    data: Annotated[
        Path | None,
        typer.Option(
            help="Shared data folder holding imu/ (default: ../shared/data next to the repository)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    variants: Annotated[
        bool, typer.Option(help="Also run time-reversed, speed and stance variants.")
    ] = True,
    show_all: Annotated[
        bool, typer.Option("--all", help="List every check, not only those not passed.")
    ] = False,
    goals: Annotated[
        bool,
        typer.Option(help="Also print the goal table: stride length per length band and "
                     "direction coverage, beside mobgap's when mobgap is installed."),
    ] = True,
    mobgap: Annotated[
        bool, typer.Option(help="Run mobgap for the goal table when it is installed.")
    ] = True,
) -> None:
    """Validate against INDIP, motion capture and phone step counts, and check reversal."""
    from retrostride.services.gait_validation import validate

    folder = data or Path(__file__).resolve().parents[3].parent / "shared" / "data"
    if not folder.is_dir():
        _fail(f"--data: {str(folder)!r} is not a folder; expected the shared data folder")
    try:
        report = validate(folder, variants=variants, goals=goals, mobgap=mobgap)
    except InputError as exc:
        _fail(fields.message(exc))
        return
    except FileRefused as exc:
        _fail(str(exc))
        return
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
        return
    console = Console()
    summary = Table(title="Gait validation: summary")
    summary.add_column("figure")
    summary.add_column("value", justify="right")
    for k, v in report.summary.items():
        summary.add_row(k, _fmt(v, 3) if isinstance(v, float) else str(v))
    console.print(summary)
    shown = report.checks if show_all else [c for c in report.checks if c.passed is False]
    table = Table(title=checks_title(report.checks, show_all=show_all))
    for col in ("section", "item", "metric", "value", "ref", "goal", "ok"):
        table.add_column(col)
    for c in shown:
        value = _fmt(c.value, 3) if isinstance(c.value, float) else str(c.value)
        ref = _fmt(c.reference, 3) if isinstance(c.reference, float) else str(c.reference or "")
        ok = {True: "[green]yes[/green]", False: "[red]no[/red]", None: ""}[c.passed]
        table.add_row(c.section, c.item, c.metric, value, ref, c.goal, ok)
    console.print(table)
    if report.goals:
        goal_table = Table(title="Goal table: ours and mobgap's")
        for col in ("item", "metric", "ours", "mobgap", "goal", "met"):
            goal_table.add_column(col)
        for g in report.goals:
            met = {True: "[green]yes[/green]", False: "[red]no[/red]", None: ""}[g.met]
            goal_table.add_row(
                g.item, g.metric, _cell(g.ours), _cell(g.mobgap), g.goal, met
            )
        console.print(goal_table)
    console.print(
        "Reversal and perturbation checks prove the bookkeeping (time, sign and frame "
        "conventions), not accuracy on real backward walking."
    )


def checks_title(checks: Sequence[Check], *, show_all: bool) -> str:
    """The checks table's title, counting what it lists: checks with a goal passed and failed,
    and figures reported without a goal (``passed is None``) apart."""
    judged = [c for c in checks if c.passed is not None]
    passed = sum(c.passed is True for c in judged)
    failed = len(judged) - passed
    informational = len(checks) - len(judged)
    head = "All checks" if show_all else "Checks not passed"
    return (
        f"{head} ({failed} failed, {passed} passed of {len(judged)} with a goal; "
        f"{informational} figures without a goal{' listed' if show_all else ' not listed'})"
    )


def _cell(value: float | str | None) -> str:
    if value is None:
        return ""
    return _fmt(value, 3) if isinstance(value, float) else str(value)


def register(app: typer.Typer) -> None:
    """Add the ``gait`` sub-command group."""
    app.add_typer(gait_app, name="gait")
