"""Two-factor login (the login's code step, turning it on and off) and the athlete's access log.

The accounts and two-factor services decide; these pages ask. The QR code of the app's setup
link is drawn here as inline SVG (segno); the secret is shown as text beside it.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Annotated
from urllib.parse import quote

import segno
from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from retrostride.api.database import AppDatabase
from retrostride.api.principal import AppSettings, Principal, Rules, client_address
from retrostride.errors import InputError
from retrostride.services import access_log, accounts, two_factor
from retrostride.web.auth import PageError, PagePrincipal, redirect, render, safe_next

router = APIRouter(include_in_schema=False)

CHALLENGE_COOKIE = "retrostride_2fa"
LOG_PAGE = 50
Code = Annotated[str, Form(max_length=64)]


def start_code_step(response: Response, challenge: str, secure: bool) -> None:
    """Keep the login's challenge (HttpOnly, only for /login, as long as the challenge lives)."""
    response.set_cookie(
        CHALLENGE_COOKIE, challenge, max_age=accounts.CHALLENGE_TTL_S, path="/login",
        secure=secure, httponly=True, samesite="lax",
    )


@router.get("/login/code")
def code_form(request: Request, next: str = "/") -> Response:
    if not request.cookies.get(CHALLENGE_COOKIE):
        return redirect("/login")
    return render(request, "login_code.html", None, title="Two-factor code",
                  next=safe_next(next), errors={})


@router.post("/login/code")
async def code_check(
    request: Request, database: AppDatabase, rules: Rules, settings: AppSettings,
    code: Code = "", next: Annotated[str, Form(max_length=1024)] = "/",
) -> Response:
    from retrostride.web.pages_auth import set_login_cookies

    challenge = request.cookies.get(CHALLENGE_COOKIE, "")
    errors: dict[str, str] = {}
    if not code.strip():
        errors["code"] = "Enter the 6-digit code from your app, or a recovery code."
    new: accounts.NewLogin | None = None
    if not errors:
        try:
            new = await run_in_threadpool(
                accounts.finish_login, database, rules, challenge, code, client_address(request)
            )
        except accounts.AccountLocked as exc:
            minutes = max(1, round(exc.retry_after_s / 60))
            errors["form"] = f"Too many wrong codes from here: try again in {minutes} min."
        except accounts.AuthenticationFailed as exc:
            if "waited too long" in str(exc):
                return redirect(f"/login?next={quote(safe_next(next), safe='')}&expired=1")
            errors["code"] = "This code is wrong or already used: enter the one your app shows now."
        except accounts.AccountError:
            return redirect("/login")
    if errors or new is None:
        return render(request, "login_code.html", None, status_code=422, title="Two-factor code",
                      next=safe_next(next), errors=errors)
    response = redirect(safe_next(next))
    response.delete_cookie(CHALLENGE_COOKIE, path="/login")
    set_login_cookies(response, new.token, new.csrf_token, rules, settings.secure_cookies)
    return response


def _qr_svg(uri: str) -> Markup:
    svg = segno.make(uri, error="m").svg_inline(scale=4, light="white", svgclass="qr")
    label = "QR code of the setup link for your authenticator app"
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))


def _two_factor_page(
    request: Request, principal: Principal, database: AppDatabase, *,
    errors: dict[str, str] | None = None, codes: list[str] | None = None, status_code: int = 200,
) -> Response:
    with database.sessions() as db:
        enabled = two_factor.is_enabled(db, principal.account_id)
    setup = None if enabled else two_factor.pending(database, principal.account_id)
    return render(
        request, "two_factor.html", principal, title="Two-factor login", enabled=enabled,
        setup=setup, qr=_qr_svg(setup.uri) if setup else None, codes=codes or [],
        left=two_factor.recovery_codes_left(database, principal.account_id) if enabled else 0,
        errors=errors or {}, status_code=status_code,
    )


@router.get("/settings/two-factor")
def two_factor_page(
    request: Request, principal: PagePrincipal, database: AppDatabase
) -> Response:
    return _two_factor_page(request, principal, database)


@router.post("/settings/two-factor/start")
def two_factor_start(principal: PagePrincipal, database: AppDatabase) -> Response:
    with suppress(InputError):  # already on: the page says so
        two_factor.start(database, principal.account_id)
    return redirect("/settings/two-factor")


@router.post("/settings/two-factor/confirm")
async def two_factor_confirm(
    request: Request, principal: PagePrincipal, database: AppDatabase
) -> Response:
    code = str((await request.form()).get("code", ""))[:64]
    try:
        codes = await run_in_threadpool(two_factor.confirm, database, principal.account_id, code)
    except InputError:
        return _two_factor_page(
            request, principal, database, status_code=422,
            errors={"code": "This code does not match: enter the 6 digits your app shows now."},
        )
    return _two_factor_page(request, principal, database, codes=codes)


@router.post("/settings/two-factor/off")
async def two_factor_off(
    request: Request, principal: PagePrincipal, database: AppDatabase, rules: Rules
) -> Response:
    password = str((await request.form()).get("password", ""))[:1024]
    try:
        await run_in_threadpool(
            accounts.turn_off_two_factor, database, rules, principal.account_id, password
        )
    except accounts.WrongPassword:
        return _two_factor_page(request, principal, database, status_code=422,
                                errors={"password": "The password is wrong."})
    return redirect("/settings/two-factor")


@router.get("/settings/access-log")
def access_log_page(
    request: Request, principal: PagePrincipal, database: AppDatabase, page: int = 1
) -> Response:
    """Which clinician reached this athlete's data, what and when: newest first, 50 a page."""
    if principal.person_id is None:
        raise PageError(404, "A clinician account keeps no data of its own to log access to.")
    page = max(1, min(page, 10**6))
    shown = access_log.page(
        database, principal.account_id, limit=LOG_PAGE, offset=(page - 1) * LOG_PAGE
    )
    pages = max(1, -(-shown.total // LOG_PAGE))
    return render(request, "access_log.html", principal, title="Who read your data",
                  log=shown, page=page, pages=pages)
