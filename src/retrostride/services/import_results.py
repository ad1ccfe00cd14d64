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


@dataclass(slots=True)
class ImportOptions:
    """How to import: direction for every segment, salvage, duplicates, size limit [bytes]."""

    direction: Direction | None = None
    salvage: bool = False
    allow_duplicate: bool = False
    max_bytes: int = DEFAULT_MAX_FILE_BYTES


@dataclass(slots=True)
class FileResult:
    """What happened to one file (``name`` is ``archive.zip/entry.fit`` for archive entries)."""

    name: str
    outcome: Outcome
    message: str = ""
    session_ids: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    salvageable: bool = False

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


ProgressCallback = Callable[[str], None]
"""Called with each given path (file or archive) once it is done."""
