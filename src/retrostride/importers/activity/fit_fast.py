"""A fast FIT decode for well-formed files: the record columns with numpy, the rest by profile.

fitdecode decodes every field of every message in Python (about 1.5 us a byte). Records are
almost the whole of an activity file and share a few layouts, so here the file's structure is
walked once (each record header says what follows and, through its definition, how long it
is; FIT SDK, "Flexible and Interoperable Data Transfer Protocol"), and each record field the
importer keeps is decoded for all records of one layout at once with numpy. The few summary
messages (file_id, session, lap, activity, sport) are decoded field by field with fitdecode's
own profile, so their names, enum texts, scales and offsets are fitdecode's.

It yields exactly what :func:`retrostride.importers.activity.fit.decode_fit` collects with
fitdecode (tested field for field on every shared FIT file), or None for anything unusual: a
wrong checksum, a file ending part-way, bytes after the last checksum, an undefined local
message, a record field with accumulated components (``compressed_speed_distance``), a
timestamp in a compressed-header message. Then fitdecode reads the file, with all its fault and
salvage rules.
"""

from __future__ import annotations

from array import array
from typing import Any

import fitdecode.profile as profile
import numpy as np

from retrostride.importers.activity._common import ReleasableBytes
from retrostride.importers.activity.fit import (
    _DEV_CHANNEL,
    _FIELD_CHANNEL,
    CHANNELS,
    MAX_RECORD_GAP_S,
    RELATIVE_TIME_LIMIT,
    FitData,
    _add_row,
)

MESG_RECORD = 20
ODD_DEV = (
    "developer fields without a valid description (a device quirk) were skipped; "
    "everything else was read"
)
_SUMMARY = {0: "file_id", 18: "session", 19: "lap", 34: "activity", 12: "sport"}
MESG_DEVELOPER_DATA_ID = 207
FIELD_TIMESTAMP = 253
_TIME_NAMES = ("start_time", "timestamp", "local_timestamp", "time_created")

# base type -> (numpy dtype char, size, invalid value or None for 'z' types (invalid 0))
_BASE = {
    0x00: ("u1", 1, 0xFF),
    0x01: ("i1", 1, 0x7F),
    0x02: ("u1", 1, 0xFF),
    0x83: ("i2", 2, 0x7FFF),
    0x84: ("u2", 2, 0xFFFF),
    0x85: ("i4", 4, 0x7FFFFFFF),
    0x86: ("u4", 4, 0xFFFFFFFF),
    0x88: ("f4", 4, None),
    0x89: ("f8", 8, None),
    0x0A: ("u1", 1, 0),
    0x8B: ("u2", 2, 0),
    0x8C: ("u4", 4, 0),
    0x8E: ("i8", 8, 0x7FFFFFFFFFFFFFFF),
    0x8F: ("u8", 8, 0xFFFFFFFFFFFFFFFF),
    0x90: ("u8", 8, 0),
}
_BASE_BY_NAME = {bt.name: ident for ident, bt in __import__("fitdecode").types.BASE_TYPES.items()}
_Z_TYPES = frozenset({0x0A, 0x8B, 0x8C, 0x90})
_RECORD_FIELDS = profile.MESSAGE_TYPES[MESG_RECORD].fields
_ACCUMULATED = frozenset(
    num
    for num, fld in _RECORD_FIELDS.items()
    if fld.components and any(c.accumulate for c in fld.components)
)


def _crc_table() -> list[int]:
    table = []
    for i in range(256):
        crc = i
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_CRC_TABLE = _crc_table()


def crc16(data: bytes | memoryview, crc: int = 0) -> int:
    """FIT's CRC-16 (the SDK's, reflected polynomial 0xA001, start 0), a byte at a time."""
    table = _CRC_TABLE
    for byte in data:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc


class _Unusual(Exception):
    """Something the fast path leaves to fitdecode."""


# (global number, big endian, total size, fields [(num, offset, size, base)],
#  developer fields [(offset, size, base, name)], layout id, timestamp (offset, size, base))
_Def = tuple[
    int,
    bool,
    int,
    list[tuple[int, int, int, int]],
    list[tuple[int, int, int, Any]],
    int,
    tuple[int, int, int] | None,
]
MESG_FIELD_DESCRIPTION = 206


def decode_fast(payload: bytes | bytearray) -> FitData | None:
    """The FitData of a well-formed file, or None to let fitdecode read it (module docstring).

    A :class:`ReleasableBytes` payload is released (emptied) as soon as the record fields are
    read, before they are widened into columns: the file's bytes and the finished columns are
    never in memory together.
    """
    try:
        data, n, parts, stamps = _decode(payload)
    except (_Unusual, IndexError, ValueError, KeyError, TypeError):
        return None
    if isinstance(payload, ReleasableBytes):
        payload.release()
    if n:
        _widen(data, n, parts, stamps)
    return data


def _decode(payload: bytes | bytearray) -> tuple[FitData, int, list[_Part], list[array[int]]]:
    """Phase one: the file's structure, its summary messages and the raw record fields."""
    data = FitData()
    n = len(payload)
    # Per record layout: [(message index in file order, body offset)]; then timestamps per record.
    layouts: dict[int, tuple[_Def, array[int]]] = {}
    order_layout: array[int] = array("i")  # 4 bytes a record (layout ids are few)
    stamps: array[int] = array("q")
    """Per record in file order: its layout, its raw FIT time (-1: none)."""
    seen_ids: list[int] = []
    descriptions: dict[tuple[Any, Any], tuple[Any, int]] = {}
    pos = 0
    while pos < n:
        header_size = payload[pos]
        if header_size not in (12, 14) or payload[pos + 8 : pos + 12] != b".FIT":
            raise _Unusual("not a FIT header")
        data_size = int.from_bytes(payload[pos + 4 : pos + 8], "little")
        end = pos + header_size + data_size
        if data_size == 0 or end + 2 > n:
            raise _Unusual("truncated")
        if header_size == 14:
            header_crc = int.from_bytes(payload[pos + 12 : pos + 14], "little")
            if header_crc and crc16(memoryview(payload)[pos : pos + 12]) != header_crc:
                raise _Unusual("header checksum")
        if crc16(memoryview(payload)[pos:end]) != int.from_bytes(payload[end : end + 2], "little"):
            raise _Unusual("checksum")
        pos = (
            _walk_part(
                payload,
                pos + header_size,
                end,
                data,
                layouts,
                descriptions,
                order_layout,
                stamps,
                seen_ids,
            )
            + 2
        )
    n_records = len(order_layout)
    box = [order_layout]
    del order_layout  # owned by _stage from here (freed there once read)
    parts = _stage(payload, layouts, box) if n_records else []
    return data, n_records, parts, [stamps]


def _walk_part(
    payload: bytes | bytearray,
    pos: int,
    end: int,
    data: FitData,
    layouts: dict[int, tuple[_Def, array[int]]],
    descriptions: dict[tuple[Any, Any], tuple[Any, int]],
    order_layout: array[int],
    stamps: array[int],
    seen_ids: list[int],
) -> int:
    definitions: dict[int, _Def] = {}
    definitions_seen = seen_ids
    last_ts = 0
    while pos < end:
        head = payload[pos]
        pos += 1
        if head & 0x80:
            local = (head >> 5) & 0x03
            offset = head & 0x1F
            ts = (last_ts & ~0x1F) + offset
            if offset < (last_ts & 0x1F):
                ts += 0x20
            last_ts = ts
            compressed: int | None = ts
        else:
            local = head & 0x0F
            compressed = None
            if head & 0x40:
                big = payload[pos + 1] == 1
                mesg = int.from_bytes(payload[pos + 2 : pos + 4], "big" if big else "little")
                n_fields = payload[pos + 4]
                pos += 5
                fields: list[tuple[int, int, int, int]] = []
                size = 0
                for _ in range(n_fields):
                    num, fsize, base = payload[pos], payload[pos + 1], payload[pos + 2]
                    fields.append((num, size, fsize, base))
                    size += fsize
                    pos += 3
                devs: list[tuple[int, int, int, Any]] = []
                if head & 0x20:
                    n_dev = payload[pos]
                    pos += 1
                    for _ in range(n_dev):
                        num, fsize, index = payload[pos], payload[pos + 1], payload[pos + 2]
                        name, base = descriptions.get((index, num), (None, 0x0D))
                        if base == 0x0D and ODD_DEV not in data.warnings:
                            data.warnings.append(ODD_DEV)
                        devs.append((size, fsize, base, name))
                        size += fsize
                        pos += 3
                stamp = next(
                    ((o, fs, b) for num, o, fs, b in fields if num == FIELD_TIMESTAMP), None
                )
                lid = len(definitions_seen)
                definitions_seen.append(lid)
                definitions[local] = (mesg, big, size, fields, devs, lid, stamp)
                continue
        definition = definitions.get(local)
        if definition is None:
            raise _Unusual("undefined local message")
        mesg, big, size, fields, _, lid, stamp = definition
        body = pos
        pos += size
        if pos > end:
            raise _Unusual("message past the end")
        data.n_data_messages += 1
        ts_field = -1
        if stamp is not None:
            if compressed is not None:
                raise _Unusual("timestamp field in a compressed-header message")
            off, fsize, base = stamp
            if fsize == 4 and base == 0x86:
                raw = int.from_bytes(
                    payload[body + off : body + off + 4], "big" if big else "little"
                )
                value: Any = None if raw == 0xFFFFFFFF else raw
            else:
                value = _scalar(payload, body + off, fsize, base, big)
            if isinstance(value, int):
                last_ts = ts_field = value
        if mesg == MESG_RECORD:
            entry = layouts.get(lid)
            if entry is None:
                if any(num in _ACCUMULATED for num, *_ in fields):
                    raise _Unusual("accumulated record fields")
                entry = layouts[lid] = (definition, array("L" if _L4 else "Q"))
            entry[1].append(body)
            order_layout.append(lid)
            stamps.append(compressed if compressed is not None else ts_field)
        elif mesg in _SUMMARY:
            msg = _message(payload, body, definition)
            name = _SUMMARY[mesg]
            if name == "lap":
                data.laps.append(msg)
            elif name == "session":
                data.sessions.append(msg)
            elif name == "sport":
                data.sports.append(msg)
            elif name == "activity":
                data.activity = msg
            elif not data.file_id:
                data.file_id = msg
        elif mesg == MESG_FIELD_DESCRIPTION:
            desc = _message(payload, body, definition)
            base_type = desc.get("fit_base_type_id")
            base_id = (
                base_type if isinstance(base_type, int) else _BASE_BY_NAME.get(str(base_type), 0x0D)
            )
            key = (desc.get("developer_data_index"), desc.get("field_definition_number"))
            descriptions[key] = (desc.get("field_name"), base_id)
        elif mesg == MESG_DEVELOPER_DATA_ID and not any(f[0] == 1 for f in fields):
            data.warnings.append(
                "a developer_data_id message lacks its application_id (a device "
                "quirk against the FIT rules); the file was read anyway"
            )
    if pos != end:
        raise _Unusual("part size")
    return pos


def _scalar(payload: bytes | bytearray, start: int, size: int, base: int, big: bool) -> Any:
    """One field's raw value as fitdecode reads it: None when invalid, a tuple for arrays."""
    spec = _BASE.get(base)
    if base == 0x07:
        raw = payload[start : start + size]
        text = raw.split(b"\x00", 1)[0]
        return text.decode("utf-8", errors="replace") if text else None
    if spec is None or size % spec[1]:
        raise _Unusual("byte field")
    dtype = np.dtype((">" if big else "<") + spec[0])
    values = np.frombuffer(payload, dtype=dtype, count=size // spec[1], offset=start)
    out: list[Any] = []
    for v in values.tolist():
        if (spec[2] is not None and v == spec[2]) or (base in _Z_TYPES and v == 0) or v != v:
            out.append(None)
        else:
            out.append(v)
    if len(out) == 1:
        return out[0]
    return tuple(out)


def _message(payload: bytes | bytearray, body: int, definition: _Def) -> dict[str, Any]:
    mesg, big, _, fields, devs, _, _ = definition
    mtype = profile.MESSAGE_TYPES.get(mesg)
    raws = {num: _scalar(payload, body + off, fsize, base, big) for num, off, fsize, base in fields}
    out: dict[str, Any] = {}
    for num, raw in raws.items():
        fld = mtype.fields.get(num) if mtype is not None else None
        if fld is None:
            name = f"unknown_{num}"
            value = raw
        else:
            if fld.subfields:
                for sub in fld.subfields:
                    if any(raws.get(ref.def_num) == ref.raw_value for ref in sub.ref_fields):
                        fld = sub
                        break
            if fld.components and raw is not None and mtype is not None:
                _components(fld, raw, raws, mtype, out)
            name = fld.name
            value = fld.render(raw)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                if fld.scale:
                    value = float(value) / fld.scale
                if fld.offset:
                    value = value - fld.offset
            elif isinstance(value, tuple):
                value = tuple(
                    (float(v) / fld.scale if fld.scale else v) - (fld.offset or 0)
                    if isinstance(v, (int, float))
                    else v
                    for v in value
                )
        if value is None:
            continue
        out[name] = value
        if name in _TIME_NAMES:
            out[name + "_raw"] = raw
    for off, fsize, base, dev_name in devs:
        if isinstance(dev_name, str) and (base in _BASE or base == 0x07):
            value = _scalar(payload, body + off, fsize, base, big)
            if value is not None:
                out[dev_name] = value
    return out


def _components(fld: Any, raw: Any, raws: dict[int, Any], mtype: Any, out: dict[str, Any]) -> None:
    """The fields a field expands into (``avg_speed`` -> ``enhanced_avg_speed``), as fitdecode
    adds them just before the field itself; accumulated ones never reach here."""
    for component in fld.components:
        if component.accumulate:
            continue
        try:
            value = component.render(raw)
        except ValueError:
            continue
        if value is None:
            continue
        if component.scale:
            value = float(value) / component.scale
        if component.offset:
            value = value - component.offset
        target = mtype.fields.get(component.def_num)
        if target is None:
            continue
        if target.subfields:
            for sub in target.subfields:
                if any(raws.get(ref.def_num) == ref.raw_value for ref in sub.ref_fields):
                    target = sub
                    break
        value = target.render(value)
        if value is not None:
            out[target.name] = value


_Part = tuple[int, "np.ndarray[Any, Any]", int, float, float, "np.ndarray[Any, Any] | None", bool]
"""One record field of one layout, read at its own width: (channel, raw values, base type,
scale, offset, rows of those records or None for all in order, fill only where still empty)."""


def _read_field(
    buf: np.ndarray[Any, np.dtype[np.uint8]],
    starts: np.ndarray[Any, Any],
    off: int,
    size: int,
    base: int,
    big: bool,
) -> np.ndarray[Any, Any]:
    """One scalar field of many messages (bodies at ``starts`` + ``off``) as the raw values of
    its FIT base type (1 to 4 bytes a record for the record fields kept), invalid values
    included. Chunked: index temporaries of a few MB, whatever the file's size."""
    dtype = np.dtype((">" if big else "<") + _BASE[base][0])
    out = np.empty(starts.size, dtype=dtype)
    span = np.arange(size) + off
    for a in range(0, starts.size, _CHUNK):
        index = starts[a : a + _CHUNK, None].astype(np.int64) + span
        out[a : a + _CHUNK] = buf[index].view(dtype).reshape(-1)
    return out


def _exact_in_float32(base: int, scale: float, offset: float) -> bool:
    """Whether every value of this field, scaled, is exact in float32, so that a float32 column
    holds the very numbers a float64 one would: integers of at most 16 bits (heart rate,
    cadence, power) divided by a power of two (``fractional_cadence``: 1/128), or float32
    itself, without an offset. Positions (32-bit semicircles), distance (cm), speed (mm/s),
    altitude (1/5 m - 500) and grade (1/100 %) are not, and stay float64."""
    if offset:
        return False
    kind = _BASE[base][0]
    if kind == "f4":
        return not scale
    if kind not in ("u1", "i1", "u2", "i2"):
        return False
    return not scale or (float(scale).is_integer() and int(scale) & (int(scale) - 1) == 0)


def _fill(col: np.ndarray[Any, Any], part: _Part) -> None:
    """Scale one field's raw values into its channel's column where they are valid (FIT's
    invalid value, 0 for the z types, NaN for floats) as fitdecode does, in float64 (the
    float32 columns receive exact values, :func:`_exact_in_float32`). Chunked."""
    _, raw, base, scale, offset, where, only_empty = part
    spec = _BASE[base]
    for a in range(0, raw.size, _CHUNK):
        chunk = raw[a : a + _CHUNK]
        if base in _Z_TYPES:
            valid = chunk != 0
        elif spec[2] is not None:
            valid = chunk != spec[2]
        else:
            valid = np.isfinite(chunk)
        values = chunk[valid].astype(np.float64)
        if scale:
            values /= scale
        if offset:
            values -= offset
        rows = np.flatnonzero(valid) + a if where is None else where[a : a + _CHUNK][valid]
        if only_empty:
            fill = np.isnan(col[rows])
            rows, values = rows[fill], values[fill]
        col[rows] = values


_CHUNK = 32_768
"""Records gathered at a time (index temporaries of a few MB)."""
_L4 = array("L").itemsize == 4
"""Body offsets kept in 4 bytes where the platform's ``L`` is 4 bytes (a FIT file's data size
is a 32-bit field, so offsets fit)."""


def _stage(
    payload: bytes | bytearray,
    layouts: dict[int, tuple[_Def, array[int]]],
    order_layout: list[array[int]],
) -> list[_Part]:
    """Phase one, while the file's bytes are needed: every kept record field of every layout
    read at its own width (about 20 bytes a record for a GPS walk instead of 64 as float64
    columns). ``order_layout`` (one element, the layout of each record) is owned here."""
    buf = np.frombuffer(payload, dtype=np.uint8)
    several = len(layouts) > 1
    # Which layout each record has: needed only to place rows when there are several layouts;
    # with one, freed before any field is read.
    lay: Any = np.frombuffer(order_layout.pop(), dtype=np.int32) if several else None
    order_layout.clear()
    parts: list[_Part] = []
    offsets_dtype = np.uint32 if _L4 else np.uint64
    for lid in list(layouts):
        definition, bodies = layouts.pop(lid)  # each layout's offsets freed once read
        _, big, _, fields, devs, _, _ = definition
        starts = np.frombuffer(bodies, dtype=offsets_dtype)
        where = np.flatnonzero(lay == lid).astype(np.uint32) if several else None
        for num, off, fsize, base in fields:
            fld = _RECORD_FIELDS.get(num)
            channel = _FIELD_CHANNEL.get(fld.name) if fld is not None else None
            spec = _BASE.get(base)
            if channel is None or spec is None or fsize != spec[1]:
                continue  # not kept, or an array (fitdecode gives a tuple: not kept either)
            raw = _read_field(buf, starts, off, fsize, base, big)
            scale, offset = float(fld.scale or 0), float(fld.offset or 0)
            parts.append((channel, raw, base, scale, offset, where, False))
        for off, fsize, base, name in devs:
            channel = _DEV_CHANNEL.get(name.lower()) if isinstance(name, str) else None
            spec = _BASE.get(base)
            if channel is None or spec is None or fsize != spec[1]:
                continue
            raw = _read_field(buf, starts, off, fsize, base, big)
            parts.append((channel, raw, base, 0.0, 0.0, where, True))
        del starts, bodies, where
    del buf, lay
    return parts


def _widen(
    data: FitData, n: int, parts: list[_Part], stamps: list[array[int]]
) -> None:
    """Phase two, after the file's bytes are released: each channel's column from its raw
    fields (float32 where exact, else float64, NaN where missing), widest raw fields first so
    that the narrowest are the last alive; then the rows as
    :func:`retrostride.importers.activity.fit._add_row` makes them, vectorised where the times
    allow. ``parts`` and ``stamps`` are owned here (emptied as they are used)."""
    by_channel: dict[int, list[_Part]] = {}
    while parts:
        part = parts.pop(0)
        by_channel.setdefault(part[0], []).append(part)
    del part
    cols: list[np.ndarray[Any, Any] | None] = [None] * len(CHANNELS)
    order = sorted(by_channel, key=lambda c: -sum(p[1].nbytes for p in by_channel[c]))
    for channel in order:
        own = by_channel.pop(channel)
        exact = all(_exact_in_float32(p[2], p[3], p[4]) for p in own)
        col = np.full(n, np.nan, dtype=np.float32 if exact else np.float64)
        while own:
            _fill(col, own.pop(0))
        cols[channel] = col
    ts = np.frombuffer(stamps.pop(), dtype=np.int64)
    if not _assemble(data, ts, cols):
        empty = np.full(len(CHANNELS), np.nan)
        for i in range(n):
            row = [c[i] if c is not None else empty[k] for k, c in enumerate(cols)]
            _add_row(data, None if ts[i] < 0 else int(ts[i]), row)


def _as_float(ts: np.ndarray[Any, np.dtype[np.int64]]) -> np.ndarray[Any, np.dtype[np.float64]]:
    """``ts`` as float64 in its own buffer when it may be written (chunk by chunk: no second
    array of the file's records), else a copy."""
    if not ts.flags.writeable:
        return ts.astype(np.float64)
    out = ts.view(np.float64)
    for a in range(0, ts.size, _CHUNK):
        out[a : a + _CHUNK] = ts[a : a + _CHUNK].astype(np.float64)
    return out


def _assemble(
    data: FitData,
    ts: np.ndarray[Any, np.dtype[np.int64]],
    cols: list[np.ndarray[Any, np.dtype[np.float64]] | None],
) -> bool:
    """The rows at once when the times hold no junk; False to go record by record."""
    present = ts >= 0
    if not present[0]:
        return False
    every = bool(present.all())
    stamped = ts if every else ts[present]
    # Steps between records, chunk by chunk (no second array of the file's records).
    new_row = np.ones(stamped.size, dtype=bool) if every else present.copy()
    for a in range(0, max(stamped.size - 1, 0), _CHUNK):
        steps = np.diff(stamped[a : a + _CHUNK + 1])
        if steps.min() < 0 or steps.max() > MAX_RECORD_GAP_S:
            return False
        if every:
            new_row[a + 1 : a + 1 + steps.size] = steps != 0
    absolute = stamped >= RELATIVE_TIME_LIMIT
    if absolute.any() and not absolute.all():
        return False
    del absolute
    if not every:
        new_row[1:] &= ts[1:] != np.maximum.accumulate(np.where(present, ts, -1))[:-1]
    del stamped, present
    merges = ~new_row
    any_merge = bool(merges.any())
    group = np.cumsum(new_row) - 1 if any_merge else None
    n_rows = int(new_row.sum())
    if any_merge:
        data.times = ts[new_row].astype(np.float64)  # type: ignore[assignment]
    else:
        data.times = _as_float(ts)  # type: ignore[assignment]
    out: list[Any] = []
    for col in cols:
        if col is None:
            out.append(np.broadcast_to(np.nan, (n_rows,)))
            continue
        base = col if not any_merge else col[new_row]
        if group is not None:
            late = np.flatnonzero(merges & np.isfinite(col))
            if late.size:
                groups, first = np.unique(group[late], return_index=True)
                empty = np.isnan(base[groups])
                base[groups[empty]] = col[late[first[empty]]]
        out.append(base)
    data.columns = out
    return True
