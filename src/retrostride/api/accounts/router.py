"""Routes of the accounts domain: ``/api/auth/...``, ``/api/account/...``, ``/api/admin/...``."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response, status

from retrostride.api.accounts.dependencies import (
    AdminAccount,
    AppSettings,
    CurrentAccount,
    Rules,
    limit_logins,
)
from retrostride.api.accounts.schemas import (
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
from retrostride.api.database import Db
from retrostride.api.errors import NotFound
from retrostride.api.params import ObjectId
from retrostride.api.principal import CSRF_COOKIE, SESSION_COOKIE, CurrentPrincipal
from retrostride.services import accounts as service
from retrostride.store.accounts import AccountRow, ApiTokenRow

router = APIRouter(tags=["accounts"])

RESET_ANSWER = (
    "If an account has this address, a message with a reset link has been sent to it."
)


def account_out(row: AccountRow) -> AccountOut:
    return AccountOut(
        id=row.id,
        email=row.email,
        display_name=row.display_name,
        role=row.role,  # type: ignore[arg-type]
        is_admin=row.is_admin,
        keeps_training_data=row.person_id is not None,
        created_at=row.created_at,
    )


def token_out(row: ApiTokenRow) -> ApiTokenOut:
    return ApiTokenOut(
        id=row.id,
        name=row.name,
        prefix=row.prefix,
        created_at=row.created_at,
        expires_at=row.expires_at,
    )


@router.post("/api/auth/register", status_code=status.HTTP_201_CREATED)
def register(body: RegisterIn, db: Db, rules: Rules) -> AccountOut:
    """Create an account (no login yet). Invite-only instances need ``signup_code``."""
    row = service.register(
        db,
        rules,
        email=body.email,
        password=body.password,
        role=body.role,
        display_name=body.display_name,
        signup_code=body.signup_code,
    )
    db.commit()
    return account_out(row)


@router.post("/api/auth/login", dependencies=[Depends(limit_logins)])
def login(body: LoginIn, response: Response, db: Db, rules: Rules, s: AppSettings) -> LoginOut:
    """Log in: sets the HttpOnly session cookie and returns the CSRF token.

    Failed logins are counted per address (locked after ``login_max_failures``) and per client
    address (``login_rate_per_minute``).
    """
    try:
        account = service.authenticate(db, rules, body.email, body.password)
    except service.AccountError:
        db.commit()  # keep the failure count
        raise
    token, csrf = service.create_login(db, rules, account)
    db.commit()
    for name, value, http_only in ((SESSION_COOKIE, token, True), (CSRF_COOKIE, csrf, False)):
        response.set_cookie(
            name,
            value,
            max_age=rules.session_ttl_s,
            path="/",
            secure=s.secure_cookies,
            httponly=http_only,
            samesite="lax",
        )
    return LoginOut(account=account_out(account), csrf_token=csrf)


@router.post("/api/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(request: Request, response: Response, principal: CurrentPrincipal, db: Db) -> None:
    """End this browser login (a bearer token is revoked under ``/api/account/tokens``)."""
    token = request.cookies.get(SESSION_COOKIE)
    if principal.via == "cookie" and token:
        service.end_login(db, token)
        db.commit()
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")


@router.post(
    "/api/auth/password-reset",
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[Depends(limit_logins)],
)
def password_reset(body: PasswordResetIn, db: Db, rules: Rules) -> MessageOut:
    """Ask for a reset link. The answer is the same whether or not the address has an account."""
    service.request_password_reset(db, rules, body.email)
    db.commit()
    return MessageOut(detail=RESET_ANSWER)


@router.post(
    "/api/auth/password-reset/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[Depends(limit_logins)],
)
def password_reset_confirm(body: PasswordResetConfirmIn, db: Db, rules: Rules) -> None:
    """Choose a new password with the mailed token; every browser login of the account ends."""
    service.reset_password(db, rules, body.token, body.new_password)
    db.commit()


@router.get("/api/account")
def get_account(account: CurrentAccount) -> AccountOut:
    """The calling account."""
    return account_out(account)


@router.patch("/api/account")
def patch_account(body: AccountPatch, account: CurrentAccount, db: Db) -> AccountOut:
    """Change the display name."""
    if body.display_name is not None:
        account.display_name = body.display_name.strip()
    db.commit()
    return account_out(account)


@router.post("/api/account/password", status_code=status.HTTP_204_NO_CONTENT)
def change_password(body: PasswordChangeIn, account: CurrentAccount, db: Db, rules: Rules) -> None:
    """Change the password (ends every browser login, this one included)."""
    service.change_password(db, rules, account, body.current_password, body.new_password)
    db.commit()


@router.post("/api/account/delete", status_code=status.HTTP_204_NO_CONTENT)
def delete_account(
    body: AccountDeleteIn, response: Response, account: CurrentAccount, db: Db, rules: Rules
) -> None:
    """Delete the account and ALL its data (log, programs, assessments, grants), at once.

    Export first (``GET /api/account/export``) to keep a copy.
    """
    service.verify_password(rules, account, body.password)
    service.delete_account(db, account)
    db.commit()
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")


@router.get("/api/account/tokens")
def list_tokens(principal: CurrentPrincipal, db: Db) -> list[ApiTokenOut]:
    """The account's API tokens (their prefixes, never the tokens)."""
    return [token_out(r) for r in service.list_api_tokens(db, principal.account_id)]


@router.post("/api/account/tokens", status_code=status.HTTP_201_CREATED)
def create_token(body: ApiTokenIn, principal: CurrentPrincipal, db: Db) -> ApiTokenCreated:
    """A new API token for scripts; the token is shown in this answer only."""
    row, token = service.create_api_token(
        db, principal.account_id, body.name, body.expires_in_days
    )
    db.commit()
    return ApiTokenCreated(**token_out(row).model_dump(), token=token)


@router.delete("/api/account/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_token(token_id: ObjectId, principal: CurrentPrincipal, db: Db) -> None:
    """Revoke one of the account's API tokens, at once."""
    if not service.revoke_api_token(db, principal.account_id, token_id):
        raise NotFound(f"no API token {token_id}")
    db.commit()


@router.post("/api/admin/signup-codes", status_code=status.HTTP_201_CREATED)
def create_signup_code(
    body: SignupCodeIn, _admin: AdminAccount, db: Db, rules: Rules
) -> SignupCodeOut:
    """A one-use registration code for an invite-only instance (administrators only)."""
    code = service.create_signup_code(db, rules, body.role)
    db.commit()
    return SignupCodeOut(code=code, role=body.role)

