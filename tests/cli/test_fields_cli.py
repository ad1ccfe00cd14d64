"""cli.fields: the CLI words a domain field as its option."""

from __future__ import annotations

from retrostride.cli import fields
from retrostride.errors import InputError


def test_domain_fields_become_options() -> None:
    exc = InputError("body_mass_kg", 0, "a body mass between 20 and 400 kg")
    assert fields.message(exc) == (
        "--mass: 0 kg is not valid; expected a body mass between 20 and 400 kg"
    )
    assert fields.flag("--segment") == "--segment"  # already an option
