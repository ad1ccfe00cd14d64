"""Samples stored as one compressed columnar blob per session.

Why a blob and not a row per record: a one-hour 1 Hz session has 3,600 records of up to ten
channels, and a long file hundreds of thousands. One row per record costs one INSERT each (tens
of thousands a second at best, fewer over PostgreSQL's round trips) and several times the space
(the blob below is compressed about 4:1, rows are not); samples are always read and written
whole (a plot, an export, a gait analysis), never queried record by record. So each channel is
kept as little-endian float64 (lossless: NaN marks a missing value, as in
:class:`retrostride.log.model.Samples`), compressed with zlib, and the channels are
concatenated. Writing is then one INSERT, bounded by zlib's speed (about 90 MB/s of float64
here).

Layout of codec ``f64le-zlib-v1``: for each channel in the order of ``SamplesRow.channels``, an
8-byte little-endian unsigned length of the compressed bytes, then the zlib stream of the
channel's ``n_points`` float64 values.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

from retrostride.log.model import FloatArray, Samples

CODEC = "f64le-zlib-v1"
_LENGTH = struct.Struct("<Q")
_ZLIB_LEVEL = 1
"""Fastest zlib level. On a real watch file (jk-garmin-stamina.fit, 8 channels) it packs 4.3:1 at
about 90 MB/s, against level 6's 4.8:1 at 13 MB/s: a little larger, seven times faster."""


def encode_samples(samples: Samples) -> tuple[int, str, bytes]:
    """``(n_points, channel names, blob)`` of ``samples``; every channel must match ``time_s``."""
    n_points, names, parts = encode_parts(samples)
    return n_points, names, b"".join(parts)


def encode_parts(samples: Samples) -> tuple[int, str, list[bytes]]:
    """As :func:`encode_samples`, the blob in its parts (the blob is their concatenation): a
    store can write them one after the other without a joined copy."""
    channels = samples.channels()
    n_points = len(samples)
    parts: list[bytes] = []
    for name, values in channels.items():
        array = np.asarray(values, dtype="<f8")
        if array.shape != (n_points,):
            raise ValueError(f"samples channel {name}: shape {array.shape}, expected ({n_points},)")
        packed = zlib.compress(np.ascontiguousarray(array).view(np.uint8).data, _ZLIB_LEVEL)
        parts.append(_LENGTH.pack(len(packed)))
        parts.append(packed)
    return n_points, ",".join(channels), parts


def decode_samples(n_points: int, channel_names: str, codec: str, blob: bytes) -> Samples:
    """The inverse of :func:`encode_samples`."""
    if codec != CODEC:
        raise ValueError(f"samples codec {codec!r} is unknown; expected {CODEC!r}")
    view = memoryview(blob)
    offset = 0
    arrays: dict[str, FloatArray] = {}
    for name in channel_names.split(","):
        (length,) = _LENGTH.unpack_from(view, offset)
        offset += _LENGTH.size
        raw = zlib.decompress(view[offset : offset + length])
        offset += length
        array = np.frombuffer(raw, dtype="<f8").astype(np.float64, copy=True)
        if array.shape != (n_points,):
            raise ValueError(
                f"samples channel {name}: {array.shape[0]} values, expected {n_points}"
            )
        arrays[name] = array
    time_s = arrays.pop("time_s")
    return Samples(time_s=time_s, **arrays)
