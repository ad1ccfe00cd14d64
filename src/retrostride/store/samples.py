"""Samples stored as one compressed columnar blob per session.

Why a blob and not a row per record: a one-hour 1 Hz session has 3,600 records of up to ten
channels, and a long file hundreds of thousands. One row per record costs one INSERT each (tens
of thousands a second at best, fewer over PostgreSQL's round trips) and several times the space
(the blob below is compressed about 4:1, rows are not); samples are always read and written
whole (a plot, an export, a gait analysis), never queried record by record. So each channel is
kept as little-endian float64 (lossless: NaN marks a missing value, as in
:class:`retrostride.log.model.Samples`; a float32 channel is widened, exactly), compressed
with zlib, and the channels are concatenated. Writing is then one INSERT, bounded by zlib's
speed (about 90 MB/s of float64 here).

Layout of codec ``f64le-zlib-v1``: for each channel in the order of ``SamplesRow.channels``, an
8-byte little-endian unsigned length of the compressed bytes, then the zlib stream of the
channel's ``n_points`` float64 values.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator

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
    n_points = len(samples)
    return n_points, ",".join(samples.channels()), list(iter_parts(samples))


def iter_parts(samples: Samples, lengths: list[int] | None = None) -> Iterator[bytes]:
    """The parts of :func:`encode_parts`, each channel compressed only when asked for.

    ``lengths`` (from :func:`compressed_lengths`): each channel's compressed bytes are given as
    zlib produces them, after their length, so that a store writing them as they come holds a
    few hundred kB at a time; zlib is deterministic, so this second pass makes the very bytes
    the first one counted.
    """
    n_points = len(samples)
    for i, (name, values) in enumerate(samples.channels().items()):
        array = np.asarray(values)
        if array.shape != (n_points,):
            raise ValueError(f"samples channel {name}: shape {array.shape}, expected ({n_points},)")
        if lengths is None:
            packed = b"".join(_compressed(array))
            yield _LENGTH.pack(len(packed))
            yield packed
        else:
            yield _LENGTH.pack(lengths[i])
            yield from _compressed(array)


def compressed_lengths(samples: Samples) -> list[int]:
    """Each channel's compressed length [bytes], holding one piece at a time."""
    return [
        sum(len(piece) for piece in _compressed(np.asarray(values)))
        for values in samples.channels().values()
    ]


def blob_size(lengths: list[int]) -> int:
    """The blob's size [bytes] for channels of these compressed lengths."""
    return sum(_LENGTH.size + n for n in lengths)


def raw_size(samples: Samples) -> int:
    """The samples' size as float64 values [bytes], before compression."""
    return 8 * len(samples) * len(samples.channels())


_CHUNK_VALUES = 1 << 16
"""Values compressed at a time (512 kB as float64): a float32 channel is widened a chunk at a
time, and no output buffer grows to a whole channel's compressed size."""


def _compressed(array: np.ndarray[tuple[int], np.dtype[np.generic]]) -> Iterator[bytes]:
    """The zlib stream of ``array`` as little-endian float64, in pieces."""
    packer = zlib.compressobj(_ZLIB_LEVEL)
    for a in range(0, array.shape[0], _CHUNK_VALUES):
        chunk = np.ascontiguousarray(array[a : a + _CHUNK_VALUES], dtype="<f8")
        piece = packer.compress(chunk.view(np.uint8).data)
        if piece:
            yield piece
    yield packer.flush()


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
