"""The ``retrostride`` command line (Typer and rich), on top of the services.

Each domain registers its commands from its own module (``register(app)``). This file only names
them: the root group knows each command's name, module and one-line help, and imports a module
when one of its commands runs, so that ``retrostride --help`` and a single command start in a
fraction of a second instead of importing every domain (the database, the web server, dask).
``tests/cli/test_lazy_commands.py`` checks that the table below says what the modules register.
"""

from __future__ import annotations

import importlib
from typing import Any, Final

import typer
from typer._click import Command, Context  # typer vendors click: its groups use these types
from typer.core import TyperCommand, TyperGroup

COMMAND_MODULES: Final[tuple[str, ...]] = (
    "retrostride.cli.energy",
    "retrostride.cli.log",
    "retrostride.cli.program",
    "retrostride.cli.assess",
    "retrostride.cli.gait",
    "retrostride.cli.gait_batch",  # after gait: it extends the gait sub-app
    "retrostride.cli.admin",
    "retrostride.cli.serve",
    "retrostride.cli.worker",
    "retrostride.cli.demo",
    "retrostride.cli.validate",
)
"""Every module with a ``register(app)``, in registration order."""

COMMANDS: Final[dict[str, tuple[tuple[str, ...], str]]] = {
    "energy": (
        ("retrostride.cli.energy",),
        "Energy cost of walking or running, backward or forward, with its forward baseline.",
    ),
    "compare": (
        ("retrostride.cli.energy",),
        "Compare the seed article's three activities under both Compendium editions and the"
        " model.",
    ),
    "log": (
        ("retrostride.cli.log",),
        "Log a session by hand (units accepted: km/h, mph, min/km, kg, lb, %, km, mi, ...).",
    ),
    "sessions": (("retrostride.cli.log",), "List the sessions of your log, oldest first."),
    "show": (
        ("retrostride.cli.log",),
        "Show one session with its segments, warnings and energy source.",
    ),
    "edit": (
        ("retrostride.cli.log",),
        "Change a session (or one segment); its energy is estimated again.",
    ),
    "delete": (("retrostride.cli.log",), "Delete sessions (with their segments and samples)."),
    "profile": (
        ("retrostride.cli.log",),
        "Show or change your profile: body-mass history, height, birth year, sex, home zone.",
    ),
    "import": (
        ("retrostride.cli.log",),
        "Import activity files into the log, each file on its own (a bad file changes nothing).",
    ),
    "stats": (
        ("retrostride.cli.log",),
        "Time, distance, energy and the share done backward, per week or month.",
    ),
    "export": (
        ("retrostride.cli.log",),
        "Export your whole log (see docs/export-format.md); `restore` reads it back unchanged.",
    ),
    "restore": (("retrostride.cli.log",), "Restore an exported log."),
    "export-session": (
        ("retrostride.cli.log",),
        "Write one session as a GPX or TCX file, for other training apps.",
    ),
    "serve": (
        ("retrostride.cli.serve",),
        "Serve the web API: accounts, sharing, sessions, uploads, programs, assessments, gait"
        " analyses and the energy calculator.",
    ),
    "worker": (
        ("retrostride.cli.worker",),
        "Work the job queue (imports, gait analyses) in child processes with memory and CPU"
        " limits; on PostgreSQL, from any machine.",
    ),
    "demo": (
        ("retrostride.cli.demo",),
        "Fill the database with a MADE-UP athlete and clinician (generated sessions, a program in"
        " progress, assessments, a sharing grant) and print their logins.",
    ),
    "compendium": (
        ("retrostride.cli.energy",),
        "Look up the Compendium of Physical Activities rows.",
    ),
    "program": (
        ("retrostride.cli.program",),
        "Evidence-based backward-walking programs that adapt week by week.",
    ),
    "assess": (
        ("retrostride.cli.assess",),
        "Outcome measures: pain, WOMAC totals, TUG, 6-minute walk, shuttle run, body, strength.",
    ),
    "gait": (
        ("retrostride.cli.gait", "retrostride.cli.gait_batch"),
        "Gait from wearables: walking bouts, steps, cadence, stride length, direction.",
    ),
    "admin": (
        ("retrostride.cli.admin",),
        "Run a retrostride server: administrators and registration codes.",
    ),
    "validate": (
        ("retrostride.cli.validate",),
        "Every model and algorithm against every reference: an HTML and JSON report.",
    ),
}
"""Command name -> (the modules that register it, its one-line help as ``--help`` lists it)."""


def registered_group(modules: tuple[str, ...]) -> TyperGroup:
    """The click group of the commands that ``modules`` register (imports them)."""
    registry = typer.Typer()
    for name in modules:
        importlib.import_module(name).register(registry)
    return typer.main.get_group(registry)


class _LazyCommands(TyperGroup):
    """The root group: lists commands from :data:`COMMANDS`, imports a module only to run one."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        for name, (_, help_line) in COMMANDS.items():
            self.commands[name] = TyperCommand(name, help=help_line, short_help=help_line)
        self._loaded: dict[str, Command] = {}

    def load(self, ctx: Context, name: str) -> Command | None:
        """The real command ``name`` (its modules imported on first use)."""
        if name not in COMMANDS:
            return None
        if name not in self._loaded:
            command = registered_group(COMMANDS[name][0]).get_command(ctx, name)
            if command is None:  # pragma: no cover - the table test keeps this from happening
                return None
            self._loaded[name] = command
        return self._loaded[name]

    def resolve_command(
        self, ctx: Context, args: list[str]
    ) -> tuple[str | None, Command | None, list[str]]:
        if args and args[0] in COMMANDS:
            return args[0], self.load(ctx, args[0]), args[1:]
        return super().resolve_command(ctx, args)


app = typer.Typer(
    name="retrostride",
    help="Backward walking (retro walking): energy cost, training log, programs, gait.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    cls=_LazyCommands,
)


@app.callback()
def _root() -> None:
    """Backward walking (retro walking): energy cost, training log, programs, gait."""


def main() -> None:
    """Entry point of the ``retrostride`` script."""
    app()
