"""Shared parameter types: database ids fit a 32-bit integer column (PostgreSQL ``integer``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, cast

from fastapi import Path
from pydantic import JsonValue

MAX_ID = 2_147_483_647

ObjectId = Annotated[int, Path(ge=1, le=MAX_ID, description="A database id.")]


def one_of(values: Iterable[str]) -> dict[str, JsonValue]:
    """``json_schema_extra`` documenting the only values a text field takes (the service checks
    them: its refusal names the field and lists them)."""
    return {"enum": cast(list[JsonValue], list(values))}
