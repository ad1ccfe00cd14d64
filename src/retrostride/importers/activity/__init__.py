"""Activity files (FIT, GPX, TCX, CSV, and zip archives of them) -> log sessions.

The contract every format module honours:

- ``parse_activity_file(path, ...)`` returns a :class:`ParsedFile` or raises
  :class:`retrostride.errors.FileRefused` naming the file and what is wrong. A file damaged after
  valid data is refused with ``salvageable=True`` unless ``salvage=True``, in which case the valid
  part is returned with ``ParsedFile.recovered`` saying how much was kept.
- Device quirks that can be read completely are imported with a warning; nothing is accepted
  silently.
- ``read_summary(path)`` reads only what the duplicate check and list views need, much faster
  than a full parse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from retrostride.log.model import Session, SourceFile

DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024
"""Default size limit of one imported file [bytes]; configurable by the caller."""


@dataclass(slots=True)
class ParsedFile:
    """What one file holds: one session, or one per sport for a multisport file."""

    source: SourceFile
    sessions: list[Session]
    warnings: list[str] = field(default_factory=list)
    recovered: str | None = None


@dataclass(frozen=True, slots=True)
class FileSummary:
    """A file's identity and extent, for the duplicate check."""

    source: SourceFile
    sport: str | None
    start_utc: datetime | None
    elapsed_s: float | None
    distance_m: float | None
    start_latitude_deg: float | None = None
    """First known position, for matching files whose start time is unknown."""
    start_longitude_deg: float | None = None


def parse_activity_file(
    path: Path,
    *,
    salvage: bool = False,
    home_time_zone: str = "UTC",
    max_bytes: int = DEFAULT_MAX_FILE_BYTES,
    data: bytes | bytearray | None = None,
    sha256: str | None = None,
) -> ParsedFile:
    """Parse one FIT, GPX, TCX or CSV file, detected by content, not by name.

    ``data``: the file's bytes when the caller has read them already (they are then not read
    again); :func:`read_file` gives a FIT file's as ``ReleasableBytes``, which the parse
    empties once decoded (the caller must not need them afterwards); ``sha256``: their hash
    when already computed (not hashed again).

    A ``.gz`` file is decompressed (up to ``max_bytes``) and its content parsed; a zip archive
    holding exactly one activity file is parsed as that file (use :func:`parse_archive` for
    archives of many). ``home_time_zone`` (IANA name) gives the local offset where the file
    has none; such sessions are marked ``offset_assumed``.
    """
    from retrostride.importers.activity._dispatch import parse_path

    return parse_path(
        Path(path),
        salvage=salvage,
        home_time_zone=home_time_zone,
        max_bytes=max_bytes,
        data=data,
        sha256=sha256,
    )


def read_summary(path: Path, *, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> FileSummary:
    """The file's summary without a full parse.

    For FIT files a scan of the record headers decoding only the file_id, session, lap and
    activity messages (checked against the full decode on every shared file); for the XML and
    CSV formats, whose totals need every point, a full streaming parse.
    """
    from retrostride.importers.activity._dispatch import summary_of_path

    return summary_of_path(Path(path), max_bytes=max_bytes)


from retrostride.importers.activity._common import ReleasableBytes, read_file  # noqa: E402
from retrostride.importers.activity.archive import (  # noqa: E402
    ArchiveEntry,
    ArchiveLimits,
    ArchiveResult,
    is_archive,
    parse_archive,
)

__all__ = [
    "DEFAULT_MAX_FILE_BYTES",
    "ArchiveEntry",
    "ArchiveLimits",
    "ArchiveResult",
    "FileSummary",
    "ParsedFile",
    "ReleasableBytes",
    "is_archive",
    "parse_activity_file",
    "parse_archive",
    "read_file",
    "read_summary",
]
