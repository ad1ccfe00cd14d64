"""``retrostride admin backup FILE``: a consistent copy of a live SQLite database.

PostgreSQL installs use ``pg_dump`` (see :mod:`retrostride.services.backup`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from retrostride.cli.log import DatabaseOption, fail, opened

console = Console()


def register(admin: typer.Typer) -> None:
    admin.command("backup")(backup)


def backup(
    file: Annotated[Path, typer.Argument(help="The copy to write (a new file).")],
    database: DatabaseOption = None,
) -> None:
    """Copy the database while the server runs (SQLite's online backup: one consistent
    snapshot). To restore, stop the server and put the copy in place of the database file.
    PostgreSQL: use pg_dump."""
    from retrostride.errors import InputError
    from retrostride.services.backup import BackupRefused
    from retrostride.services.backup import backup as take_backup

    with opened(database) as db:
        try:
            result = take_backup(db, file)
        except BackupRefused as exc:
            fail(str(exc), 2)
        except InputError as exc:
            fail(f"FILE: {exc.value} is not valid; expected {exc.expected}", 2)
    console.print(
        f"Copied {result.pages} pages ({result.size_bytes} bytes) to {result.path}", highlight=False
    )
