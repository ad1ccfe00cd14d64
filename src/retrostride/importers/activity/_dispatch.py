"""Route a file to its format's parser by content; gzip and single-entry zips are unwrapped."""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path

from retrostride.errors import FileRefused, InputError
from retrostride.importers.activity import FileSummary, ParsedFile
from retrostride.importers.activity._common import check_size, file_identity
from retrostride.importers.activity.sniff import CSV, FIT, GPX, GZIP, TCX, ZIP, sniff_format
from retrostride.log.model import Session, SourceFile

HEAD_BYTES = 4096


def gunzip_limited(path: Path, raw: bytes | bytearray | None, max_bytes: int) -> bytes:
    """The decompressed content of a gzip file, refusing it past ``max_bytes`` (gzip bombs)."""
    out = io.BytesIO()
    fileobj = io.BytesIO(raw) if raw is not None else path.open("rb")
    try:
        with fileobj, gzip.GzipFile(fileobj=fileobj, mode="rb") as stream:
            while chunk := stream.read(1 << 20):
                out.write(chunk)
                if out.tell() > max_bytes:
                    raise FileRefused(
                        path,
                        f"gzip content exceeds the size limit of {max_bytes / 1e6:.1f} MB "
                        "(a gzip bomb or a file too large)",
                    )
    except (OSError, EOFError, zlib.error) as exc:
        raise FileRefused(path, f"damaged gzip file ({exc})") from exc
    return out.getvalue()


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(HEAD_BYTES)


def _leading_junk(head: bytes | bytearray) -> int:
    """How many whitespace bytes (after a UTF-8 BOM) precede an ``<?xml`` declaration."""
    start = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    stripped = head[start:].lstrip()
    if stripped.startswith(b"<?xml") and len(stripped) < len(head) - start:
        return len(head) - len(stripped)
    return 0


def parse_payload(
    path: Path,
    fmt: str,
    payload: bytes | bytearray | None,
    source: SourceFile,
    *,
    salvage: bool,
    home_time_zone: str,
) -> ParsedFile:
    """Parse content already identified as ``fmt`` (``payload`` None: read from ``path``)."""
    import importlib

    source.format = fmt
    recovered: str | None = None
    quirks: list[str] = []
    if fmt == FIT:
        from retrostride.importers.activity import fit

        sessions, warns, recovered = fit.parse_fit(
            path, payload, source, salvage=salvage, home_time_zone=home_time_zone
        )
    else:
        stream: Path | io.BytesIO = io.BytesIO(payload) if payload is not None else path
        skip = _leading_junk(payload if payload is not None else _head(path))
        if skip:
            # Strava's TCX exports start with spaces before the XML declaration, which XML
            # forbids: a device quirk, read completely once the spaces are skipped.
            data = payload if payload is not None else path.read_bytes()
            stream = io.BytesIO(data[skip:])
            quirks.append(f"skipped {skip} blank byte(s) before the XML declaration")
        module_name = {GPX: "gpx", TCX: "tcx", CSV: "csv_layout"}.get(fmt)
        if module_name is None:
            raise FileRefused(path, f"{fmt} content cannot be imported here")
        module = importlib.import_module(f"retrostride.importers.activity.{module_name}")
        sessions, warns, recovered = module.parse(
            path, stream, salvage=salvage, home_time_zone=home_time_zone
        )
    from retrostride.importers.activity.plausibility import check_totals

    warns = list(dict.fromkeys(quirks + warns))  # the same warning once, in order
    flagged: list[str] = []
    for session in sessions:
        own = check_totals(session)
        flagged.extend(own)
        # Several sessions of a FIT or TCX file are the parts of one multisport activity;
        # a GPX file's are separate walks (tracks on other days or hours apart): not linked.
        if len(sessions) > 1 and fmt != GPX:
            session.group = source.sha256[:16]
        session.source = source
        session.warnings = [*warns, *own]
        if recovered is not None:
            session.recovered = recovered
    warns.extend(flagged)
    return ParsedFile(source=source, sessions=sessions, warnings=warns, recovered=recovered)


def parse_path(
    path: Path,
    *,
    salvage: bool,
    home_time_zone: str,
    max_bytes: int,
    data: bytes | bytearray | None = None,
    sha256: str | None = None,
) -> ParsedFile:
    """See :func:`retrostride.importers.activity.parse_activity_file`."""
    try:
        return _parse_path(
            path,
            salvage=salvage,
            home_time_zone=home_time_zone,
            max_bytes=max_bytes,
            data=data,
            sha256=sha256,
        )
    except (FileRefused, InputError):
        raise
    except Exception as exc:
        raise unexpected_refusal(path, exc) from exc


def unexpected_refusal(path: Path | str, exc: BaseException) -> FileRefused:
    """The refusal for a file no rule foresaw, so that a batch goes on with the other files.

    The exception's text goes to the log for a bug report, never into the reason.
    """
    if isinstance(exc, (MemoryError, RecursionError)):
        return FileRefused(path, "too large or too deeply nested to read")
    import logging

    logger = logging.getLogger("retrostride.importers")
    logger.error("unexpected error reading %s", path, exc_info=exc)
    return FileRefused(
        path,
        f"could not be read: the importer met something it does not handle "
        f"({type(exc).__name__}); please report this file",
    )


def _parse_path(
    path: Path,
    *,
    salvage: bool,
    home_time_zone: str,
    max_bytes: int,
    data: bytes | bytearray | None = None,
    sha256: str | None = None,
) -> ParsedFile:
    if data is None:
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise FileRefused(path, f"cannot be read ({exc.strerror or exc})") from exc
        check_size(path, size, max_bytes)
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    else:
        check_size(path, len(data), max_bytes)
        head = bytes(data[:HEAD_BYTES])
    fmt = sniff_format(path, head)
    if fmt == ZIP:
        from retrostride.importers.activity.archive import parse_single_entry_archive

        return parse_single_entry_archive(
            path, salvage=salvage, home_time_zone=home_time_zone, max_bytes=max_bytes
        )
    if fmt == GZIP:
        payload = gunzip_limited(path, data, max_bytes)
        inner = sniff_format(path, payload[:HEAD_BYTES])
        if inner in (GZIP, ZIP):
            raise FileRefused(path, f"gzip file holding a {inner} archive: unpack it first")
        source = file_identity(path, payload)
        parsed = parse_payload(
            path, inner, payload, source, salvage=salvage, home_time_zone=home_time_zone
        )
        parsed.warnings.insert(0, "decompressed from gzip")
        return parsed
    if data is not None and sha256 is not None:
        source = SourceFile(name=path.name, format="", sha256=sha256, size_bytes=len(data))
    else:
        source = file_identity(path, data)
    return parse_payload(path, fmt, data, source, salvage=salvage, home_time_zone=home_time_zone)


def summarize(parsed: ParsedFile) -> FileSummary:
    """A FileSummary from a full parse (first session's start; totals over all sessions)."""
    sessions: list[Session] = parsed.sessions
    first = sessions[0]
    elapsed = [s.elapsed_s for s in sessions]
    dist = [s.distance_m for s in sessions]
    lat = lon = None
    if first.samples is not None and first.samples.has_positions:
        import numpy as np

        assert first.samples.latitude_deg is not None and first.samples.longitude_deg is not None
        ok = int(np.argmax(np.isfinite(first.samples.latitude_deg)))
        lat = float(first.samples.latitude_deg[ok])
        lon = float(first.samples.longitude_deg[ok])
    return FileSummary(
        source=parsed.source,
        sport=first.sport,
        start_utc=first.start_utc,
        elapsed_s=None if None in elapsed else float(sum(e for e in elapsed if e is not None)),
        distance_m=None if all(d is None for d in dist) else float(sum(d or 0.0 for d in dist)),
        start_latitude_deg=lat,
        start_longitude_deg=lon,
    )


def summary_of_path(path: Path, *, max_bytes: int) -> FileSummary:
    """See :func:`retrostride.importers.activity.read_summary`."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FileRefused(path, f"cannot be read ({exc.strerror or exc})") from exc
    check_size(path, size, max_bytes)
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    if sniff_format(path, head) == FIT:
        from retrostride.importers.activity.fit_summary import scan_fit_summary

        payload = path.read_bytes()
        return scan_fit_summary(path, payload, file_identity(path, payload))
    return summarize(parse_path(path, salvage=False, home_time_zone="UTC", max_bytes=max_bytes))
