"""Shared parameter types: database ids fit a 32-bit integer column (PostgreSQL ``integer``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

MAX_ID = 2_147_483_647

ObjectId = Annotated[int, Path(ge=1, le=MAX_ID, description="A database id.")]
