"""The toolkit's exception types: one base, one per kind of failure a user must act on."""

from __future__ import annotations

from pathlib import Path


class RetrostrideError(Exception):
    """Base of every error the toolkit raises on purpose."""


class InputError(RetrostrideError, ValueError):
    """A value given by the user is meaningless or malformed.

    ``field`` names the option, column or parameter; ``expected`` says which form is accepted.
    The CLI turns it into one line and exit code 2.
    """

    def __init__(self, field: str, value: object, expected: str) -> None:
        self.field = field
        self.value = value
        self.expected = expected
        super().__init__(f"{field}: {self.value_text} is not valid; expected {expected}")

    @property
    def value_text(self) -> str:
        """The value as a person reads it: numbers to 4 significant digits with their SI unit
        (``3.889 m/s``, not ``3.8888888888888893``); text quoted as it was given."""
        value = self.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            return repr(value)
        unit = _UNIT_OF_FIELD.get(self.field) or next(
            (unit for suffix, unit in _UNIT_OF_SUFFIX if self.field.endswith(suffix)), ""
        )
        number = f"{value:.4g}" if isinstance(value, float) else str(value)
        return f"{number} {unit}".rstrip()


# The SI unit a number of a field is given in: by the field's name, then by its suffix.
_UNIT_OF_FIELD = {"speed": "m/s", "mass": "kg", "load": "kg", "sled": "kg", "grade": "%"}
_UNIT_OF_SUFFIX = (
    ("_m_s", "m/s"),
    ("_kg", "kg"),
    ("_percent", "%"),
    ("_s", "s"),
    ("_m", "m"),
)


class FileRefused(RetrostrideError):
    """A file could not be imported as it is.

    ``salvageable`` is true when valid data precede the damage, so that salvaging can keep them.
    The message names the file and the reason only: how to salvage is worded by each surface
    (the CLI's option, the API's parameter, the web page's checkbox).
    """

    def __init__(self, path: str | Path, reason: str, *, salvageable: bool = False) -> None:
        self.path = str(path)
        self.reason = reason
        self.salvageable = salvageable
        super().__init__(f"{self.path}: {reason}")
