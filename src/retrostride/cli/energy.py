"""``retrostride energy``, ``retrostride compendium`` and ``retrostride compare`` (being built)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def compare() -> None:
        """Compare the seed article's three activities for a 70 kg person."""
        typer.echo("retrostride: the energy comparison is being built.")
