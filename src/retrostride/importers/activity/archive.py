"""Zip archives of activity files (Garmin Connect and Strava exports), checked before extraction.

Every entry is checked from the archive's directory before a byte of it is decompressed: its
name (no absolute paths, no ``..``), its declared size and compression ratio (zip bombs), the
archive's total; nested zips are followed to ``max_depth``. Entries are then read into memory
with the declared size enforced while reading (a lying header cannot overrun it); nothing is
written to disk. macOS junk (``__MACOSX/``, ``._*`` AppleDouble files) is skipped with a warning.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Protocol

from retrostride.errors import FileRefused
from retrostride.importers.activity import DEFAULT_MAX_FILE_BYTES, ParsedFile
from retrostride.importers.activity._common import check_size, file_identity
from retrostride.importers.activity.sniff import GZIP, ZIP, sniff_format

if TYPE_CHECKING:
    from retrostride.importers.activity.strava_export import StravaActivity


class EntryOpener(Protocol):
    """What reading entries needs of a zip: ``open(info)``; a zip file, or an unzipped
    export's folder read as the zip it came from (``apple_health.parse_export_folder``)."""

    def open(self, name: zipfile.ZipInfo) -> IO[bytes]: ...


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    """Limits checked on an archive's directory before extraction."""

    max_entry_bytes: int = DEFAULT_MAX_FILE_BYTES
    """Largest uncompressed entry [bytes]."""
    max_total_bytes: int = 2 * 1024**3
    """Largest uncompressed total of the archive [bytes]."""
    max_ratio: float = 100.0
    """Largest uncompressed/compressed ratio of an entry (activity files compress 3-15x)."""
    max_entries: int = 100_000
    max_depth: int = 2
    """How deep zips inside zips are followed (Garmin's export nests one level)."""


@dataclass(slots=True)
class ArchiveEntry:
    """The outcome for one entry: a parsed file, or the reason it was refused."""

    name: str
    """``archive.zip!folder/file.fit`` (nested: ``a.zip!b.zip!c.fit``)."""
    parsed: ParsedFile | None = None
    error: FileRefused | None = None


@dataclass(slots=True)
class ArchiveResult:
    entries: list[ArchiveEntry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def is_archive(path: Path) -> bool:
    """True when the file's bytes are a zip archive (whatever its name)."""
    with Path(path).open("rb") as handle:
        return handle.read(4) in (b"PK\x03\x04", b"PK\x05\x06")


def _is_junk(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return (
        "__MACOSX" in parts
        or PurePosixPath(name).name.startswith("._")
        or (PurePosixPath(name).name == ".DS_Store")
    )


def _unsafe_name(name: str) -> str | None:
    normal = name.replace("\\", "/")
    if normal.startswith("/") or (len(normal) > 1 and normal[1] == ":"):
        return "an absolute path"
    if ".." in PurePosixPath(normal).parts:
        return "a path leaving the archive ('..')"
    if "\x00" in name:
        return "a NUL byte in its name"
    return None


def _check_directory(label: str, infos: list[zipfile.ZipInfo], limits: ArchiveLimits) -> None:
    if len(infos) > limits.max_entries:
        raise FileRefused(label, f"zip archive has {len(infos)} entries, over {limits.max_entries}")
    total = sum(i.file_size for i in infos)
    if total > limits.max_total_bytes:
        raise FileRefused(
            label,
            f"zip archive would unpack to {total / 1e6:.0f} MB, over the limit of "
            f"{limits.max_total_bytes / 1e6:.0f} MB",
        )


def _entry_problem(info: zipfile.ZipInfo, limits: ArchiveLimits) -> str | None:
    unsafe = _unsafe_name(info.filename)
    if unsafe:
        return f"entry name is {unsafe}: refused (path traversal)"
    if info.flag_bits & 0x1:
        return "entry is encrypted"
    if info.file_size > limits.max_entry_bytes:
        return (
            f"entry would unpack to {info.file_size / 1e6:.1f} MB, over the limit of "
            f"{limits.max_entry_bytes / 1e6:.1f} MB"
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > 1 << 20 and ratio > limits.max_ratio:
        return f"entry compresses {ratio:.0f}:1, more than {limits.max_ratio:.0f}:1 (a zip bomb)"
    return None


def _read_entry(zf: EntryOpener, info: zipfile.ZipInfo) -> bytes:
    """The entry's bytes, never more than it declared."""
    out = io.BytesIO()
    with zf.open(info) as stream:
        while chunk := stream.read(1 << 20):
            out.write(chunk)
            if out.tell() > info.file_size:
                raise ValueError("entry is larger than its header says (a zip bomb)")
    return out.getvalue()


def parse_archive(
    path: Path,
    *,
    salvage: bool = False,
    home_time_zone: str = "UTC",
    max_bytes: int = DEFAULT_MAX_FILE_BYTES,
    limits: ArchiveLimits | None = None,
) -> ArchiveResult:
    """Parse every activity file in a zip archive; one bad entry does not stop the others.

    Raises FileRefused only when the archive itself is unreadable or over its limits.
    """
    path = Path(path)
    limits = limits or ArchiveLimits(max_entry_bytes=max_bytes)
    size = path.stat().st_size
    check_size(path, size, max(max_bytes, limits.max_total_bytes))
    result = ArchiveResult()
    with path.open("rb") as handle:
        _walk(path, handle, path.name, 1, limits, salvage, home_time_zone, result)
    return result


def _walk(
    path: Path,
    stream: io.BufferedReader | io.BytesIO,
    label: str,
    depth: int,
    limits: ArchiveLimits,
    salvage: bool,
    home_time_zone: str,
    result: ArchiveResult,
) -> None:
    from retrostride.importers.activity._dispatch import (
        gunzip_limited,
        parse_payload,
        unexpected_refusal,
    )

    try:
        zf = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRefused(label, f"damaged zip archive ({exc})") from exc
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        _check_directory(label, infos, limits)
        strava, strava_csv = _strava_rows(zf, infos, label, result)
        health = _apple_health_export(infos)
        if health is not None:
            from retrostride.importers.activity.apple_health import parse_export

            parse_export(zf, health, label, infos, limits, home_time_zone, result)
        for info in infos:
            name = f"{label}!{info.filename}"
            if _is_junk(info.filename):
                result.warnings.append(f"{name}: skipped macOS metadata junk")
                continue
            if info is strava_csv or (health is not None and _in_health_export(info, health)):
                continue
            problem = _entry_problem(info, limits)
            if problem:
                result.entries.append(ArchiveEntry(name, error=FileRefused(name, problem)))
                continue
            entry_path = Path(name)
            try:
                payload = _read_entry(zf, info)
            except (zipfile.BadZipFile, ValueError, OSError, EOFError, zlib.error) as exc:
                result.entries.append(
                    ArchiveEntry(name, error=FileRefused(name, f"damaged zip entry ({exc})"))
                )
                continue
            try:
                fmt = sniff_format(entry_path, payload[:4096])
                if fmt == ZIP:
                    if depth >= limits.max_depth:
                        raise FileRefused(name, f"zip nested deeper than {limits.max_depth} levels")
                    _walk(
                        path,
                        io.BytesIO(payload),
                        name,
                        depth + 1,
                        limits,
                        salvage,
                        home_time_zone,
                        result,
                    )
                    continue
                if fmt == GZIP:
                    payload = gunzip_limited(entry_path, payload, limits.max_entry_bytes)
                    fmt = sniff_format(entry_path, payload[:4096])
                    if fmt in (GZIP, ZIP):
                        raise FileRefused(name, "gzip holding an archive: not followed")
                source = file_identity(entry_path, payload)
                source.name = name
                parsed = parse_payload(
                    entry_path,
                    fmt,
                    payload,
                    source,
                    salvage=salvage,
                    home_time_zone=home_time_zone,
                )
                row = strava.get(info.filename)
                if row is not None:
                    from retrostride.importers.activity import strava_export

                    for session in parsed.sessions:
                        strava_export.apply(session, row, sport=len(parsed.sessions) == 1)
                result.entries.append(ArchiveEntry(name, parsed=parsed))
            except FileRefused as exc:
                if "not a FIT, GPX, TCX" in exc.reason or exc.reason.startswith("XML file whose"):
                    result.warnings.append(f"{name}: skipped, not an activity file")
                else:
                    result.entries.append(ArchiveEntry(name, error=exc))
            except Exception as exc:
                # The same catch-all as a single file: one entry never loses the others.
                result.entries.append(ArchiveEntry(name, error=unexpected_refusal(name, exc)))


def _strava_rows(
    zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], label: str, result: ArchiveResult
) -> tuple[dict[str, StravaActivity], zipfile.ZipInfo | None]:
    """Strava's activities.csv (at the top or in one folder): rows by the entry name they name.

    Rows without a file are named in a warning; rows whose file is not in the zip become
    refused entries: nothing the list holds goes unreported.
    """
    from retrostride.importers.activity import strava_export

    for info in infos:
        path = PurePosixPath(info.filename)
        if path.name != "activities.csv" or len(path.parts) > 2 or _is_junk(info.filename):
            continue
        if info.file_size > strava_export.MAX_CSV_BYTES:
            result.warnings.append(f"{label}!{info.filename}: too large to read; skipped")
            return {}, info
        try:
            rows = strava_export.read_activities_csv(_read_entry(zf, info))
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, zlib.error):
            result.warnings.append(f"{label}!{info.filename}: damaged; titles not read")
            return {}, info
        if rows is None:
            return {}, None
        prefix = "" if len(path.parts) == 1 else f"{path.parts[0]}/"
        listed = {prefix + name: row for name, row in rows.by_file.items()}
        where = f"{label}!{info.filename}"
        result.warnings.append(
            f"{where}: Strava's list of activities; titles, sports, "
            f"descriptions and gear of {len(listed)} activities read from it"
        )
        if rows.without_file:
            shown = "; ".join(row.label() for row in rows.without_file[:_NAMED])
            more = len(rows.without_file) - _NAMED
            result.warnings.append(
                f"{where}: {len(rows.without_file)} activities have no file (entered by hand "
                f"on Strava): not imported: {shown}" + (f"; and {more} more" if more > 0 else "")
            )
        present = {i.filename for i in infos}
        for name, row in listed.items():
            if name not in present:
                entry = f"{label}!{name}"
                result.entries.append(
                    ArchiveEntry(
                        entry,
                        error=FileRefused(
                            entry,
                            f"listed in activities.csv as {row.label()}, but the file is not "
                            "in the export",
                        ),
                    )
                )
        return listed, info
    return {}, None


_NAMED = 10
"""Rows named in a warning before "and N more"."""


def _apple_health_export(infos: list[zipfile.ZipInfo]) -> zipfile.ZipInfo | None:
    """The export.xml of an Apple Health export (``apple_health_export/export.xml``)."""
    for info in infos:
        path = PurePosixPath(info.filename)
        if path.name == "export.xml" and len(path.parts) <= 2 and not _is_junk(info.filename):
            return info
    return None


def _in_health_export(info: zipfile.ZipInfo, export: zipfile.ZipInfo) -> bool:
    """Entries of an Apple Health export that its workouts read or that hold no activity."""
    root = PurePosixPath(export.filename).parent
    path = PurePosixPath(info.filename)
    inside = root == PurePosixPath(".") or root in path.parents
    return inside and (
        path.name in ("export.xml", "export_cda.xml")
        or "workout-routes" in path.parts
        or "electrocardiograms" in path.parts
    )


def parse_single_entry_archive(
    path: Path, *, salvage: bool, home_time_zone: str, max_bytes: int
) -> ParsedFile:
    """A zip holding exactly one activity file, parsed as that file."""
    result = parse_archive(
        path, salvage=salvage, home_time_zone=home_time_zone, max_bytes=max_bytes
    )
    if len(result.entries) == 1:
        entry = result.entries[0]
        if entry.error is not None:
            raise entry.error
        assert entry.parsed is not None
        entry.parsed.warnings[:0] = result.warnings
        return entry.parsed
    if not result.entries:
        raise FileRefused(path, "zip archive holds no activity file")
    raise FileRefused(
        path,
        f"zip archive holds {len(result.entries)} activity files: import it as an archive "
        "(parse_archive) so that each is imported on its own",
    )
