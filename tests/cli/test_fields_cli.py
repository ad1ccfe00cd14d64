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


def test_field_names_in_a_message_from_below_become_options() -> None:
    text = "stride length assumes 0.9 m (give sensor_height_m for better lengths); speed"
    assert fields.words(text) == (
        "stride length assumes 0.9 m (give --sensor-height for better lengths); speed"
    )
