"""Which format a file holds, from its first bytes (never from its name)."""

from __future__ import annotations

import re
from pathlib import Path

from retrostride.errors import FileRefused

FIT, GPX, TCX, CSV, GZIP, ZIP = "fit", "gpx", "tcx", "csv", "gzip", "zip"

_APPLEDOUBLE_MAGIC = b"\x00\x05\x16\x07"
_XML_ROOT = re.compile(rb"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")
_CSV_TIME_COLUMNS = (b"time", b"elapsed_s", b"segment")


def _strip_xml_prolog(head: bytes) -> bytes:
    """Skip the XML declaration, comments, DOCTYPE and whitespace before the root element."""
    pos = 0
    while True:
        while pos < len(head) and head[pos : pos + 1].isspace():
            pos += 1
        if head.startswith(b"<?", pos):
            closer = b"?>"
        elif head.startswith(b"<!--", pos):
            closer = b"-->"
        elif head.startswith(b"<!", pos):
            closer = b">"
        else:
            return head[pos:]
        end = head.find(closer, pos)
        if end < 0:
            return b""
        pos = end + len(closer)


def sniff_format(path: Path, head: bytes) -> str:
    """One of fit, gpx, tcx, csv, gzip, zip; raises FileRefused for anything else.

    ``head`` is the file's first few kilobytes.
    """
    if not head:
        raise FileRefused(path, "file is empty (0 bytes): no activity in it")
    if head.startswith(_APPLEDOUBLE_MAGIC):
        raise FileRefused(
            path,
            "not an activity file: a macOS AppleDouble resource fork (metadata left by a zip "
            "made on a Mac), whatever its name says",
        )
    if len(head) >= 12 and head[0] in (12, 14) and head[8:12] == b".FIT":
        return FIT
    if head.startswith(b"\x1f\x8b"):
        return GZIP
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return ZIP
    text = head
    if text.startswith(b"\xef\xbb\xbf"):
        text = text[3:]
    elif text.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = head.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            text = b""
    stripped = text.lstrip()
    if stripped.startswith(b"<"):
        body = _strip_xml_prolog(stripped)
        match = _XML_ROOT.match(body)
        root = match.group(2).decode("ascii", "replace") if match else "?"
        if root == "gpx":
            return GPX
        if root == "TrainingCenterDatabase":
            return TCX
        raise FileRefused(
            path, f"XML file whose root element is <{root}>, not <gpx> or <TrainingCenterDatabase>"
        )
    first_line = stripped.split(b"\n", 1)[0].strip().lower()
    if b"," in first_line and any(
        col.strip().strip(b'"') in _CSV_TIME_COLUMNS for col in first_line.split(b",")
    ):
        return CSV
    if head[:1] in (b"\x0c", b"\x0e") or head[8:12] == b".FIT":
        raise FileRefused(path, "not a FIT file: its header is damaged")
    preview = head[:16]
    raise FileRefused(
        path,
        f"not a FIT, GPX, TCX, CSV, gzip or zip file (it starts with {preview!r})",
    )
