"""``retrostride gait analyze FILE --session ID``: attach the result to a logged session.

:func:`attach_to_session` writes each segment's walking direction and cadence through
:func:`retrostride.services.gait_analysis.attach_analysis`. The database is ``--database``,
``RETROSTRIDE_DATABASE_URL`` or the default SQLite file (as for the log commands).
The recording's place in the session is ``--offset`` (seconds), else ``--recording-start``
(or the file's own start time) against the session's start, else 0 (said in the output).
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from retrostride.errors import InputError, RetrostrideError

if TYPE_CHECKING:
    from retrostride.services.gait_analysis import FileAnalysis

console = Console()
err_console = Console(stderr=True)

FLAGS = {
    "session_id": "--session",
    "trial": "--trial",
    "offset_s": "--offset",
    "recording_start_utc": "--recording-start",
    "placement": "--placement",
    "mounting": "--mounting",
    "sensor_height_m": "--sensor-height",
}
"""The service's field names as this command's flags."""


def worded(exc: InputError) -> str:
    """An ``InputError`` in the words of this command (its field as a flag)."""
    flag = FLAGS.get(exc.field, exc.field)
    return str(exc).replace(f"{exc.field}:", f"{flag}:", 1)


def _session_id(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise InputError("session_id", text, "a session id (a whole number; see "
                                             "'retrostride sessions')") from None
    if value < 1:
        raise InputError("session_id", text, "a session id of 1 or more")
    return value


def parse_start(text: str | None) -> datetime | None:
    """``--recording-start`` as an aware datetime (ISO 8601 with a zone)."""
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise InputError(
            "recording_start_utc", text, "a date and time with its zone, e.g. 2026-05-01T07:00Z"
        )
    return value


def attach_to_session(
    session: str,
    analysis: FileAnalysis,
    database_url: str | None = None,
    *,
    trial: int | None = None,
    offset_s: float | None = None,
    recording_start: str | None = None,
) -> None:
    """Attach the analysis to session ``session``; an error is one line on stderr and exit
    code 2."""
    from retrostride.cli.log import opened
    from retrostride.services.gait_analysis import attach_analysis

    try:
        session_id = _session_id(session)
        start = parse_start(recording_start)
    except InputError as exc:
        err_console.print(f"[red]error:[/red] {worded(exc)}", highlight=False)
        raise typer.Exit(2) from None
    with opened(database_url) as database:
        try:
            outcome = attach_analysis(
                database,
                session_id,
                analysis,
                trial=trial,
                offset_s=offset_s,
                recording_start_utc=start,
            )
        except InputError as exc:
            err_console.print(f"[red]error:[/red] {worded(exc)}", highlight=False)
            raise typer.Exit(2) from None
        except RetrostrideError as exc:  # e.g. session not found
            err_console.print(f"[red]error:[/red] --session: {exc}", highlight=False)
            raise typer.Exit(2) from None
    parts = []
    for seg in outcome.segments:
        cadence = "-" if seg.cadence_spm is None or not math.isfinite(seg.cadence_spm) else (
            f"{seg.cadence_spm:.1f}/min"
        )
        direction = seg.direction.value if seg.direction is not None else "kept"
        parts.append(f"#{seg.index}: {direction}, {cadence}")
    note = " (recording assumed to start with the session)" if outcome.offset_assumed else ""
    console.print(f"attached to session {session_id}{note}: " + "; ".join(parts))
    for seg in outcome.segments:
        if seg.note:
            console.print(f"[yellow]note:[/yellow] segment #{seg.index}: {seg.note}")
