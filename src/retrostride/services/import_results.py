"""What an import reports: the outcome of each file, the options it ran with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from retrostride.importers.activity import DEFAULT_MAX_FILE_BYTES
from retrostride.science.locomotion import Direction


class Outcome(StrEnum):
    IMPORTED = "imported"
    SALVAGED = "salvaged"
    PROBABLE_DUPLICATE = "probable_duplicate"
    DUPLICATE = "duplicate"
    REFUSED = "refused"


FAILURES = frozenset({Outcome.DUPLICATE, Outcome.REFUSED})


class Remedy(StrEnum):
    """What the person could do about a file that was not imported; each surface words it."""

    SALVAGE = "salvage"
    """Import the valid part of a damaged file."""
    ALLOW_DUPLICATE = "allow_duplicate"
    """Import a probable duplicate anyway."""
    RAISE_SIZE_LIMIT = "raise_size_limit"
    """Import a file above the size limit with a higher limit."""


@dataclass(slots=True)
class ImportOptions:
    """How to import: direction for every segment, salvage, duplicates, size limit [bytes]."""

    direction: Direction | None = None
    salvage: bool = False
    allow_duplicate: bool = False
    max_bytes: int = DEFAULT_MAX_FILE_BYTES
    create_person: bool = True
    """False for an account's uploads: when the person is gone (the account was deleted
    meanwhile), the file is refused and nothing is written (deletion wins)."""


@dataclass(slots=True)
class FileResult:
    """What happened to one file (``name`` is ``archive.zip/entry.fit`` for archive entries)."""

    name: str
    outcome: Outcome
    message: str = ""
    session_ids: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    salvageable: bool = False
    remedy: Remedy | None = None

    def __post_init__(self) -> None:
        if self.salvageable and self.remedy is None:
            self.remedy = Remedy.SALVAGE

    @property
    def failed(self) -> bool:
        return self.outcome in FAILURES


@dataclass(slots=True)
class ImportReport:
    results: list[FileResult] = field(default_factory=list)

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.failed]

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def session_ids(self) -> list[int]:
        return [i for r in self.results for i in r.session_ids]


def unexpected_failure(name: str, exc: BaseException) -> FileResult:
    """A file that met an error no rule foresaw: refused, named, the batch goes on.

    The exception's text is logged for a bug report, never shown as the message.
    """
    import logging

    logging.getLogger("retrostride.importing").error(
        "unexpected error importing %s", name, exc_info=exc
    )
    return FileResult(
        name,
        Outcome.REFUSED,
        f"could not be imported: the importer met something it does not handle "
        f"({type(exc).__name__}); nothing was stored; please report this file",
    )


ProgressCallback = Callable[[str], None]
"""Called with each given path (file or archive) once it is done."""
