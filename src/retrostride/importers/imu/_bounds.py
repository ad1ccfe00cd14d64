"""Reading bounds of the IMU loaders: what a file may cost in memory before a byte is parsed.

Every loader checks its input here before reading it, so that no upload (a zip bomb, a MATLAB
file whose compressed variables unpack to gigabytes, a CSV of a billion rows, a time axis with
one gap of days) can make the server allocate more than a small multiple of a real recording:

- zip entries by their declared size, their compression ratio and the archive's total (as the
  activity importer does), then read with the declared size enforced while reading;
- MATLAB 5 files by walking their element tags: compressed variables are decompressed in bounded
  pieces and counted, never kept, before ``scipy.io.loadmat`` runs; numeric arrays by their declared
  shapes; the number of arrays (structs of millions of tiny fields) by a cap;
- CSV tables by a cap on data rows (``MAX_SAMPLES``), passed to the parser so that it stops there;
- sampling rates outside ``MIN_RATE_HZ``-``MAX_RATE_HZ``;
- time axes split into segments at gaps longer than ``MAX_GAP_S``, never interpolated across.

The limits are sized from real recordings: a day at 100 Hz is 8.64 million samples; Mobilise-D's
``data.mat`` of a 3-hour lab visit is 1.6 MB and unpacks to 2.6 MB.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from retrostride.errors import FileRefused

MIN_RATE_HZ = 10.0
"""Lowest sampling rate accepted [Hz]: gait events need at least 10 samples per second."""
MAX_RATE_HZ = 2000.0
"""Highest sampling rate accepted [Hz] (research IMUs sample at up to 1-2 kHz)."""
MAX_GAP_S = 5.0
"""A pause in the time axis longer than this [s] ends a segment; shorter ones are interpolated."""
MAX_SAMPLES = 10_000_000
"""Most samples (data rows) a whole-file loader reads: a day at 100 Hz is 8.64 million. Longer
recordings go through the chunked readers of :mod:`retrostride.importers.imu.streaming`."""
MAX_FILL_RATIO = 2.0
"""Most uniform samples per recorded sample inside one segment (dropouts filled by resampling)."""


@dataclass(frozen=True, slots=True)
class ZipLimits:
    """Limits checked on a zip export's directory before any entry is decompressed."""

    max_entry_bytes: int = 256 * 1024 * 1024
    """Largest uncompressed CSV entry [bytes] (10 hours of a 100 Hz phone sensor is ~250 MB)."""
    max_total_bytes: int = 512 * 1024 * 1024
    """Largest uncompressed total of the entries read [bytes]."""
    max_ratio: float = 50.0
    """Largest uncompressed/compressed ratio of an entry (sensor CSVs compress 3-8x)."""
    max_entries: int = 1000


ZIP_LIMITS = ZipLimits()


@dataclass(frozen=True, slots=True)
class MatLimits:
    """Limits checked on a MATLAB 5 file before ``scipy.io.loadmat`` reads it."""

    max_decoded_bytes: int = 256 * 1024 * 1024
    """Largest total of the variables once decompressed [bytes]."""
    max_arrays: int = 200_000
    """Most arrays (every struct field and cell is one), each a Python object once loaded."""
    max_ratio: float = 100.0
    """Largest decompressed/compressed ratio of a compressed variable."""


MAT_LIMITS = MatLimits()


def check_rate(path: Path, rate_hz: float, field: str) -> float:
    """The rate as a float, refused unless finite and within ``MIN_RATE_HZ``-``MAX_RATE_HZ``."""
    try:
        rate = float(rate_hz)
    except (TypeError, ValueError):
        raise FileRefused(path, f"{field} {rate_hz!r} is not a number") from None
    if not MIN_RATE_HZ <= rate <= MAX_RATE_HZ:  # NaN fails both comparisons
        hint = ""
        if 0 < rate < MIN_RATE_HZ:
            hint = " (are the times in milliseconds or nanoseconds instead of seconds?)"
        raise FileRefused(
            path,
            f"{field} {rate:g} Hz is outside the accepted {MIN_RATE_HZ:g}-{MAX_RATE_HZ:g} Hz{hint}",
        )
    return rate


def check_rows(path: Path, n_rows: int, limit: int | None = None) -> None:
    """Refuse a table past the row cap (parsers are asked for ``MAX_SAMPLES + 1`` rows)."""
    limit = MAX_SAMPLES if limit is None else limit
    if n_rows > limit:
        raise FileRefused(
            path,
            f"more than {limit} data rows (a day at 100 Hz is 8.64 million); split the "
            "recording or use the streaming reader",
        )


# --- zip exports -------------------------------------------------------------------------------


def zip_members(
    path: Path, suffix: str = ".csv", limits: ZipLimits = ZIP_LIMITS
) -> list[zipfile.ZipInfo]:
    """The entries ending in ``suffix`` of a zip export, checked from its directory."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRefused(path, f"not a readable zip archive ({exc})") from None
    if len(infos) > limits.max_entries:
        raise FileRefused(
            path, f"the zip holds {len(infos)} entries, more than {limits.max_entries}"
        )
    chosen = [i for i in infos if not i.is_dir() and i.filename.lower().endswith(suffix)]
    total = 0
    for info in chosen:
        if info.file_size > limits.max_entry_bytes:
            raise FileRefused(
                path,
                f"zip entry {info.filename!r} would unpack to {info.file_size / 1e6:.1f} MB, "
                f"over the limit of {limits.max_entry_bytes / 1e6:.0f} MB",
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1 << 20 and ratio > limits.max_ratio:
            raise FileRefused(
                path,
                f"zip entry {info.filename!r} compresses {ratio:.0f}:1, more than "
                f"{limits.max_ratio:.0f}:1 (a zip bomb)",
            )
        total += info.file_size
    if total > limits.max_total_bytes:
        raise FileRefused(
            path,
            f"the zip's entries unpack to {total / 1e6:.0f} MB, over the limit of "
            f"{limits.max_total_bytes / 1e6:.0f} MB",
        )
    return chosen


def read_member(path: Path, info: zipfile.ZipInfo, max_bytes: int | None = None) -> bytes:
    """An entry checked by :func:`zip_members`, read with its declared size enforced while
    reading (a lying header cannot overrun it). ``max_bytes`` reads only the entry's start."""
    limit = info.file_size if max_bytes is None else min(max_bytes, info.file_size)
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(path) as zf, zf.open(info) as handle:
            while out.tell() < limit:
                piece = handle.read(min(1 << 20, limit - out.tell()))
                if not piece:
                    break
                out.write(piece)
            if max_bytes is None and handle.read(1):
                raise FileRefused(
                    path, f"zip entry {info.filename!r} is larger than its header declares"
                )
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        raise FileRefused(path, f"zip entry {info.filename!r} cannot be read ({exc})") from None
    return out.getvalue()


# --- MATLAB 5 files ----------------------------------------------------------------------------

_MI_MATRIX = 14
_MI_COMPRESSED = 15
_MX_CLASS_BYTES = {6: 8, 7: 4, 8: 1, 9: 1, 10: 2, 11: 2, 12: 4, 13: 4, 14: 8, 15: 8, 4: 2}
"""Bytes per element of MATLAB's numeric and char array classes (mxDOUBLE_CLASS=6 ...)."""


class _MatWalk:
    """Counts a MAT 5 file's arrays and their declared element bytes, refusing past the limits."""

    def __init__(self, path: Path, limits: MatLimits, endian: str) -> None:
        self.path = path
        self.limits = limits
        self.endian = endian
        self.arrays = 0
        self.declared = 0

    def refuse(self, reason: str) -> FileRefused:
        return FileRefused(self.path, f"MAT-file: {reason}")

    def tag(self, buf: bytes, pos: int) -> tuple[int, int, int, int]:
        """(mdtype, nbytes, data start, next element) of the element at ``pos``."""
        if pos + 8 > len(buf):
            raise self.refuse("an element is cut short")
        first, second = struct.unpack_from(self.endian + "II", buf, pos)
        if first >> 16:  # small data element: 4 bytes of data packed into the tag
            return first & 0xFFFF, first >> 16, pos + 4, pos + 8
        end = pos + 8 + second
        return first, second, pos + 8, end + (-second % 8)

    def matrix(self, buf: bytes, start: int, end: int, depth: int) -> None:
        self.arrays += 1
        if self.arrays > self.limits.max_arrays:
            raise self.refuse(f"more than {self.limits.max_arrays} arrays (structs and cells)")
        if depth > 32:
            raise self.refuse("structs nested more than 32 deep")
        if end <= start:  # an empty matrix
            return
        _, _, flags_at, pos = self.tag(buf, start)  # array flags
        if flags_at + 4 > len(buf):
            raise self.refuse("an array header is cut short")
        mx_class = struct.unpack_from(self.endian + "I", buf, flags_at)[0] & 0xFF
        _, nbytes, dims_at, pos = self.tag(buf, pos)  # dimensions
        dims = struct.unpack_from(self.endian + f"{nbytes // 4}i", buf, dims_at)
        count = 1
        for d in dims:
            if d < 0:
                raise self.refuse(f"an array declares a negative dimension {dims}")
            count *= d
        self.declared += count * _MX_CLASS_BYTES.get(mx_class, 0)
        if self.declared > self.limits.max_decoded_bytes:
            raise self.refuse(
                f"arrays declare more than {self.limits.max_decoded_bytes / 1e6:g} MB of values"
            )
        while pos < end:
            mdtype, _, data_at, nxt = self.tag(buf, pos)
            if mdtype == _MI_MATRIX:
                self.matrix(buf, data_at, min(nxt, end), depth + 1)
            pos = nxt

    def element(self, buf: bytes) -> None:
        mdtype, _, data_at, nxt = self.tag(buf, 0)
        if mdtype == _MI_MATRIX:
            self.matrix(buf, data_at, min(nxt, len(buf)), 0)


def _inflate(walk: _MatWalk, compressed: bytes, budget: int) -> bytes:
    """Decompress one variable in bounded pieces, refusing it past ``budget`` bytes."""
    inflater = zlib.decompressobj()
    out = io.BytesIO()
    data = compressed
    try:
        while data:
            out.write(inflater.decompress(data, 1 << 20))
            if out.tell() > budget:
                raise walk.refuse(
                    f"compressed variables unpack to more than "
                    f"{walk.limits.max_decoded_bytes / 1e6:g} MB"
                )
            data = inflater.unconsumed_tail
        out.write(inflater.flush())
    except zlib.error as exc:
        raise walk.refuse(f"a compressed variable is damaged ({exc})") from None
    ratio = out.tell() / max(len(compressed), 1)
    if out.tell() > 1 << 20 and ratio > walk.limits.max_ratio:
        raise walk.refuse(
            f"a variable compresses {ratio:.0f}:1, more than {walk.limits.max_ratio:.0f}:1"
        )
    return out.getvalue()


def check_mat5(path: Path, limits: MatLimits = MAT_LIMITS) -> None:
    """Walk a MATLAB 5 file's variables (decompressing in bounded pieces, keeping one variable
    at a time) and refuse it when they exceed ``limits``; nothing is converted to arrays."""
    with path.open("rb") as handle:
        header = handle.read(128)
        if len(header) < 128:
            raise FileRefused(path, "MAT-file: the 128-byte header is cut short")
        endian = "<" if header[126:128] == b"IM" else ">"
        walk = _MatWalk(path, limits, endian)
        decoded = 0
        while True:
            tag = handle.read(8)
            if len(tag) < 8:
                break
            mdtype, nbytes = struct.unpack(endian + "II", tag)
            if nbytes > limits.max_decoded_bytes:
                raise walk.refuse(f"a variable declares {nbytes} bytes")
            body = handle.read(nbytes)
            if len(body) < nbytes:
                raise walk.refuse("a variable is cut short")
            if mdtype == _MI_COMPRESSED:
                body = _inflate(walk, body, limits.max_decoded_bytes - decoded)
            else:
                body = tag + body
                handle.seek(-nbytes % 8, io.SEEK_CUR)
            decoded += len(body)
            if decoded > limits.max_decoded_bytes:
                raise walk.refuse(
                    f"variables unpack to more than {limits.max_decoded_bytes / 1e6:g} MB"
                )
            walk.element(body)
