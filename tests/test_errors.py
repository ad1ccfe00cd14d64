"""The toolkit's error types carry what the user must fix."""

from __future__ import annotations

from retrostride.errors import FileRefused, InputError


def test_input_error_names_field_value_and_form() -> None:
    err = InputError("--speed", "-3 mph", "a positive speed such as '3.5 mph'")
    assert "--speed" in str(err) and "-3 mph" in str(err) and "3.5 mph" in str(err)
    assert isinstance(err, ValueError)


def test_file_refused_offers_salvage_only_when_possible() -> None:
    assert "--salvage" in str(FileRefused("a.fit", "truncated", salvageable=True))
    assert "--salvage" not in str(FileRefused("a.fit", "empty file"))
