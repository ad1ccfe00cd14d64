"""web.fields: the pages word a domain field as its form label."""

from __future__ import annotations

from retrostride.errors import InputError
from retrostride.web import fields


def test_domain_fields_become_labels() -> None:
    exc = InputError("body_mass_kg", 0, "a body mass between 20 and 400 kg")
    assert fields.message(exc) == (
        "Body mass: 0 kg is not accepted; expected a body mass between 20 and 400 kg."
    )
    assert fields.label("speed_m_s") == "Speed"
    assert fields.label("some_field") == "Some field"


def test_field_names_in_a_message_from_below_become_labels() -> None:
    text = "sensor height unknown (give sensor_height_m for better lengths); speed_m_s, speed"
    assert fields.words(text) == (
        "sensor height unknown (give \u201cSensor height\u201d for better lengths); "
        "\u201cSpeed\u201d, speed"
    )
