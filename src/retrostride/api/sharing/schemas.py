"""Request and response bodies of the sharing domain."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from retrostride.api.body import Body


class InviteIn(Body):
    can_write: bool = Field(
        default=False, description="Let the clinician change data too (default: read-only)."
    )


class InviteOut(BaseModel):
    id: int
    can_write: bool
    created_at: datetime
    expires_at: datetime


class InviteCreated(InviteOut):
    code: str = Field(description="Shown once; give it to the clinician (or the link).")
    link: str


class RedeemIn(Body):
    code: str = Field(min_length=1, max_length=100, examples=["ABCDE-FGHJK-LMNPQ-RSTUV"])


class GrantOut(BaseModel):
    id: int
    athlete_id: int
    athlete_name: str
    clinician_id: int
    clinician_name: str
    can_write: bool
    created_at: datetime


class GrantPatch(Body):
    can_write: bool
