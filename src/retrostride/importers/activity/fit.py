"""FIT activity files -> sessions, decoded with fitdecode.

Why fitdecode (measured on the shared FIT files and damaged copies of them, see
``docs/importers.md``): it is the most robust decoder we tried. It raises only its own error
types, keeps everything it yielded before a fault (so ``--salvage`` can keep the valid part),
agrees with the fitparse packages on every valid file, decodes compressed-timestamp records and
developer fields, and in ``error_handling=WARN`` mode reads device-quirk files completely where
fitparse 1.2 stops part-way. garmin-fit-sdk is faster (about 1.6x) but decodes no records from
compressed-timestamp files, turns power-on-relative times into 1990 dates and reports faults in
a list instead of raising. We run fitdecode with ``check_crc=RAISE`` (its default only warns on
a wrong checksum) and check for 0-byte files ourselves (fitdecode yields nothing for them).

Units: FIT's cadence for walking and running counts strides of one leg per minute; it is doubled
together with its fractional part into steps per minute. Other sports keep their own unit.
"""

from __future__ import annotations

import io
import warnings
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import fitdecode

from retrostride.errors import FileRefused
from retrostride.importers.activity._common import NAN, describe_seconds, read_file
from retrostride.log.model import SourceFile

FIT_EPOCH_UNIX_S = 631_065_600
"""1989-12-31T00:00:00Z in Unix seconds: FIT timestamps count from here (FIT SDK, Profile)."""

RELATIVE_TIME_LIMIT = 0x10000000
"""FIT 'date_time' values below this are seconds since the device powered on, not dates
(FIT SDK, Profile.xlsx, type date_time: 'if < 0x10000000 = system time')."""

SEMICIRCLE_DEG = 180.0 / 2**31
"""Degrees per FIT semicircle (FIT SDK)."""

MAX_RECORD_GAP_S = 86_400
"""A record more than a day after the previous one is junk (a damaged or unset clock)."""

# Record channels in the order of ``FitData.columns``.
CHANNELS = ("lat", "lon", "alt", "dist", "hr", "cad", "frac", "speed", "power", "grade")
_FIELD_CHANNEL = {
    "position_lat": 0,
    "position_long": 1,
    "altitude": 2,
    "enhanced_altitude": 2,
    "distance": 3,
    "heart_rate": 4,
    "cadence": 5,
    "fractional_cadence": 6,
    "speed": 7,
    "enhanced_speed": 7,
    "power": 8,
    "grade": 9,
}
_DEV_CHANNEL = {"power": 8}
_DevFieldDefinition = fitdecode.types.DevFieldDefinition
"""Developer fields used when the native field is missing (Stryd and others name them so)."""


@dataclass(slots=True)
class FitData:
    """What one pass over a FIT file collected (plain Python values, no objects per record)."""

    times: array[float] = field(default_factory=lambda: array("d"))
    """Raw FIT timestamps [s] (absolute since FIT epoch, or relative to power-on)."""
    columns: list[array[float]] = field(default_factory=lambda: [array("d") for _ in CHANNELS])
    """Per channel, 8 bytes a record (plain lists of floats would cost 32)."""
    sessions: list[dict[str, Any]] = field(default_factory=list)
    laps: list[dict[str, Any]] = field(default_factory=list)
    sports: list[dict[str, Any]] = field(default_factory=list)
    activity: dict[str, Any] = field(default_factory=dict)
    file_id: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    fault: str | None = None
    """What stopped the decode (None when the file was read to its end)."""
    fault_offset: int | None = None
    n_data_messages: int = 0
    dropped_junk: list[str] = field(default_factory=list)
    orphan_records: int = 0


class _TolerantReader(fitdecode.FitReader):  # type: ignore[misc]
    """fitdecode's reader, reading developer field descriptions of any shape.

    fitdecode stops at a field_description whose developer_data_index has no developer_data_id
    before it, or whose base type is not one of FIT's; the FIT SDK and other readers keep
    going. Here such a description is registered anyway (unknown base types as bytes), so
    every such file reads completely; its developer values are then simply not used.
    """

    def _add_dev_field_description(self, message: Any) -> None:
        get = message.get_raw_value
        index = get("developer_data_index", fallback=None)
        number = get("field_definition_number", fallback=None)
        base = get("fit_base_type_id", fallback=None)
        index = int(index) if isinstance(index, int) else None
        if index not in self._local_dev_types:
            self._add_dev_data_id_impl(index)
            self.tolerated_descriptions += 1
        base_type = fitdecode.types.BASE_TYPES.get(base) if isinstance(base, int) else None
        if base_type is None:
            base_type = fitdecode.types.BASE_TYPE_BYTE
            self.tolerated_descriptions += base is not None
        self._add_dev_field_description_impl(
            index,
            number,
            base_type,
            get("field_name", fallback=None),
            get("units", fallback=None),
            get("native_field_num", fallback=None),
        )

    tolerated_descriptions = 0


def _message_dict(frame: fitdecode.FitDataMessage) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for fd in frame.fields:
        value = fd.value
        if value is not None and isinstance(fd.name, str):
            out[fd.name] = value
            if fd.name in ("start_time", "timestamp", "local_timestamp", "time_created"):
                out[fd.name + "_raw"] = fd.raw_value
    return out


def _is_absolute(raw: float) -> bool:
    return raw >= RELATIVE_TIME_LIMIT


def _add_record(data: FitData, frame: fitdecode.FitDataMessage) -> None:
    row = [NAN] * len(CHANNELS)
    ts: float | None = None
    dev: list[tuple[int, float]] = []
    for fd in frame.fields:
        name = fd.name
        if name == "timestamp":
            raw = fd.raw_value
            if isinstance(raw, int):
                ts = float(raw)
            continue
        value = fd.value
        if value is None or value.__class__ is tuple or value.__class__ is str:
            continue
        if fd.field_def.__class__ is _DevFieldDefinition:
            # A developer field may lack a name (None), a unit or a description altogether
            # (RunScribe, Connect IQ data fields): only a named numeric one can fill a channel.
            didx = _DEV_CHANNEL.get(name.lower()) if isinstance(name, str) else None
            if didx is not None and isinstance(value, (int, float)):
                dev.append((didx, float(value)))
            continue
        idx = _FIELD_CHANNEL.get(name)
        if idx is not None:
            row[idx] = float(value)
    for didx, value in dev:
        if row[didx] != row[didx]:  # NaN: no native value
            row[didx] = value
    _add_row(data, None if ts is None else ts, row)


def _add_row(data: FitData, ts: float | None, row: Any) -> None:
    """Add one record's channel values (``CHANNELS`` order) at raw FIT time ``ts``.

    A record without a timestamp (Strava writes a second record per second without one) or at
    the same second again completes the previous row; a record going back in time, more than a
    day ahead, or switching between absolute and power-on time is junk and dropped.
    """
    times = data.times
    if ts is None or (times and ts == times[-1]):
        if not times:
            data.orphan_records += 1
            return
        for i, value in enumerate(row):
            if value == value:
                col = data.columns[i]
                if col[-1] != col[-1]:
                    col[-1] = value
        return
    ts = float(ts)
    if times:
        prev = times[-1]
        if ts < prev or ts > prev + MAX_RECORD_GAP_S or _is_absolute(ts) != _is_absolute(prev):
            data.dropped_junk.append(_describe_raw_time(ts))
            return
    times.append(ts)
    for col, value in zip(data.columns, row, strict=True):
        col.append(float(value))


def _describe_raw_time(raw: float) -> str:
    if _is_absolute(raw):
        from datetime import UTC, datetime

        return datetime.fromtimestamp(raw + FIT_EPOCH_UNIX_S, UTC).isoformat()
    return f"{raw:.0f} s after power-on"


def decode_fit(path: Path, payload: bytes | bytearray | None) -> FitData:
    """Decode every message we use; a fault part-way is recorded in ``fault``, not raised."""
    data = FitData()
    empty = path.stat().st_size == 0 if payload is None else not payload
    if empty:
        raise FileRefused(path, "file is empty (0 bytes): no FIT data")
    crc_ok_seen = False
    data_at_crc = 0
    reader: _TolerantReader | None = None
    if payload is None:
        payload = read_file(path)  # ours alone: released once decoded
    from retrostride.importers.activity.fit_fast import decode_fast

    fast = decode_fast(payload)
    if fast is not None:
        return fast
    stream: BinaryIO = io.BytesIO(payload)
    with stream, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            reader = _TolerantReader(
                stream,
                check_crc=fitdecode.CrcCheck.RAISE,
                error_handling=fitdecode.ErrorHandling.WARN,
            )
            for frame in reader:
                if isinstance(frame, fitdecode.FitDataMessage):
                    data.n_data_messages += 1
                    name = frame.name
                    if name == "record":
                        _add_record(data, frame)
                    elif name == "lap":
                        data.laps.append(_message_dict(frame))
                    elif name == "session":
                        data.sessions.append(_message_dict(frame))
                    elif name == "activity":
                        data.activity = _message_dict(frame)
                    elif name == "sport":
                        data.sports.append(_message_dict(frame))
                    elif name == "file_id" and not data.file_id:
                        data.file_id = _message_dict(frame)
                    elif name == "developer_data_id" and not frame.has_field("application_id"):
                        data.warnings.append(
                            "a developer_data_id message lacks its application_id (a device "
                            "quirk against the FIT rules); the file was read anyway"
                        )
                elif isinstance(frame, fitdecode.FitCRC) and frame.matched:
                    crc_ok_seen = True
                    data_at_crc = data.n_data_messages
        except (MemoryError, RecursionError):
            raise
        except Exception as exc:
            # fitdecode raises its own FitError types, and on some malformed input ValueError,
            # KeyError, IndexError, TypeError, struct.error or AssertionError.
            _fault(path, data, exc, data_at_crc if crc_ok_seen else None)
    odd_dev = reader is not None and reader.tolerated_descriptions > 0
    for warning in caught:
        message = str(warning.message)
        if "dev_data_index" in message or "dev data" in message:
            odd_dev = True
            continue
        text = f"FIT decoder: {message}"
        if text not in data.warnings:
            data.warnings.append(text)
    if odd_dev:
        data.warnings.append(
            "developer fields without a valid description (a device quirk) were skipped; "
            "everything else was read"
        )
    return data


def _fault(path: Path, data: FitData, exc: Exception, data_at_crc: int | None) -> None:
    """Record what stopped the decode, or refuse a file that held no data before it.

    Whatever the damage, when nothing but definitions or a bare header follows a complete,
    checksummed FIT file, no data is lost: the file is read with a warning (the same damage,
    the same outcome, whether it is junk, a bare header or a cut-off definition).
    """
    if data_at_crc is not None and data.n_data_messages == data_at_crc:
        data.warnings.append(
            "bytes after the file's final checksum hold no activity data (junk, or an empty "
            "or cut-off further part); they were ignored"
        )
    elif data.n_data_messages == 0:
        detail = str(exc) if isinstance(exc, fitdecode.FitError) else "its structure is broken"
        raise FileRefused(path, f"not a readable FIT file ({detail})") from exc
    elif isinstance(exc, fitdecode.FitHeaderError):
        data.fault, data.fault_offset = f"not FIT data part-way ({exc})", _offset(exc)
    elif isinstance(exc, fitdecode.FitError):
        data.fault, data.fault_offset = _fault_text(exc), _offset(exc)
    else:
        data.fault, data.fault_offset = "the decoder stopped on a malformed message", None


def _offset(exc: Exception) -> int | None:
    offset = getattr(exc, "offset", None)
    return int(offset) if isinstance(offset, int) else None


def _fault_text(exc: fitdecode.FitError) -> str:
    if isinstance(exc, fitdecode.FitCRCError):
        return f"wrong checksum ({exc})"
    if isinstance(exc, fitdecode.FitEOFError):
        return f"file ends part-way (truncated: {exc})"
    return f"corrupt message part-way ({exc})"


def parse_fit(
    path: Path,
    payload: bytes | bytearray | None,
    source: SourceFile,
    *,
    salvage: bool,
    home_time_zone: str,
) -> tuple[list[Any], list[str], str | None]:
    """Sessions, warnings and the salvage note of one FIT file (see ``fit_sessions``).

    ``payload`` None: read from ``path`` as a stream (the file is not held in memory).
    """
    from retrostride.importers.activity.fit_sessions import build_sessions

    data = decode_fit(path, payload)
    recovered: str | None = None
    if data.fault is not None:
        where = f" at byte {data.fault_offset}" if data.fault_offset is not None else ""
        if not salvage:
            raise FileRefused(
                path, f"damaged FIT file: {data.fault}{where}", salvageable=bool(data.times)
            )
        if not data.times:
            raise FileRefused(path, f"damaged FIT file: {data.fault}{where}; no records before it")
        kept_s = data.times[-1] - data.times[0]
        size = len(payload) if payload is not None else path.stat().st_size
        share = (data.fault_offset or size) / max(size, 1)
        recovered = (
            f"recovered from a damaged file ({data.fault}{where}): kept {len(data.times)} records "
            f"covering {describe_seconds(kept_s)}, the first {share:.0%} of the file"
        )
        claimed = [m.get("total_elapsed_time") for m in data.sessions]
        if claimed and all(isinstance(c, (int, float)) for c in claimed):
            total = float(sum(claimed))  # type: ignore[arg-type]
            recovered += f"; the file's own summary claims {describe_seconds(total)}"
    sessions, warns = build_sessions(
        path, data, source, salvaged=recovered is not None, home_time_zone=home_time_zone
    )
    if data.dropped_junk:
        warns.append(
            f"dropped {len(data.dropped_junk)} record(s) with impossible times "
            f"(first: {data.dropped_junk[0]})"
        )
    if data.orphan_records:
        warns.append(f"dropped {data.orphan_records} record(s) before the first timestamp")
    if recovered is not None:
        for session in sessions:
            session.recovered = recovered
    return sessions, data.warnings + warns, recovered
