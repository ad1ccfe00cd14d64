"""The account export as OpenAPI declares it (documentation: the route writes the document)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field


class ExportAccount(BaseModel):
    id: int
    email: str
    display_name: str
    role: str
    is_admin: bool
    created_at: datetime


class ExportGrant(BaseModel):
    athlete_id: int
    clinician_id: int
    can_write: bool
    created_at: datetime


class ExportUpload(BaseModel):
    created_at: datetime
    status: str
    results: Any = Field(description="The upload's outcome per file, as the job recorded it.")


class ExportOut(BaseModel):
    """Everything the account holds (``format: retrostride-account``, version 1)."""

    format: Literal["retrostride-account"]
    version: Literal[1]
    exported_at: datetime
    account: ExportAccount
    grants: list[ExportGrant]
    log: dict[str, Any] | None = Field(
        description="The training log as ``retrostride-log`` (what ``retrostride restore`` "
        "reads); null for a clinician account."
    )
    enrolments: list[dict[str, Any]]
    assessments: list[dict[str, Any]]
    uploads: list[ExportUpload]
