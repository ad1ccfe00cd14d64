"""``retrostride admin``: run an instance: give or take the administrator flag, invite people.

The administrator flag is given only here, on the server's own command line: the web API has
no route that sets it, and no account exists until someone registers.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from retrostride.cli.log import DatabaseOption, opened

console = Console()


def register(app: typer.Typer) -> None:
    admin = typer.Typer(
        name="admin",
        help="Run a retrostride server: administrators and registration codes.",
        no_args_is_help=True,
    )
    app.add_typer(admin)
    from retrostride.cli import admin_reset

    admin_reset.register(admin)
    from retrostride.cli import admin_backup

    admin_backup.register(admin)

    @admin.command("grant")
    def grant(
        email: Annotated[str, typer.Argument(help="E-mail address of an existing account.")],
        database: DatabaseOption = None,
    ) -> None:
        """Make an account an administrator of this instance."""
        from retrostride.services.accounts import set_admin

        with opened(database) as db:
            account = set_admin(db, email, True)
            console.print(f"{account.email} is now an administrator.")

    @admin.command("revoke")
    def revoke(
        email: Annotated[str, typer.Argument(help="E-mail address of an existing account.")],
        database: DatabaseOption = None,
    ) -> None:
        """Take the administrator flag away from an account."""
        from retrostride.services.accounts import set_admin

        with opened(database) as db:
            account = set_admin(db, email, False)
            console.print(f"{account.email} is no longer an administrator.")

    @admin.command("invite")
    def invite(
        role: Annotated[
            str | None,
            typer.Option("--role", help="athlete or clinician (default: either)."),
        ] = None,
        days: Annotated[int, typer.Option("--days", min=1, max=365, help="Valid for.")] = 7,
        database: DatabaseOption = None,
    ) -> None:
        """Print a one-use registration code (for an instance with invite-only registration)."""
        from retrostride.services.accounts import AccountRules, create_signup_code

        with opened(database) as db:
            code = create_signup_code(db, AccountRules(invite_ttl_s=days * 86400), role)
        console.print(code, highlight=False)
