"""Request and response bodies of the accounts domain."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from retrostride.api.body import Body
from retrostride.services.accounts import EMAIL_PATTERN, PASSWORD_MIN_CHARS

# Documented only: the accounts service checks both (one rule, and a refused password is never
# echoed back, as FastAPI's request validation would).
Email = Field(
    max_length=320, examples=["ada@example.org"], json_schema_extra={"pattern": EMAIL_PATTERN}
)
NewPassword = Field(
    max_length=1024,
    description="10 to 1024 characters",
    json_schema_extra={"minLength": PASSWORD_MIN_CHARS},
)

Role = Literal["athlete", "clinician"]


class RegisterIn(Body):
    email: str = Email
    password: str = NewPassword
    role: Role = "athlete"
    display_name: str = Field(default="", max_length=200)
    signup_code: str | None = Field(
        default=None, max_length=200, description="Needed when registration is invite-only."
    )


class LoginIn(Body):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1024)
    code: str | None = Field(
        default=None,
        max_length=64,
        description="For an account with two-factor login: the code its authenticator app "
        "shows now, or one of its recovery codes (without it: 401 `second_factor_needed`).",
    )


class AccountOut(BaseModel):
    id: int
    email: str
    display_name: str
    role: Role
    is_admin: bool
    keeps_training_data: bool
    created_at: datetime


class LoginOut(BaseModel):
    account: AccountOut
    csrf_token: str = Field(
        description="Send it as the X-CSRF-Token header with every cookie-authenticated "
        "POST, PUT, PATCH or DELETE (it is also in the retrostride_csrf cookie)."
    )


class AccountPatch(Body):
    display_name: str | None = Field(default=None, max_length=200)


class PasswordChangeIn(Body):
    current_password: str = Field(max_length=1024)
    new_password: str = NewPassword


class PasswordResetIn(Body):
    email: str = Field(max_length=320)


class PasswordResetConfirmIn(Body):
    token: str = Field(max_length=200)
    new_password: str = NewPassword


class AccountDeleteIn(Body):
    password: str = Field(max_length=1024, description="The account's password, to confirm.")


class MessageOut(BaseModel):
    detail: str


class ApiTokenIn(Body):
    name: str = Field(min_length=1, max_length=100, examples=["my export script"])
    expires_in_days: int | None = Field(default=None, ge=1, le=3650)
    scope: Literal["read", "read-write"] = Field(
        description="`read`: GET only (and the energy calculation); `read-write`: any call the "
        "account may make. Chosen now, never widened later.",
        examples=["read"],
    )


class ApiTokenOut(BaseModel):
    id: int
    name: str
    prefix: str
    created_at: datetime
    scope: Literal["read", "read-write"]
    expires_at: datetime | None


class ApiTokenCreated(ApiTokenOut):
    token: str = Field(description="Shown once: send it as 'Authorization: Bearer <token>'.")


class SignupCodeIn(Body):
    role: Role | None = None


class SignupCodeOut(BaseModel):
    code: str
    role: Role | None


class AccessOut(BaseModel):
    clinician_email: str
    method: str
    what: str = Field(description="The path of the page or API call.")
    at: datetime


class AccessLogOut(BaseModel):
    """Which clinician reached the athlete's data, newest first."""

    items: list[AccessOut]
    total: int
    limit: int
    offset: int
