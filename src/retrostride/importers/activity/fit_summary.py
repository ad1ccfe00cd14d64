"""A fast summary of a FIT file: walk the record headers, decode only the messages we need.

No FIT library can skip messages (reading only the session summary costs 93-102% of a full
decode, see ``docs/importers.md``), so this module walks the file's structure itself: each record
header says whether a definition or a data message follows and, from the definitions, how long
each data message is. Only ``file_id`` and ``session`` messages are decoded, plus the
``timestamp`` of every message so that compressed-timestamp headers stay consistent. Field
layouts follow the FIT SDK's Profile (messages 0 file_id and 18 session; field 253 timestamp).

The result is checked in the tests against the full fitdecode decode of every shared FIT file.
Files without a session message (damaged or unfinished) fall back to the full decode.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from pathlib import Path

import fitdecode.profile

from retrostride.errors import FileRefused
from retrostride.importers.activity import FileSummary
from retrostride.importers.activity._common import is_valid_time
from retrostride.importers.activity.fit import FIT_EPOCH_UNIX_S, RELATIVE_TIME_LIMIT
from retrostride.log.model import SourceFile

MESG_FILE_ID = 0
MESG_SESSION = 18
FIELD_TIMESTAMP = 253
# session fields: number -> (name, scale); FIT SDK Profile, message 'session'.
_SESSION_FIELDS = {
    2: ("start_time", 1.0),
    5: ("sport", 1.0),
    7: ("total_elapsed_time", 1000.0),
    9: ("total_distance", 100.0),
}
_SPORT_NAMES = fitdecode.profile.FIELD_TYPES["sport"].enum

_Definition = tuple[int, bool, int, list[tuple[int, int, int]]]
"""(global message number, big endian, data size [bytes], [(field number, offset, size)])."""


def _uint(payload: bytes, start: int, size: int, big: bool) -> int | None:
    """An unsigned field value, None when it holds FIT's invalid value (all bits set)."""
    raw = payload[start : start + size]
    if len(raw) != size or size == 0 or size > 8:
        return None
    value = int.from_bytes(raw, "big" if big else "little")
    return None if value == (1 << (8 * size)) - 1 else value


def _walk(payload: bytes) -> list[dict[str, int]]:
    """The raw fields of every session message, across chained FIT files."""
    sessions: list[dict[str, int]] = []
    # A file ending inside a message raises IndexError: keep the sessions read before it.
    with contextlib.suppress(IndexError):
        _walk_into(payload, sessions)
    return sessions


def _walk_into(payload: bytes, sessions: list[dict[str, int]]) -> list[dict[str, int]]:
    pos = 0
    end_of_file = len(payload)
    while pos + 12 <= end_of_file:
        header_size = payload[pos]
        if header_size not in (12, 14) or payload[pos + 8 : pos + 12] != b".FIT":
            break
        data_size = int.from_bytes(payload[pos + 4 : pos + 8], "little")
        pos += header_size
        end = min(pos + data_size, end_of_file)
        definitions: dict[int, _Definition] = {}
        last_ts = 0
        while pos < end:
            head = payload[pos]
            pos += 1
            if head & 0x80:  # compressed timestamp header: a data message
                local = (head >> 5) & 0x03
                offset = head & 0x1F
                ts = (last_ts & ~0x1F) + offset
                if offset < (last_ts & 0x1F):
                    ts += 0x20
                last_ts = ts
                definition = definitions.get(local)
                if definition is None:
                    return sessions
                pos += definition[2]
                continue
            local = head & 0x0F
            if head & 0x40:  # definition message
                if pos + 5 > end:
                    return sessions
                big = payload[pos + 1] == 1
                mesg = int.from_bytes(payload[pos + 2 : pos + 4], "big" if big else "little")
                n_fields = payload[pos + 4]
                pos += 5
                fields: list[tuple[int, int, int]] = []
                offset_in = 0
                for _ in range(n_fields):
                    num, size = payload[pos], payload[pos + 1]
                    fields.append((num, offset_in, size))
                    offset_in += size
                    pos += 3
                if head & 0x20:  # developer fields
                    n_dev = payload[pos]
                    pos += 1
                    for _ in range(n_dev):
                        offset_in += payload[pos + 1]
                        pos += 3
                definitions[local] = (mesg, big, offset_in, fields)
                continue
            definition = definitions.get(local)
            if definition is None:
                return sessions  # a fault: keep what was read
            mesg, big, size, fields = definition
            body_start = pos
            pos += size
            if pos > end:
                return sessions
            if mesg == MESG_SESSION:
                values: dict[str, int] = {}
                for num, off, fsize in fields:
                    if num in _SESSION_FIELDS:
                        value = _uint(payload, body_start + off, fsize, big)
                        if value is not None:
                            values[_SESSION_FIELDS[num][0]] = value
                sessions.append(values)
            for num, off, fsize in fields:
                if num == FIELD_TIMESTAMP:
                    value = _uint(payload, body_start + off, fsize, big)
                    if value is not None:
                        last_ts = value
                    break
        pos = end + 2  # the file's CRC
    return sessions


def scan_fit_summary(path: Path, payload: bytes, source: SourceFile) -> FileSummary:
    """Sport, start, elapsed time and distance of a FIT file from its session messages."""
    source.format = "fit"
    if not payload:
        raise FileRefused(path, "file is empty (0 bytes): no FIT data")
    sessions = [s for s in _walk(payload) if "start_time" in s]
    if not sessions:
        from retrostride.importers.activity._dispatch import parse_payload, summarize

        parsed = parse_payload(path, "fit", payload, source, salvage=True, home_time_zone="UTC")
        return summarize(parsed)
    sessions.sort(key=lambda s: s["start_time"])
    first = sessions[0]
    start_raw = first["start_time"]
    start_utc: datetime | None = None
    if start_raw >= RELATIVE_TIME_LIMIT:
        start_utc = datetime.fromtimestamp(start_raw + FIT_EPOCH_UNIX_S, UTC)
        if not is_valid_time(start_utc):
            start_utc = None
    elapsed = [s.get("total_elapsed_time") for s in sessions]
    dist = [s.get("total_distance") for s in sessions]
    sport_code = first.get("sport")
    sport = None
    if sport_code is not None:
        sport = _SPORT_NAMES.get(sport_code, f"fit_{sport_code}")
    return FileSummary(
        source=source,
        sport=sport,
        start_utc=start_utc,
        elapsed_s=None if None in elapsed else sum(e for e in elapsed if e is not None) / 1000.0,
        distance_m=None if all(d is None for d in dist) else sum(d or 0 for d in dist) / 100.0,
    )
