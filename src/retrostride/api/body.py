"""The base of every JSON request body: unknown fields refused, no NUL characters in text.

PostgreSQL cannot store NUL (0x00) in text; refusing it here gives the same 422 on every backend.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

NO_NUL = "^[^\\x00]*$"
"""The pattern every text field of a request body documents (what ``Body`` checks)."""


def _document_no_nul(schema: dict[str, Any]) -> None:
    """Add ``NO_NUL`` to each text property (and to dictionary keys) of a body's schema."""
    for prop in schema.get("properties", {}).values():
        for variant in [prop, *prop.get("anyOf", [])]:
            if variant.get("type") == "string" and "pattern" not in variant:
                variant["pattern"] = NO_NUL
            if variant.get("type") == "object":
                variant.setdefault("propertyNames", {"pattern": NO_NUL})


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class Body(BaseModel):
    """A request body."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_document_no_nul)

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        if _has_nul(data):
            raise ValueError("text must not contain NUL (\\x00) characters")
        return data
