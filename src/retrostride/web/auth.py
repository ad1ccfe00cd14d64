"""Who is looking at a page, and whose data it shows: the API's login and privacy policy, reused.

:func:`page_principal` is the API's :func:`~retrostride.api.principal.current_principal` (same
cookie, same CSRF check of form posts), turning "not logged in" into a redirect to the login
page. :func:`page_subject` is the API's :func:`~retrostride.api.policy.resolve_subject`: the one
place deciding whose data a caller may see. Pages never query another person's data otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, unquote

from fastapi import Depends, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session as OrmSession
from starlette.exceptions import HTTPException as StarletteHTTPException

from retrostride.api.database import ReadDb
from retrostride.api.errors import Forbidden, NotFound, Unauthorized
from retrostride.api.policy import Subject, resolve_subject
from retrostride.api.principal import (
    CSRF_COOKIE,
    Principal,
    bearer_scheme,
    cookie_scheme,
    current_principal,
)
from retrostride.services import access
from retrostride.services.preferences import Preferences
from retrostride.web.prefs import BROWSER_ZONE_COOKIE, PREFS_COOKIE, Formatter, Prefs, valid_zone
from retrostride.web.session_rows import session_rows

TEMPLATE_DIR = Path(__file__).parent / "templates"
_env = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=select_autoescape(["html", "svg"]),
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,  # templates ship with the package: compiled once, never stat'ed again
    cache_size=-1,
)
_env.globals["session_rows"] = session_rows
templates = Jinja2Templates(env=_env)


class LoginRequired(Exception):
    """No valid login: the page redirects to the login form."""


class PageError(Exception):
    """A page that cannot be shown (404, 403, ...), rendered as an HTML page."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


async def page_principal(request: Request, db: ReadDb) -> Principal:
    """The logged-in caller (form posts need the login's CSRF token), else a login redirect.

    Reads the API token and the login cookie itself (the API's own schemes, called): as
    FastAPI's sub-dependencies they cost two more dependency resolutions on every page."""
    bearer = await bearer_scheme(request)
    cookie = await cookie_scheme(request)
    try:
        principal = await current_principal(request, db, bearer, cookie)
    except Unauthorized:
        raise LoginRequired() from None
    except Forbidden as exc:
        raise PageError(403, exc.detail) from None
    request.state.principal = principal
    db.info["request"] = request  # page_subject notes a clinician's access with its path
    request.state.account_prefs = principal.preferences  # read with the caller: no query
    if principal.person_id is not None and principal.preferences.time_zone is None:
        request.state.home_zone = principal.home_time_zone
    return principal


PagePrincipal = Annotated[Principal, Depends(page_principal)]


async def maybe_principal(request: Request, db: ReadDb) -> Principal | None:
    """The logged-in caller, or None for a visitor (pages open to everyone)."""
    try:
        return await page_principal(request, db)
    except LoginRequired:
        return None


MaybePrincipal = Annotated[Principal | None, Depends(maybe_principal)]


def page_subject(
    db: OrmSession, principal: Principal, athlete_id: str, *, need_write: bool = False
) -> Subject:
    """The athlete ``athlete_id`` (``me`` or a shared athlete's id) as the caller may reach them
    (a clinician's access is noted in the athlete's access log with the page's path)."""
    try:
        return resolve_subject(
            db, principal, athlete_id, need_write=need_write, request=db.info.get("request")
        )
    except NotFound as exc:
        raise PageError(404, exc.detail) from None
    except Forbidden as exc:
        raise PageError(403, exc.detail) from None


def prefs_of(request: Request) -> Prefs:
    """The account's display choices (kept on the server, the same on every device).

    What the account has not chosen yet: the choice an older version kept in this browser's
    cookie, else km/h, kg, the browser's own time zone (set by our script), the athlete's
    home zone or UTC, and day-month dates.
    """
    stored: Preferences = getattr(request.state, "account_prefs", None) or Preferences()
    legacy = Prefs.from_cookie(request.cookies.get(PREFS_COOKIE)) or Prefs()
    browser_zone = unquote(request.cookies.get(BROWSER_ZONE_COOKIE, ""))[:64]
    home_zone = getattr(request.state, "home_zone", None) or ""
    zone = stored.time_zone or next(
        (z for z in (legacy.time_zone if PREFS_COOKIE in request.cookies else "",
                     browser_zone, home_zone) if z and valid_zone(z)),
        "UTC",
    )
    return Prefs(
        stored.speed_unit or legacy.speed_unit, stored.mass_unit or legacy.mass_unit, zone,
        stored.date_format or "day-month",
    )


@dataclass(frozen=True, slots=True)
class Nav:
    """Where the page's links point: ``base`` is ``/athletes/me`` or a shared athlete's."""

    base: str
    athlete_name: str | None
    is_self: bool
    can_write: bool


def nav_base(subject: Subject) -> str:
    """``/athletes/me``, or the shared athlete's ``/athletes/{account id}``."""
    return f"/athletes/{'me' if subject.is_self else subject.account_id}"


def nav_for(request: Request, subject: Subject | None) -> Nav:
    """Links for the page; a shared athlete is named by their account's display name."""
    if subject is None:
        return Nav("/athletes/me", None, True, True)
    name = None
    if not subject.is_self:
        database = request.app.state.database
        name = access.shown_account_name(database, subject.account_id) or subject.person_name
    return Nav(
        nav_base(subject),
        name,
        subject.is_self,
        subject.can_write,
    )


def render(
    request: Request,
    template: str,
    principal: Principal | None,
    *,
    status_code: int = 200,
    subject: Subject | None = None,
    title: str = "",
    **context: Any,
) -> HTMLResponse:
    """Render ``template`` with what every page needs (caller, CSRF token, units, zone, nav)."""
    prefs = prefs_of(request)
    response = templates.TemplateResponse(
        request,
        template,
        {
            "principal": principal,
            "csrf_token": request.cookies.get(CSRF_COOKIE, ""),
            "fmt": Formatter(prefs),
            "prefs": prefs,
            "nav": nav_for(request, subject),
            "subject": subject,
            "title": title,
            "path": request.url.path,
            **context,
        },
        status_code=status_code,
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'"
    )
    return response


def safe_next(target: str | None) -> str:
    """A local path to go to after logging in (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _login_required(request: Request, _exc: Exception) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return redirect(f"/login?next={quote(target, safe='')}")


def _page_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageError)
    return render(
        request,
        "error.html",
        getattr(request.state, "principal", None),  # the navigation stays when known
        status_code=exc.status_code,
        title="Not available" if exc.status_code == 404 else "Refused",
        message=exc.message,
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    """A page for a browser (unknown address, wrong method); the API keeps its JSON answers."""
    assert isinstance(exc, StarletteHTTPException)
    if request.url.path.startswith(("/api/", "/static/", "/docs", "/openapi", "/redoc")):
        return await http_exception_handler(request, exc)
    return _page_error(request, PageError(exc.status_code, {
        404: "There is no page at this address.",
        405: "This address does not take this kind of request.",
    }.get(exc.status_code, str(exc.detail))))


def install_page_handlers(app: FastAPI) -> None:
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(PageError, _page_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
