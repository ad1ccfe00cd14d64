"""``retrostride gait analyze FILE --session ID``: attach the result to a logged session.

:func:`attach_to_session` writes each segment's walking direction and cadence through
:func:`retrostride.services.gait_attach.attach_gait_result`. The database is ``--database``,
``RETROSTRIDE_DATABASE_URL`` or the default SQLite file (as for the log commands).
The recording is taken to start with the session (offset 0) unless the file's start time is
known to the service.
"""

from __future__ import annotations

import math

import typer
from rich.console import Console

from retrostride.errors import InputError, RetrostrideError
from retrostride.gait.result import GaitResult

console = Console()
err_console = Console(stderr=True)


def _session_id(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise InputError("--session", text, "a session id (a whole number; see "
                                            "'retrostride sessions')") from None
    if value < 1:
        raise InputError("--session", text, "a session id of 1 or more")
    return value


def attach_to_session(session: str, result: GaitResult, database_url: str | None = None) -> None:
    """Attach ``result`` to session ``session``; an error is one line on stderr and an exit
    code (2 for a bad session id or an unknown session, as for the log commands otherwise)."""
    from retrostride.cli.log import opened
    from retrostride.services.gait_attach import attach_gait_result

    try:
        session_id = _session_id(session)
    except InputError as exc:
        err_console.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    with opened(database_url) as database:
        try:
            outcome = attach_gait_result(database, session_id, result)
        except InputError:
            raise
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
