"""``retrostride admin reset-password EMAIL``: a one-time reset link, for installs without mail.

The administrator hands the link to the person (by phone, in person): it sets a new password
once, within the server's reset lifetime (``RETROSTRIDE_RESET_TTL_S``). Links start with the
server's public address (``RETROSTRIDE_PUBLIC_URL`` or ``--public-url``).
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from retrostride.cli.log import DatabaseOption, opened

console = Console()


def register(admin: typer.Typer) -> None:
    admin.command("reset-password")(reset_password)


def reset_password(
    email: Annotated[str, typer.Argument(help="E-mail address of an existing account.")],
    public_url: Annotated[
        str | None,
        typer.Option("--public-url", help="Base of the link (default: RETROSTRIDE_PUBLIC_URL)."),
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Print a one-time link that sets a new password for the account (no mail is sent)."""
    from retrostride.api.app import account_rules
    from retrostride.api.settings import Settings
    from retrostride.services.accounts import reset_link_for

    settings = Settings.from_env()
    if public_url:
        settings = Settings.from_env(public_url=public_url)
    rules = account_rules(settings)
    with opened(database) as db:
        link = reset_link_for(db, rules, email)
    console.print(
        f"One-time link for {email.strip()} (valid {rules.reset_ttl_s // 60} minutes; "
        "hand it over privately):", highlight=False
    )
    typer.echo(link)
