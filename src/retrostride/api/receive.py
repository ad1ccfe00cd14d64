"""Receiving a multipart upload: streamed to disk under server-chosen names, limits enforced.

HTTP plumbing shared by the API's upload routes and the web pages' upload forms.

Each file part goes to ``part-NNN`` in a fresh private folder while it arrives: the name the
client sent is kept only as a label (its last path component, control characters removed) and
never touches the file system. A part over the size limit stops the upload at once (413);
nothing is read whole into memory. The first bytes of each file are checked by content (the
importers' sniffer): a file that is no activity file is marked refused before any import.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect, Request

from retrostride.api.errors import ApiError, PayloadTooLarge
from retrostride.errors import FileRefused
from retrostride.importers.activity.sniff import sniff_format

SNIFF_BYTES = 4096
MAX_FIELD_BYTES = 64 * 1024
"""Total size of the non-file form fields (the API takes options as query parameters; a page's
plain form sends them, and its CSRF token, as fields)."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class BadUpload(ApiError):
    status_code = 422
    code = "bad_upload"


@dataclass(slots=True)
class ReceivedFile:
    """One received file: the client's label, the server's path, size, early refusal."""

    label: str
    path: Path
    size_bytes: int = 0
    refused: str | None = None


def client_label(raw: bytes | None, index: int) -> str:
    """A display label from the client's file name: last component, printable, <= 200 chars."""
    text = (raw or b"").decode("utf-8", "replace")
    text = _CONTROL.sub("", text.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    return text[:200] or f"file-{index + 1}"


class _Receiver:
    def __init__(
        self, folder: Path, max_file_bytes: int, max_files: int, sniff: bool = True
    ) -> None:
        self.folder = folder
        self.sniff = sniff
        self.max_file_bytes = max_file_bytes
        self.max_files = max_files
        self.files: list[ReceivedFile] = []
        self.field_bytes = 0
        self._headers: dict[bytes, bytes] = {}
        self._name: list[bytes] = []
        self._value: list[bytes] = []
        self._current: ReceivedFile | None = None
        self._handle: IO[bytes] | None = None
        self._head = b""
        self.complete = False
        self.fields: dict[str, str] = {}
        self._field: str | None = None
        self._field_value: list[bytes] = []

    def callbacks(self) -> Any:  # python-multipart's MultipartCallbacks (a TypedDict)
        return {
            "on_part_begin": self.part_begin,
            "on_part_data": self.part_data,
            "on_part_end": self.part_end,
            "on_header_field": lambda d, s, e: self._name.append(d[s:e]),
            "on_header_value": lambda d, s, e: self._value.append(d[s:e]),
            "on_header_end": self.header_end,
            "on_headers_finished": self.headers_finished,
            "on_end": self.end,
        }

    def end(self) -> None:
        self.complete = True

    def part_begin(self) -> None:
        self._headers = {}

    def header_end(self) -> None:
        self._headers[b"".join(self._name).lower()] = b"".join(self._value).strip()
        self._name.clear()
        self._value.clear()

    def headers_finished(self) -> None:
        _disposition, options = parse_options_header(self._headers.get(b"content-disposition"))
        if b"filename" not in options:
            self._current = None
            self._field = options.get(b"name", b"").decode("utf-8", "replace")
            self._field_value = []
            return
        if len(self.files) >= self.max_files:
            raise PayloadTooLarge(f"too many files: at most {self.max_files} in one upload")
        index = len(self.files)
        path = self.folder / f"part-{index + 1:03d}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._handle = os.fdopen(fd, "wb")
        self._current = ReceivedFile(client_label(options.get(b"filename"), index), path)
        self._head = b""
        self.files.append(self._current)

    def part_data(self, data: bytes, start: int, end: int) -> None:
        current = self._current
        if current is None:
            self.field_bytes += end - start
            if self.field_bytes > MAX_FIELD_BYTES:
                raise PayloadTooLarge(f"form fields over {MAX_FIELD_BYTES} bytes")
            self._field_value.append(data[start:end])
            return
        current.size_bytes += end - start
        if current.size_bytes > self.max_file_bytes:
            raise PayloadTooLarge(
                f"{current.label}: over the size limit of {self.max_file_bytes / 1e6:.1f} MB "
                "per file"
            )
        if len(self._head) < SNIFF_BYTES:
            self._head += data[start : min(end, start + SNIFF_BYTES - len(self._head))]
        assert self._handle is not None
        self._handle.write(data[start:end])

    def part_end(self) -> None:
        if self._current is None:
            if self._field:
                self.fields[self._field] = b"".join(self._field_value).decode("utf-8", "replace")
            self._field = None
            return
        assert self._handle is not None
        self._handle.close()
        self._handle = None
        if not self.sniff:
            self._current = None
            return
        try:
            sniff_format(Path(self._current.label), self._head)
        except FileRefused as exc:
            self._current.refused = exc.reason
        self._current = None

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


async def receive_files(
    request: Request,
    folder: Path,
    *,
    max_file_bytes: int,
    max_files: int,
    sniff: bool = True,
    fields: dict[str, str] | None = None,
) -> list[ReceivedFile]:
    """Stream the request's multipart body into ``folder``; the files received, in order.

    ``sniff``: check each file's first bytes as an activity file (FIT, GPX, TCX, CSV, zip).
    ``fields``: filled with the form's other fields (name -> text; at most ``MAX_FIELD_BYTES``
    in all).
    """
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise BadUpload("send the files as multipart/form-data (field name: files)")
    declared = request.headers.get("content-length")
    limit = max_files * (max_file_bytes + 64 * 1024) + MAX_FIELD_BYTES
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"upload of {int(declared) / 1e6:.1f} MB is over the limit")
    receiver = _Receiver(folder, max_file_bytes, max_files, sniff)
    parser = MultipartParser(boundary, receiver.callbacks())
    try:
        async for chunk in request.stream():
            if chunk:
                parser.write(chunk)
        parser.finalize()
    except ApiError:
        raise
    except ClientDisconnect:
        raise BadUpload("the client went away during the upload") from None
    except Exception as exc:  # python-multipart's parse errors
        raise BadUpload(f"malformed multipart body ({exc.__class__.__name__})") from None
    finally:
        receiver.close()
    if fields is not None:
        fields.update(receiver.fields)
    if not receiver.complete:
        raise BadUpload("the multipart body ended before its closing boundary (cut short?)")
    if not receiver.files:
        raise BadUpload("no file in the upload (send one or more parts named 'files')")
    return receiver.files
