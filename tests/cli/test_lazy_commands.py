"""The root command lists every command without importing its module, and the list is true."""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer

from retrostride.cli import COMMAND_MODULES, COMMANDS, registered_group


def test_table_names_every_registered_command_with_its_help() -> None:
    """COMMANDS says exactly what the modules register: same names, same one-line help."""
    group = registered_group(COMMAND_MODULES)
    ctx = typer.Context(group)
    registered = {name: group.get_command(ctx, name) for name in group.list_commands(ctx)}
    assert set(registered) == set(COMMANDS)
    for name, command in registered.items():
        assert command is not None
        assert command.get_short_help_str(limit=500) == COMMANDS[name][1], name


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_command_loads_from_its_own_modules(name: str) -> None:
    """A command's listed modules are enough to build it (no hidden dependency on import order)."""
    group = registered_group(COMMANDS[name][0])
    assert group.get_command(typer.Context(group), name) is not None


def _modules_after(args: list[str]) -> set[str]:
    code = (
        "import sys, json\n"
        "from retrostride.cli import app\n"
        f"sys.argv = ['retrostride', *{args!r}]\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    import json

    return set(json.loads(done.stderr.strip().splitlines()[-1]))


HEAVY = ("sqlalchemy", "alembic", "pint", "dask", "matplotlib", "fastapi", "pandas", "scipy")


def test_help_imports_no_domain_module() -> None:
    """``retrostride --help`` imports no command module and none of the heavy libraries."""
    loaded = _modules_after(["--help"])
    assert not {m for m in COMMAND_MODULES if m in loaded}
    assert not {m for m in HEAVY if m in loaded}


def test_energy_imports_no_database_and_no_pint() -> None:
    """``retrostride energy`` in common units needs neither the database nor pint nor dask."""
    loaded = _modules_after(["energy", "--speed", "3.5 mph", "--json"])
    assert "retrostride.cli.energy" in loaded
    assert not {m for m in HEAVY if m in loaded}
