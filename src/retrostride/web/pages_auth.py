"""Log in, register and log out (forms posting to the pages; the accounts service decides)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from retrostride.api.database import AppDatabase
from retrostride.api.principal import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    AppSettings,
    Rules,
    client_address,
)
from retrostride.errors import InputError
from retrostride.services import accounts
from retrostride.web.auth import PagePrincipal, redirect, render, safe_next

router = APIRouter(include_in_schema=False)

Text = Annotated[str, Form(max_length=1024)]
Optional = Annotated[str, Form(max_length=1024)]


def set_login_cookies(response: Response, token: str, csrf: str, rules: accounts.AccountRules,
                       secure: bool) -> None:
    """The same cookies as ``POST /api/auth/login`` (HttpOnly session, readable CSRF token)."""
    for name, value, http_only in ((SESSION_COOKIE, token, True), (CSRF_COOKIE, csrf, False)):
        response.set_cookie(
            name, value, max_age=rules.session_ttl_s, path="/", secure=secure,
            httponly=http_only, samesite="lax",
        )


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", None, title="Log in", next=safe_next(next),
                  errors={}, values={})


@router.post("/login")
async def login(
    request: Request, database: AppDatabase, rules: Rules, settings: AppSettings,
    email: Text = "", password: Text = "", next: Optional = "/",
) -> Response:
    errors: dict[str, str] = {}
    if not email.strip():
        errors["email"] = "Enter the e-mail address of your account."
    if not password:
        errors["password"] = "Enter your password."
    new: accounts.NewLogin | None = None
    if not errors:
        client = client_address(request)
        try:
            await run_in_threadpool(
                accounts.count_request, database, "login", client,
                settings.login_rate_per_minute,
            )
            new = await run_in_threadpool(
                accounts.log_in, database, rules, email, password, client
            )
        except accounts.AccountLocked as exc:
            minutes = max(1, round(exc.retry_after_s / 60))
            errors["form"] = (
                f"Too many failed logins for this address from here: try again in {minutes} min."
            )
        except accounts.TooManyAttempts:
            errors["form"] = "Too many login attempts from here. Wait a minute and try again."
        except accounts.SecondFactorNeeded as exc:
            from retrostride.web.pages_security import start_code_step

            response = redirect(f"/login/code?next={quote(safe_next(next), safe='')}")
            start_code_step(response, exc.challenge, settings.secure_cookies)
            return response
        except accounts.AccountError:
            errors["form"] = "The e-mail address or the password is wrong."
    if errors or new is None:
        return render(request, "login.html", None, status_code=422, title="Log in",
                      next=safe_next(next), errors=errors, values={"email": email})
    response = redirect(safe_next(next))
    set_login_cookies(response, new.token, new.csrf_token, rules, settings.secure_cookies)
    return response


@router.get("/register")
def register_form(request: Request, settings: AppSettings, next: str = "/") -> Response:
    target = safe_next(next)
    role = "clinician" if target.startswith("/share/accept") else "athlete"
    return render(request, "register.html", None, title="Create an account", errors={},
                  values={"role": role}, invite_only=settings.registration != "open",
                  next=target)


@router.post("/register")
async def register(
    request: Request, database: AppDatabase, rules: Rules, settings: AppSettings,
    email: Text = "", password: Text = "", password_again: Text = "",
    display_name: Annotated[str, Form(max_length=200)] = "",
    role: Annotated[str, Form(max_length=20)] = "athlete",
    signup_code: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    errors: dict[str, str] = {}
    if role not in ("athlete", "clinician"):
        errors["role"] = "Choose athlete or clinician."
    if "@" not in email:
        errors["email"] = "Enter an e-mail address, such as ada@example.org."
    if len(password) < 10:
        errors["password"] = "Choose a password of at least 10 characters."
    elif password != password_again:
        errors["password_again"] = "The two passwords differ: type the same password twice."
    account = None
    if not errors:
        try:
            await run_in_threadpool(
                accounts.count_request, database, "registration", client_address(request),
                rules.register_rate_per_hour, 3600,
            )
            account = await run_in_threadpool(
                lambda: accounts.register(
                    database, rules, email=email, password=password, role=role,
                    display_name=display_name, signup_code=signup_code or None,
                )
            )
        except accounts.TooManyAttempts:
            errors["form"] = "Too many new accounts from here. Try again in an hour."
        except InputError as exc:
            field = "password" if "password" in exc.field else "email"
            errors[field] = f"{exc.value_text} is not accepted: expected {exc.expected}."
            if field == "password":
                errors[field] = f"This password is not accepted: expected {exc.expected}."
        except accounts.RegistrationRefused as exc:
            errors["form"] = str(exc).capitalize() + "."
    if errors or account is None:
        return render(
            request, "register.html", None, status_code=422, title="Create an account",
            errors=errors, invite_only=settings.registration != "open",
            values={"email": email, "display_name": display_name, "role": role},
            next=safe_next(next),
        )
    new = await run_in_threadpool(accounts.create_login, database, rules, account)
    target = safe_next(next)
    response = redirect("/?welcome=1" if target == "/" else target)
    set_login_cookies(response, new.token, new.csrf_token, rules, settings.secure_cookies)
    return response


@router.post("/logout")
def logout(request: Request, principal: PagePrincipal, database: AppDatabase) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if principal.via == "cookie" and token:
        accounts.end_login(database, token)
    response = redirect("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.get("/forgot-password")
def forgot_form(request: Request) -> Response:
    return render(request, "forgot.html", None, title="Forgotten password", errors={},
                  values={}, sent=False, mail=_mail_state(request))


def _mail_state(request: Request) -> str:
    """``smtp`` (messages are sent), ``log`` (links go to the server's log) or ``none``."""
    settings = request.app.state.settings
    if settings.smtp_host and settings.smtp_from:
        return "smtp"
    return "log" if settings.log_reset_links else "none"


@router.post("/forgot-password")
async def forgot(
    request: Request, database: AppDatabase, rules: Rules, email: Text = ""
) -> Response:
    """Mail a reset link; the answer is the same whether or not the address has an account."""
    try:
        await run_in_threadpool(
            accounts.count_request, database, "password reset", client_address(request),
            rules.reset_rate_per_hour, 3600,
        )
    except accounts.TooManyAttempts:
        return render(request, "forgot.html", None, status_code=429, title="Forgotten password",
                      errors={"form": "Too many attempts from here. Try again later."},
                      values={"email": email}, sent=False, mail=_mail_state(request))
    await run_in_threadpool(accounts.request_password_reset, database, rules, email)
    return render(request, "forgot.html", None, title="Forgotten password", errors={},
                  values={}, sent=True, mail=_mail_state(request))


@router.get("/reset-password")
def reset_form(request: Request, token: str = "") -> Response:
    return render(request, "reset.html", None, title="Choose a new password", errors={},
                  token=token[:200])


@router.post("/reset-password")
async def reset(
    request: Request, database: AppDatabase, rules: Rules, token: Text = "", password: Text = "",
    password_again: Text = "",
) -> Response:
    errors: dict[str, str] = {}
    if len(password) < 10:
        errors["password"] = "Choose a password of at least 10 characters."
    elif password != password_again:
        errors["password_again"] = "The two passwords differ: type the same password twice."
    if not errors:
        try:
            await run_in_threadpool(accounts.reset_password, database, rules, token, password)
        except accounts.InvalidToken:
            errors["form"] = (
                "This reset link is unknown, used or expired: ask for a new one."
            )
        except InputError as exc:
            errors["password"] = f"This password is not accepted: expected {exc.expected}."
    if errors:
        return render(request, "reset.html", None, status_code=422,
                      title="Choose a new password", errors=errors, token=token[:200])
    return redirect("/login?reset=1")
