"""A small FIT writer for tests: files made to the FIT SDK's layout (Protocol 2.0, Profile).

Messages are given as (global message number, [(field number, base type, value), ...]) with
optional developer fields [(field number, size, developer data index, raw bytes)]. Values are
raw (already scaled) integers, or text for string fields. The file header, definition messages
and both checksums are written as the FIT SDK's "Flexible and Interoperable Data Transfer"
protocol document describes them.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

from fitdecode.utils import compute_crc

ENUM, UINT8, UINT16, UINT32, SINT32, STRING = 0x00, 0x02, 0x84, 0x86, 0x85, 0x07
_FORMAT = {ENUM: "B", UINT8: "B", UINT16: "H", UINT32: "I", SINT32: "i"}

FIT_EPOCH_UNIX_S = 631_065_600

Field = tuple[int, int, int | str]
DevField = tuple[int, int, int, bytes]

FILE_ID, SESSION, LAP, RECORD, ACTIVITY = 0, 18, 19, 20, 34
DEVELOPER_DATA_ID, FIELD_DESCRIPTION = 207, 206


def fit_time(unix_s: float) -> int:
    """FIT date_time of a Unix time [s]."""
    return int(unix_s) - FIT_EPOCH_UNIX_S


def _size(base: int, value: int | str) -> int:
    if base == STRING:
        return len(str(value).encode()) + 1
    return struct.calcsize("<" + _FORMAT[base])


def _encode(base: int, value: int | str, size: int) -> bytes:
    if base == STRING:
        raw = str(value).encode()
        return raw + b"\x00" * (size - len(raw))
    return struct.pack("<" + _FORMAT[base], value)


def make_fit(
    messages: Sequence[
        tuple[int, Sequence[Field]] | tuple[int, Sequence[Field], Sequence[DevField]]
    ],
) -> bytes:
    """A FIT file of the messages, each preceded by its definition when the layout changes."""
    body = bytearray()
    layouts: dict[tuple[object, ...], int] = {}
    for item in messages:
        mesg, fields = item[0], item[1]
        dev: Sequence[DevField] = item[2] if len(item) > 2 else ()  # type: ignore[misc]
        sizes = [_size(base, value) for _, base, value in fields]
        key = (
            mesg,
            tuple((f[0], f[1], s) for f, s in zip(fields, sizes, strict=True)),
            tuple((d[0], d[1], d[2]) for d in dev),
        )
        local = layouts.get(key)
        if local is None:
            local = len(layouts) % 16
            layouts[key] = local
            header = 0x40 | (0x20 if dev else 0) | local
            body += bytes([header, 0, 0]) + struct.pack("<HB", mesg, len(fields))
            for (num, base, _), size in zip(fields, sizes, strict=True):
                body += bytes([num, size, base])
            if dev:
                body += bytes([len(dev)])
                for num, size, index, _ in dev:
                    body += bytes([num, size, index])
        body += bytes([local])
        for (_, base, value), size in zip(fields, sizes, strict=True):
            body += _encode(base, value, size)
        for _, size, _, raw in dev:
            body += raw[:size].ljust(size, b"\x00")
    header = bytearray(struct.pack("<BBHI4s", 14, 0x20, 2132, len(body), b".FIT"))
    header += struct.pack("<H", compute_crc(bytes(header)))
    data = bytes(header) + bytes(body)
    return data + struct.pack("<H", compute_crc(data))


def walk_fit(
    start_unix_s: float = 1_700_000_000.0,
    n_records: int = 60,
    step_s: int = 10,
    speed_m_s: float = 1.2,
    *,
    sport: int = 11,
    session: dict[int, tuple[int, int]] | None = None,
    extra: Sequence[
        tuple[int, Sequence[Field]] | tuple[int, Sequence[Field], Sequence[DevField]]
    ] = (),
    record_dev: Sequence[DevField] = (),
) -> bytes:
    """A walk (sport 11) of ``n_records`` records, ``step_s`` apart, with a lap and a session.

    ``session`` overrides or adds session fields {number: (base type, raw value)}; a negative
    value leaves the field out.
    """
    t0 = fit_time(start_unix_s)
    msgs: list[tuple[int, Sequence[Field]] | tuple[int, Sequence[Field], Sequence[DevField]]] = [
        (FILE_ID, [(0, ENUM, 4), (1, UINT16, 1), (4, UINT32, t0)]),
        *extra,
    ]
    lat0 = int(46.05 / (180.0 / 2**31))
    for i in range(n_records):
        fields: list[Field] = [
            (253, UINT32, t0 + i * step_s),
            (0, SINT32, lat0 + i * 100),
            (1, SINT32, int(14.5 / (180.0 / 2**31))),
            (5, UINT32, round(i * step_s * speed_m_s * 100)),
            (3, UINT8, 100),
        ]
        msgs.append((RECORD, fields, record_dev) if record_dev else (RECORD, fields))
    end = t0 + (n_records - 1) * step_s
    elapsed_ms = (end - t0) * 1000
    dist_cm = round((n_records - 1) * step_s * speed_m_s * 100)
    lap = [
        (253, UINT32, end),
        (2, UINT32, t0),
        (7, UINT32, elapsed_ms),
        (8, UINT32, elapsed_ms),
        (9, UINT32, dist_cm),
    ]
    fields_s: dict[int, tuple[int, int]] = {
        253: (UINT32, end),
        2: (UINT32, t0),
        5: (ENUM, sport),
        7: (UINT32, elapsed_ms),
        8: (UINT32, elapsed_ms),
        9: (UINT32, dist_cm),
        11: (UINT16, 100),
    }
    fields_s.update(session or {})
    session_fields = [(num, base, value) for num, (base, value) in fields_s.items() if value >= 0]
    msgs.append((LAP, lap))
    msgs.append((SESSION, session_fields))
    msgs.append((ACTIVITY, [(253, UINT32, end), (1, UINT16, 1), (5, UINT32, end + 3600)]))
    return make_fit(msgs)
