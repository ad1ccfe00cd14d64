"""Response bodies of the uploads domain."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel


class FileOutcome(BaseModel):
    """What the log did with one file (``name`` is the client's file name, as a label)."""

    name: str
    outcome: Literal["imported", "salvaged", "probable_duplicate", "duplicate", "refused"]
    message: str
    session_ids: list[int]
    warnings: list[str]
    salvageable: bool
    remedy: Literal["salvage", "allow_duplicate", "raise_size_limit"] | None = None
    """What could import it (``hint`` says how, with this API's parameters)."""
    hint: str | None = None


class UploadOptionsOut(BaseModel):
    salvage: bool
    allow_duplicate: bool
    direction: str | None


class UploadJob(BaseModel):
    """An upload's import: ``files_done`` of ``files_total`` so far, each file's outcome."""

    id: int
    status: Literal["queued", "importing", "done", "failed"]
    files_total: int
    files_done: int
    bytes_received: int
    options: UploadOptionsOut
    results: list[FileOutcome]
    failed: int
    created_at: datetime
    finished_at: datetime | None
