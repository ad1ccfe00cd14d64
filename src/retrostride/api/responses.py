"""A JSON response rendered by orjson, and the error bodies every route declares in OpenAPI."""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import BaseModel, Field
from starlette.responses import JSONResponse


class JsonResponse(JSONResponse):
    """``application/json`` rendered by orjson; NaN becomes null, numpy arrays become lists.

    A ``JSONResponse`` so that FastAPI describes a route's ``response_model`` as its body; the
    routes that write ready bytes declare it and send a plain ``Response`` (no validation).
    """

    def render(self, content: Any) -> bytes:
        return orjson.dumps(
            content, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS
        )


class FieldIssue(BaseModel):
    """One problem of a request found before the route ran (FastAPI's request validation)."""

    loc: list[str | int]
    msg: str
    type: str


class ErrorOut(BaseModel):
    """Every error answer: ``detail`` says what was wrong and what was expected.

    Request validation (a body or parameter of the wrong shape) lists its issues in ``detail``;
    the toolkit's input errors add ``field`` and ``expected``, refused files ``file`` and
    ``salvageable``.
    """

    detail: str | list[FieldIssue]
    code: str | None = Field(default=None, examples=["invalid_input"])
    field: str | None = None
    expected: str | None = None
    file: str | None = None
    salvageable: bool | None = None


_WHY = {
    400: "The body cannot be read (not UTF-8 JSON, or a broken form).",
    401: "No valid login or API token.",
    403: "Logged in, but not allowed (CSRF token, token scope, role, or a browser login needed).",
    404: "No such item, or not the caller's to see (existence is not disclosed).",
    409: "Refused in the item's current state.",
    413: "Over the size limit.",
    422: "A field or file is not valid; the answer names it and what was expected.",
    429: "Too many attempts; retry after the Retry-After header's seconds.",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` entries of these error statuses, each with the ``ErrorOut`` body."""
    return {code: {"model": ErrorOut, "description": _WHY[code]} for code in codes}
