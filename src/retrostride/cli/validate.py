"""``retrostride validate``: every model and algorithm against every reference, as a report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add ``validate`` to ``app``."""
    app.command(name="validate")(validate_command)


def validate_command(
    report: Annotated[
        Path, typer.Option("--report", help="Folder for validation.html and validation.json.")
    ] = Path("validation-report"),
    data: Annotated[
        Path,
        typer.Option("--data", help="The shared data folder (activity files, IMU references)."),
    ] = Path("../shared/data"),
    gait: Annotated[
        bool, typer.Option("--gait/--no-gait", help="Run the gait validation (slow).")
    ] = True,
    update_baseline: Annotated[
        str | None,
        typer.Option(
            "--update-baseline",
            help="Write the figures as the new baseline, with this REASON (shown in the report).",
        ),
    ] = None,
    baseline_file: Annotated[
        Path | None,
        typer.Option("--baseline-file", help="Where --update-baseline writes (the repository's)."),
    ] = None,
) -> None:
    """Every model and algorithm against every reference: an HTML and JSON report."""
    import json

    from retrostride.services import validation

    result = validation.run(data if data.is_dir() else None, include_gait=gait)
    html_path, json_path = validation.write_report(result, report)
    typer.echo(f"wrote {html_path} and {json_path} ({len(result.comparisons)} comparisons)")
    worse = validation.regressions(result)
    for line in worse:
        typer.echo(f"worse than the baseline: {line}", err=True)
    if update_baseline is not None:
        target = baseline_file or Path("src/retrostride/data") / validation.BASELINE_RESOURCE
        target.write_text(
            json.dumps(validation.baseline_of(result, update_baseline), indent=1) + "\n",
            encoding="utf-8",
        )
        typer.echo(f"baseline written to {target}: {update_baseline}")
        return
    if worse:
        raise typer.Exit(1)
