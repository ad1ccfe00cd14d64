"""Importing activity files (and zip archives of them) into the log: one transaction per file.

A file either lands whole (its source-file row, every session of it with segments, samples and
energy, and an import-log entry, in one transaction) or leaves the database exactly as it was.
Failures are therefore reported to the caller, not written to the import log.

Outcomes per file:

- ``imported`` (``salvaged`` when ``salvage=True`` kept the valid part of a damaged file);
- ``probable_duplicate``: same sport, start within a minute, overlapping a stored session (or,
  where a start is unknown, same start place and distance); skipped and reported, not a failure
  (``allow_duplicate=True`` imports it anyway);
- ``duplicate``: the exact same bytes (SHA-256) are already in the log: refused, a failure;
- ``refused``: the importer refused the file (unreadable, damaged, too large): a failure.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy.exc import IntegrityError

from retrostride.errors import FileRefused
from retrostride.importers.activity import (
    ParsedFile,
    apple_health,
    is_archive,
    parse_activity_file,
    parse_archive,
    read_file,
)
from retrostride.importers.activity.archive import ArchiveLimits
from retrostride.log.model import Person, Segment, Session
from retrostride.services.import_duplicates import skip_probable_duplicate
from retrostride.services.import_results import (
    FAILURES,
    FileResult,
    ImportOptions,
    ImportReport,
    Outcome,
    ProgressCallback,
    Remedy,
    unexpected_failure,
)
from retrostride.services.session_energy import fill_energy
from retrostride.store import repository as repo
from retrostride.store.db import Database

__all__ = [
    "FAILURES",
    "FileChanged",
    "FileResult",
    "ImportOptions",
    "ImportReport",
    "OriginalFile",
    "Outcome",
    "ProgressCallback",
    "Remedy",
    "expand_paths",
    "import_archive",
    "import_files",
    "import_one",
    "store_parsed",
    "stored_file_name",
    "whole_session_segment",
]


def whole_session_segment(session: Session) -> Segment:
    """One segment spanning a session that has none, so that direction has a place to live."""
    speed = None
    duration = session.moving_s or session.elapsed_s
    if session.distance_m is not None and duration:
        speed = session.distance_m / duration
    return Segment(
        start_offset_s=0.0,
        elapsed_s=session.elapsed_s,
        moving_s=session.moving_s,
        distance_m=session.distance_m,
        speed_m_s=speed,
    )


def fill_grade_from_incline(session: Session) -> None:
    """A treadmill's recorded incline [%] becomes the mean grade of segments that have none."""
    samples = session.samples
    if samples is None or samples.incline_percent is None:
        return
    for segment in session.segments:
        if segment.grade_percent is not None:
            continue
        inside = samples.time_s >= segment.start_offset_s
        if segment.elapsed_s is not None:
            inside &= samples.time_s <= segment.start_offset_s + segment.elapsed_s
        values = samples.incline_percent[inside]
        values = values[np.isfinite(values)]
        if values.size:
            segment.grade_percent = float(values.mean())


def prepare_session(
    session: Session, parsed: ParsedFile, person: Person, options: ImportOptions
) -> None:
    """Direction, recovery mark, file warnings and energy, before the session is stored."""
    if not session.segments:
        session.segments.append(whole_session_segment(session))
    fill_grade_from_incline(session)
    if options.direction is not None:
        for segment in session.segments:
            segment.direction = options.direction
    if parsed.recovered and not session.recovered:
        session.recovered = parsed.recovered
    # The file's warnings join the session's, each once.
    session.warnings = list(dict.fromkeys([*session.warnings, *parsed.warnings]))
    fill_energy(session, person)


def import_one(
    database: Database,
    path: Path,
    person_name: str,
    options: ImportOptions,
    display_name: str,
    *,
    person: Person | None = None,
) -> FileResult:
    """Import one (non-archive) file: one read of it, one transaction. Never raises for it.

    The file is read once; its hash, its format and its parse all come from those bytes. The
    duplicate checks and the write are one transaction. ``person``: the person's profile when
    the caller has it (a batch reads it once), else it is read here.
    """
    try:
        return _import_one(database, path, person_name, options, display_name, person)
    except Exception as exc:
        return unexpected_failure(display_name, exc)


def _import_one(
    database: Database,
    path: Path,
    person_name: str,
    options: ImportOptions,
    display_name: str,
    person: Person | None,
) -> FileResult:
    try:
        size = path.stat().st_size
        if size > options.max_bytes:
            return FileResult(
                display_name,
                Outcome.REFUSED,
                f"file is {size / 1e6:.1f} MB, over the size limit of "
                f"{options.max_bytes / 1e6:.1f} MB",
                remedy=Remedy.RAISE_SIZE_LIMIT,
            )
        data = read_file(path)
    except OSError as exc:
        return FileResult(display_name, Outcome.REFUSED, f"cannot read the file ({exc.strerror})")
    sha = hashlib.sha256(data).hexdigest()
    size = len(data)
    if person is None:
        person = _person(database, person_name)
    try:
        parsed = parse_activity_file(
            path,
            salvage=options.salvage,
            home_time_zone=person.home_time_zone,
            max_bytes=options.max_bytes,
            data=data,
            sha256=sha,
        )
    except FileRefused as exc:
        return FileResult(
            display_name, Outcome.REFUSED, _refusal_text(exc), salvageable=exc.salvageable
        )
    parsed.source.sha256 = sha
    parsed.source.name = stored_file_name(display_name)
    # A FIT file's bytes were released by its decoder (ReleasableBytes): the original is then
    # copied into the log from the file, a megabyte at a time, its SHA-256 checked again.
    original: bytes | bytearray | OriginalFile = (
        data if len(data) == size else OriginalFile(path, size, sha)
    )
    return store_parsed(database, parsed, person_name, options, display_name, original=original)


class FileChanged(Exception):
    """The file's bytes differ from those parsed: it changed while it was imported."""


@dataclass(frozen=True, slots=True)
class OriginalFile:
    """An imported file to keep as the original from its path (its parse released the bytes
    read for it): ``size`` bytes whose SHA-256 must still be ``sha256``."""

    path: Path
    size: int
    sha256: str

    def parts(self) -> Iterator[bytes]:
        """The file a megabyte at a time; :class:`FileChanged` at the end when the bytes are not
        those parsed (the transaction is then rolled back)."""
        digest = hashlib.sha256()
        read = 0
        with self.path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                read += len(chunk)
                if read > self.size:
                    raise FileChanged(self.path)
                digest.update(chunk)
                yield chunk
        if read != self.size or digest.hexdigest() != self.sha256:
            raise FileChanged(self.path)


FILE_CHANGED = "the file changed while it was being imported; nothing was kept: import it again"


def store_parsed(
    database: Database,
    parsed: ParsedFile,
    person_name: str,
    options: ImportOptions,
    display_name: str,
    *,
    original: bytes | bytearray | OriginalFile | None = None,
) -> FileResult:
    """Store one parsed file in one transaction (duplicates checked inside it); ``original``,
    the file's exact bytes (or where to read them), is kept with it (the export bundle
    carries it)."""
    if not parsed.sessions:
        return FileResult(display_name, Outcome.REFUSED, "no activity in the file")
    try:
        return _store(database, parsed, person_name, options, display_name, original)
    except IntegrityError:
        # Another process stored the same bytes between our check and our commit.
        return _duplicate(display_name, display_name, "just now")
    except (FileChanged, OSError):
        return FileResult(display_name, Outcome.REFUSED, FILE_CHANGED)


def _refusal_text(exc: FileRefused) -> str:
    """The reason only: each surface adds its own hint from ``FileResult.remedy``."""
    return exc.reason


def _duplicate(display_name: str, known_name: str, when: str) -> FileResult:
    return FileResult(
        display_name,
        Outcome.DUPLICATE,
        f"the same file was already imported ({known_name}, on {when})",
    )


ACCOUNT_GONE = "the account was deleted meanwhile; nothing was kept"


def _store(
    database: Database,
    parsed: ParsedFile,
    person_name: str,
    options: ImportOptions,
    display_name: str,
    original: bytes | bytearray | OriginalFile | None = None,
) -> FileResult:
    with database.transaction() as db:
        if options.create_person:
            person_row = repo.get_or_create_person(db, person_name)
        else:
            found = repo.find_person(db, person_name)
            if found is None:  # deleted meanwhile: never bring the person back
                return FileResult(display_name, Outcome.REFUSED, ACCOUNT_GONE)
            person_row = found
        repo.lock_person_log(db, person_row.id)
        known = repo.find_source_by_sha(db, person_row.id, parsed.source.sha256)
        if known is not None:
            return _duplicate(display_name, known.name, known.imported_at.date().isoformat())
        if not options.allow_duplicate:
            for session in parsed.sessions:
                twins = repo.find_probable_duplicates(db, person_row.id, session)
                if twins:
                    return skip_probable_duplicate(
                        db, person_row.id, session, twins, display_name, parsed.source.sha256
                    )
        person = repo.person_to_domain(person_row)
        source_row = repo.add_source_file(db, person_row.id, parsed.source)
        if isinstance(original, OriginalFile):
            repo.keep_original_parts(db, source_row.id, original.size, original.parts())
        elif original is not None:
            repo.keep_original(db, source_row.id, original)
        ids: list[int] = []
        warnings: list[str] = []
        for session in parsed.sessions:
            prepare_session(session, parsed, person, options)
            session.source = parsed.source
            repo.add_session(db, person_row.id, session, source_file_id=source_row.id)
            assert session.id is not None
            ids.append(session.id)
            warnings.extend(w for w in session.warnings if w not in warnings)
        outcome = Outcome.SALVAGED if parsed.recovered else Outcome.IMPORTED
        message = parsed.recovered or ""
        repo.log_import(
            db,
            person_row.id,
            display_name,
            outcome,
            sha256=parsed.source.sha256,
            message=message,
            session_ids=ids,
        )
    return FileResult(display_name, outcome, message, session_ids=ids, warnings=warnings)


def import_files(
    database: Database,
    paths: Sequence[Path],
    *,
    person_name: str = "me",
    options: ImportOptions | None = None,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import files and zip archives; each file in its own transaction. Never raises for a file."""
    options = options or ImportOptions()
    report = ImportReport()
    person = _person(database, person_name)  # once for the batch
    for path in expand_paths(paths):
        try:
            archive = path.is_dir() or is_archive(path)
        except OSError:
            archive = False
        try:
            if archive:
                results = import_archive(database, path, person_name, options)
            else:
                results = [
                    import_one(database, path, person_name, options, str(path), person=person)
                ]
        except Exception as exc:
            # A bug must not stop a batch: this file's transaction was rolled back; report it.
            results = [unexpected_failure(str(path), exc)]
        report.results.extend(results)
        if progress is not None:
            progress(str(path))
    return report


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    """Files as given; a folder becomes its files (recursively, sorted, hidden ones skipped),
    except an unzipped Apple Health export inside it, which stays one folder (imported as its
    zip would be, :func:`import_archive`)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            health = apple_health.export_folder(path)
            if health is not None:
                out.append(health)
            out.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and not any(part.startswith(".") for part in p.relative_to(path).parts)
                    and (health is None or health not in p.parents)
                )
            )
        else:
            out.append(path)
    return out


def stored_file_name(display_name: str) -> str:
    """The name a file is stored and exported under: the last part of the name the person
    gave (a client's upload name or a path), without control characters, at most 255 characters.
    """
    base = display_name.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    clean = "".join(ch for ch in base if ch.isprintable()).strip()
    return clean[:255] or "file"


def import_archive(
    database: Database,
    path: Path,
    person_name: str,
    options: ImportOptions,
    display_name: str | None = None,
) -> list[FileResult]:
    """Every activity file of a zip archive (or the workouts of an unzipped Apple Health
    export's folder), each stored in its own transaction.

    ``display_name`` is the archive's name as the person knows it (an upload's file name);
    entries are reported and stored as ``display_name/entry`` (default: the path).
    """
    label = display_name if display_name is not None else str(path)
    prefix = stored_file_name(label)
    person = _person(database, person_name)
    try:
        if path.is_dir():
            archive = apple_health.parse_export_folder(
                path,
                home_time_zone=person.home_time_zone,
                limits=ArchiveLimits(max_entry_bytes=options.max_bytes),
            )
        else:
            archive = parse_archive(
                path,
                salvage=options.salvage,
                home_time_zone=person.home_time_zone,
                max_bytes=options.max_bytes,
            )
    except FileRefused as exc:
        return [FileResult(label, Outcome.REFUSED, _refusal_text(exc))]
    except Exception as exc:
        return [unexpected_failure(label, exc)]
    results: list[FileResult] = []
    for entry in archive.entries:
        inner = entry.name.split("!", 1)[1] if "!" in entry.name else entry.name
        name = f"{label}/{inner.replace('!', '/')}"
        if entry.parsed is not None:
            entry.parsed.source.name = f"{prefix}!{inner}"
        if entry.error is not None:
            results.append(
                FileResult(
                    name,
                    Outcome.REFUSED,
                    _refusal_text(entry.error),
                    salvageable=entry.error.salvageable,
                )
            )
        elif entry.parsed is not None:
            # Each entry in its own transaction: one that fails leaves the others stored.
            try:
                original = _entry_bytes(path, inner, entry.parsed.source.sha256, options)
                results.append(store_parsed(
                    database, entry.parsed, person_name, options, name, original=original
                ))
            except Exception as exc:
                results.append(unexpected_failure(name, exc))
    warnings = [w.replace(f"{path.name}!", f"{label}/", 1) for w in archive.warnings]
    if not results:
        message = "no activity file in the archive"
        return [FileResult(label, Outcome.REFUSED, message, warnings=warnings)]
    if warnings:
        results[0].warnings[:0] = warnings
    return results


def _entry_bytes(path: Path, inner: str, sha256: str, options: ImportOptions) -> bytes | None:
    """A top-level archive entry's bytes when they are the parsed file's (same SHA-256), to keep
    as its original; None for a nested archive's entry or an export's record set."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo(inner)
            if info.file_size > options.max_bytes:
                return None
            data = zf.read(info)
    except (KeyError, OSError, ValueError, zipfile.BadZipFile):
        return None
    return data if hashlib.sha256(data).hexdigest() == sha256 else None


def _person(database: Database, person_name: str) -> Person:
    """The person's profile, read only (defaults for a person not yet in the log)."""
    with database.transaction() as db:
        row = repo.find_person(db, person_name)
        return repo.person_to_domain(row) if row else Person(person_name)
