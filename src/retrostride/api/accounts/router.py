"""Routes of the accounts domain: ``/api/auth/...``, ``/api/account/...``, ``/api/admin/...``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from retrostride.api.accounts.dependencies import (
    AdminAccount,
    AppSettings,
    ClientAddress,
    CurrentAccount,
    Rules,
    limit_logins,
    limit_registrations,
    limit_resets,
)
from retrostride.api.accounts.schemas import (
    AccessLogOut,
    AccessOut,
    AccountDeleteIn,
    AccountOut,
    AccountPatch,
    ApiTokenCreated,
    ApiTokenIn,
    ApiTokenOut,
    LoginIn,
    LoginOut,
    MessageOut,
    PasswordChangeIn,
    PasswordResetConfirmIn,
    PasswordResetIn,
    RegisterIn,
    SignupCodeIn,
    SignupCodeOut,
)
from retrostride.api.database import AppDatabase
from retrostride.api.errors import NotFound
from retrostride.api.params import ObjectId
from retrostride.api.principal import CSRF_COOKIE, SESSION_COOKIE, CurrentPrincipal
from retrostride.api.responses import errors
from retrostride.services import access_log as access_log_service
from retrostride.services import accounts as service
from retrostride.services.accounts import Account, ApiToken

router = APIRouter(tags=["accounts"], responses=errors(400, 401, 403, 422))

RESET_ANSWER = (
    "If an account has this address, a message with a reset link has been sent to it."
)


def account_out(account: Account) -> AccountOut:
    return AccountOut(
        id=account.id,
        email=account.email,
        display_name=account.display_name,
        role=account.role,  # type: ignore[arg-type]
        is_admin=account.is_admin,
        keeps_training_data=account.keeps_training_data,
        created_at=account.created_at,
    )


def token_out(token: ApiToken) -> ApiTokenOut:
    return ApiTokenOut(
        id=token.id,
        name=token.name,
        prefix=token.prefix,
        scope=token.scope,  # type: ignore[arg-type]
        created_at=token.created_at,
        expires_at=token.expires_at,
    )


@router.post(
    "/api/auth/register",
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(limit_registrations)],
    responses=errors(429),
)
def register(body: RegisterIn, database: AppDatabase, rules: Rules) -> AccountOut:
    """Create an account (no login yet). Invite-only instances need ``signup_code``.

    At most ``register_rate_per_hour`` registrations per client address.
    """
    account = service.register(
        database,
        rules,
        email=body.email,
        password=body.password,
        role=body.role,
        display_name=body.display_name,
        signup_code=body.signup_code,
    )
    return account_out(account)


@router.post("/api/auth/login", dependencies=[Depends(limit_logins)], responses=errors(429))
def login(
    body: LoginIn,
    response: Response,
    database: AppDatabase,
    rules: Rules,
    s: AppSettings,
    client: ClientAddress,
) -> LoginOut:
    """Log in: sets the HttpOnly session cookie and returns the CSRF token.

    Failed logins are counted per (address, client address) pair (locked after
    ``login_max_failures``, each lockout twice as long as the last) and all attempts per client
    address (``login_rate_per_minute``).
    """
    new = service.log_in(database, rules, body.email, body.password, client, body.code)
    for name, value, http_only in (
        (SESSION_COOKIE, new.token, True),
        (CSRF_COOKIE, new.csrf_token, False),
    ):
        response.set_cookie(
            name,
            value,
            max_age=rules.session_ttl_s,
            path="/",
            secure=s.secure_cookies,
            httponly=http_only,
            samesite="lax",
        )
    return LoginOut(account=account_out(new.account), csrf_token=new.csrf_token)


@router.post("/api/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(
    request: Request, response: Response, principal: CurrentPrincipal, database: AppDatabase
) -> None:
    """End this browser login (a bearer token is revoked under ``/api/account/tokens``)."""
    token = request.cookies.get(SESSION_COOKIE)
    if principal.via == "cookie" and token:
        service.end_login(database, token)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")


@router.post(
    "/api/auth/password-reset",
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[Depends(limit_resets)],
    responses=errors(429),
)
def password_reset(body: PasswordResetIn, database: AppDatabase, rules: Rules) -> MessageOut:
    """Ask for a reset link. The answer is the same whether or not the address has an account."""
    service.request_password_reset(database, rules, body.email)
    return MessageOut(detail=RESET_ANSWER)


@router.post(
    "/api/auth/password-reset/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[Depends(limit_logins)],
    responses=errors(429),
)
def password_reset_confirm(
    body: PasswordResetConfirmIn, database: AppDatabase, rules: Rules
) -> None:
    """Choose a new password with the mailed token; every login and API token of the account
    ends."""
    service.reset_password(database, rules, body.token, body.new_password)


@router.get("/api/account")
def get_account(account: CurrentAccount) -> AccountOut:
    """The calling account."""
    return account_out(account)


@router.patch("/api/account")
def patch_account(
    body: AccountPatch, principal: CurrentPrincipal, database: AppDatabase
) -> AccountOut:
    """Change the display name."""
    if body.display_name is None:
        return account_out(service.get_account(database, principal.account_id))
    return account_out(service.set_display_name(database, principal.account_id, body.display_name))


@router.post("/api/account/password", status_code=status.HTTP_204_NO_CONTENT)
def change_password(
    body: PasswordChangeIn, principal: CurrentPrincipal, database: AppDatabase, rules: Rules
) -> None:
    """Change the password. Every other browser login and every API token of the account end
    (this browser login stays)."""
    service.change_password(
        database,
        rules,
        principal.account_id,
        body.current_password,
        body.new_password,
        keep_login_id=principal.login_id,
    )


@router.post("/api/account/delete", status_code=status.HTTP_204_NO_CONTENT)
def delete_account(
    body: AccountDeleteIn,
    response: Response,
    principal: CurrentPrincipal,
    database: AppDatabase,
    rules: Rules,
) -> None:
    """Delete the account and ALL its data (log, programs, assessments, grants), at once.

    Export first (``GET /api/account/export``) to keep a copy.
    """
    service.verify_password(database, rules, principal.account_id, body.password)
    service.delete_account(database, principal.account_id)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")


@router.get("/api/account/tokens")
def list_tokens(principal: CurrentPrincipal, database: AppDatabase) -> list[ApiTokenOut]:
    """The account's API tokens (their prefixes, never the tokens)."""
    return [token_out(t) for t in service.list_api_tokens(database, principal.account_id)]


@router.post(
    "/api/account/tokens",
    status_code=status.HTTP_201_CREATED,
)
def create_token(
    body: ApiTokenIn, principal: CurrentPrincipal, database: AppDatabase
) -> ApiTokenCreated:
    """A new API token for scripts, of scope ``read`` or ``read-write``; the token is shown in
    this answer only. Needs a browser login: an API token cannot make tokens."""
    token, secret = service.create_api_token(
        database,
        principal.account_id,
        body.name,
        body.expires_in_days,
        scope=body.scope,
        via=principal.via,
    )
    return ApiTokenCreated(**token_out(token).model_dump(), token=secret)


@router.delete(
    "/api/account/tokens/{token_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=errors(404),
)
def revoke_token(token_id: ObjectId, principal: CurrentPrincipal, database: AppDatabase) -> None:
    """Revoke one of the account's API tokens, at once (from a browser login)."""
    if not service.revoke_api_token(database, principal.account_id, token_id, via=principal.via):
        raise NotFound(f"no API token {token_id}")


@router.post("/api/admin/signup-codes", status_code=status.HTTP_201_CREATED)
def create_signup_code(
    body: SignupCodeIn, _admin: AdminAccount, database: AppDatabase, rules: Rules
) -> SignupCodeOut:
    """A one-use registration code for an invite-only instance (administrators only)."""
    code = service.create_signup_code(database, rules, body.role)
    return SignupCodeOut(code=code, role=body.role)


@router.get("/api/account/access-log")
def access_log(
    principal: CurrentPrincipal,
    database: AppDatabase,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> AccessLogOut:
    """Which clinician reached the calling athlete's data, what and when (newest first)."""
    shown = access_log_service.page(database, principal.account_id, limit=limit, offset=offset)
    return AccessLogOut(
        items=[AccessOut(clinician_email=e.clinician_email, method=e.method, what=e.what, at=e.at)
               for e in shown.entries],
        total=shown.total,
        limit=shown.limit,
        offset=shown.offset,
    )
