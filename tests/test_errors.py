"""The toolkit's error types carry what the user must fix."""

from __future__ import annotations

from retrostride.errors import FileRefused, InputError


def test_input_error_names_field_value_and_form() -> None:
    err = InputError("--speed", "-3 mph", "a positive speed such as '3.5 mph'")
    assert "--speed" in str(err) and "-3 mph" in str(err) and "3.5 mph" in str(err)
    assert isinstance(err, ValueError)


def test_file_refused_carries_salvageable_without_a_surface_s_words() -> None:
    """The flag is data; no command-line option (or any surface's wording) in the message."""
    damaged = FileRefused("a.fit", "truncated", salvageable=True)
    assert damaged.salvageable and str(damaged) == "a.fit: truncated"
    empty = FileRefused("a.fit", "empty file")
    assert not empty.salvageable and "--" not in str(empty)


def test_a_refused_number_reads_as_a_person_would_with_its_unit() -> None:
    """A float computed from "14 km/h" is shown to 4 significant digits with its SI unit."""
    assert InputError("speed", 14 / 3.6, "x").value_text == "3.889 m/s"
    assert InputError("body_mass_kg", 0.0, "x").value_text == "0 kg"
    assert InputError("grade_percent", 45, "x").value_text == "45 %"
    assert InputError("sex", "other", "x").value_text == "'other'"
    assert "3.889 m/s is not valid" in str(InputError("speed_m_s", 14 / 3.6, "x"))
