"""The ``retrostride`` command line (Typer and rich), on top of the services.

Each domain registers its commands from its own module; this file only assembles them.
"""

from __future__ import annotations

import typer

from retrostride.cli import admin, demo, energy, gait_batch, serve
from retrostride.cli import assess as assess_commands
from retrostride.cli import gait as gait_commands
from retrostride.cli import log as log_commands
from retrostride.cli import program as program_commands

app = typer.Typer(
    name="retrostride",
    help="Backward walking (retro walking): energy cost, training log, programs, gait.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)



@app.callback()
def _root() -> None:
    """Backward walking (retro walking): energy cost, training log, programs, gait."""


for _module in (
    energy, log_commands, program_commands, assess_commands, gait_commands,
    gait_batch,  # after gait_commands: it extends its sub-app
    admin, serve, demo,
):
    _module.register(app)


def main() -> None:
    """Entry point of the ``retrostride`` script."""
    app()
