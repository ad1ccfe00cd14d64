"""The API's errors, and the one place where every domain error becomes an HTTP response.

Bodies are ``{"detail": "...", "code": "..."}``; toolkit input errors add ``field`` and
``expected``, refused files add ``file`` and ``salvageable``.
"""

from __future__ import annotations

import logging
from pathlib import PurePath

from fastapi import FastAPI, Request

from retrostride.api.responses import JsonResponse
from retrostride.errors import FileRefused, InputError, RetrostrideError
from retrostride.services.accounts import (
    AccountGone,
    AccountLocked,
    AuthenticationFailed,
    InvalidToken,
    NeedsBrowserLogin,
    RegistrationRefused,
    SecondFactorNeeded,
    Throttled,
    WrongPassword,
)
from retrostride.services.assessments import AssessmentNotFound
from retrostride.services.log import SessionNotFound
from retrostride.services.programs import AlreadyEnrolled, NotEnrolled, ScreeningStop
from retrostride.services.sharing import SharingRefused

log = logging.getLogger("retrostride.api")


class ApiError(RetrostrideError):
    """An error with an HTTP status, raised by API dependencies and routers."""

    status_code = 400
    code = "bad_request"

    def __init__(self, detail: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers


class Unauthorized(ApiError):
    status_code = 401
    code = "unauthorized"


class Forbidden(ApiError):
    status_code = 403
    code = "forbidden"


class NotFound(ApiError):
    """Also used for data that exists but is not the principal's: existence is not disclosed."""

    status_code = 404
    code = "not_found"


class Conflict(ApiError):
    status_code = 409
    code = "conflict"


class PayloadTooLarge(ApiError):
    status_code = 413
    code = "too_large"


class TooManyRequests(ApiError):
    status_code = 429
    code = "too_many_requests"

    def __init__(self, detail: str, *, retry_after_s: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after_s))})


def _api_error(_request: Request, exc: Exception) -> JsonResponse:
    assert isinstance(exc, ApiError)
    headers = dict(exc.headers or {})
    if exc.status_code == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    return JsonResponse(
        {"detail": exc.detail, "code": exc.code}, status_code=exc.status_code, headers=headers
    )


def _input_error(_request: Request, exc: Exception) -> JsonResponse:
    assert isinstance(exc, InputError)
    return JsonResponse(
        {"detail": str(exc), "code": "invalid_input", "field": exc.field, "expected": exc.expected},
        status_code=422,
    )


def _file_refused(_request: Request, exc: Exception) -> JsonResponse:
    assert isinstance(exc, FileRefused)
    return JsonResponse(
        {  # never the server's path: only the reason and the file's own name
            "detail": exc.reason,
            "code": "file_refused",
            "file": PurePath(exc.path).name,
            "salvageable": exc.salvageable,
        },
        status_code=422,
    )


def _toolkit_error(_request: Request, exc: Exception) -> JsonResponse:
    return JsonResponse({"detail": str(exc), "code": "refused"}, status_code=422)


_DOMAIN_STATUS: dict[type[RetrostrideError], tuple[int, str]] = {
    AuthenticationFailed: (401, "authentication_failed"),
    SecondFactorNeeded: (401, "second_factor_needed"),
    AccountGone: (401, "account_gone"),
    NeedsBrowserLogin: (403, "needs_browser_login"),
    WrongPassword: (403, "wrong_password"),
    RegistrationRefused: (403, "registration_refused"),
    SharingRefused: (403, "sharing_refused"),
    InvalidToken: (404, "invalid_token"),  # an unknown, used or expired code: nothing there
    SessionNotFound: (404, "not_found"),
    AssessmentNotFound: (404, "not_found"),
    NotEnrolled: (404, "not_enrolled"),
    ScreeningStop: (409, "screening_stop"),
    AlreadyEnrolled: (409, "already_enrolled"),
}


def _domain_error(_request: Request, exc: Exception) -> JsonResponse:
    status, code = next(v for t, v in _DOMAIN_STATUS.items() if isinstance(exc, t))
    return JsonResponse({"detail": str(exc), "code": code}, status_code=status)


def _locked(_request: Request, exc: Exception) -> JsonResponse:
    assert isinstance(exc, Throttled)
    return JsonResponse(
        {
            "detail": str(exc),
            "code": "locked" if isinstance(exc, AccountLocked) else "too_many_requests",
        },
        status_code=429,
        headers={"Retry-After": str(exc.retry_after_s)},
    )


def install_error_handlers(app: FastAPI) -> None:
    """Map the toolkit's and the API's exceptions onto HTTP responses (most specific first)."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(Throttled, _locked)
    for exc_type in _DOMAIN_STATUS:
        app.add_exception_handler(exc_type, _domain_error)
    app.add_exception_handler(InputError, _input_error)
    app.add_exception_handler(FileRefused, _file_refused)
    app.add_exception_handler(RetrostrideError, _toolkit_error)
