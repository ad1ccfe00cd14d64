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
        super().__init__(f"{field}: {value!r} is not valid; expected {expected}")


class FileRefused(RetrostrideError):
    """A file could not be imported as it is.

    ``salvageable`` is true when valid data precede the damage, so that ``--salvage`` can keep them.
    """

    def __init__(self, path: str | Path, reason: str, *, salvageable: bool = False) -> None:
        self.path = str(path)
        self.reason = reason
        self.salvageable = salvageable
        hint = " (use --salvage to import the valid part)" if salvageable else ""
        super().__init__(f"{self.path}: {reason}{hint}")
