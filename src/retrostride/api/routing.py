"""Route matching by the path's first two segments, in front of FastAPI's router.

FastAPI tries an application's routes one after the other, a regular expression each, and an
included router's routes twice (once to find it, once to run it): a page, whose routes come
after the API's, was matched against every API route first (about 0.2-0.3 ms of CPU per page
request for the 104 routes of the served app). :func:`install` puts a dispatcher in front of
the router: each request's first two path segments select, from a table built once, the routes
that can match a path beginning with them (the others cannot: their literal segments differ),
in their original order, and the router runs on those only. The first route matching in that
list is the first route matching in the whole list, so every route, page and answer stays the
same; a request that none of them matches in full (a 404, a 405 or a trailing-slash redirect)
runs through the whole router as before.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import FastAPI
from starlette.routing import BaseRoute, Mount
from starlette.types import Receive, Scope, Send

__all__ = ["install", "route_paths"]


class _Sentinel:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


ANY = _Sentinel("ANY")
"""A path parameter's segment, or the rest of a mount: matches any segment."""
END = _Sentinel("END")
"""No segment there (the path is shorter)."""
OTHER = _Sentinel("OTHER")
"""A request's segment that no route names literally."""

Segment = str | _Sentinel


def route_paths(route: BaseRoute) -> list[tuple[str, bool]] | None:
    """The path formats ``route`` matches (with its routers' prefixes), each with whether it is
    a prefix (a mount); None when they cannot be told (the route is then tried for every path).
    """
    original = getattr(route, "original_router", None)
    if original is not None:  # FastAPI's included router: its effective routes
        candidates = getattr(route, "effective_candidates", None)
        if candidates is None:
            return None
        out: list[tuple[str, bool]] = []
        for candidate in candidates():
            paths = _candidate_paths(candidate)
            if paths is None:
                return None
            out += paths
        return out
    path = getattr(route, "path", None)
    if not isinstance(path, str):
        return None
    return [(path, isinstance(route, Mount))]


def _candidate_paths(candidate: Any) -> list[tuple[str, bool]] | None:
    if getattr(candidate, "original_router", None) is not None:
        return route_paths(candidate)
    effective = getattr(candidate, "starlette_route", None)
    if effective is not None:
        return route_paths(effective)
    original = getattr(candidate, "original_route", None)
    path = getattr(candidate, "path", "") or getattr(original, "path", None)
    if not isinstance(path, str) or not path:
        return None
    return [(path, isinstance(original, Mount))]


def _signature(path: str, prefix: bool) -> tuple[Segment, Segment]:
    """The first two segments of a path format: literal, :data:`ANY` or :data:`END`."""
    out: list[Segment] = []
    for part in path.split("/")[1:3]:
        if ":path}" in part:  # a parameter that may span segments: so may the rest
            out += [ANY, ANY]
            break
        out.append(ANY if "{" in part else part)
    while len(out) < 2:
        out.append(ANY if prefix else END)
    return out[0], out[1]


def _key(path: str) -> tuple[str, Segment]:
    parts = path.split("/", 3)
    return parts[1], (parts[2] if len(parts) > 2 else END)


def _fits(signatures: Iterable[tuple[Segment, Segment]], first: Segment, second: Segment) -> bool:
    return any(
        (a is ANY or a == first) and (b is ANY or b == second) for a, b in signatures
    )


class PrefixDispatch:
    """The router's ``app``, run on the routes that can match the request's first two path
    segments (see the module)."""

    def __init__(self, router: Any) -> None:
        self.router = router
        self._built_for: tuple[int, int] | None = None
        self._table: dict[Segment, dict[Segment, Any]] = {}

    def _build(self) -> None:
        routes: list[BaseRoute] = list(self.router.routes)
        signatures: list[list[tuple[Segment, Segment]] | None] = []
        for route in routes:
            paths = route_paths(route)
            signatures.append(None if paths is None else [_signature(p, m) for p, m in paths])
        firsts: set[Segment] = {
            s[0] for sigs in signatures if sigs for s in sigs if isinstance(s[0], str)
        }
        table: dict[Segment, dict[Segment, Any]] = {}
        for first in (*firsts, OTHER):
            seconds: set[Segment] = {
                s[1] for sigs in signatures if sigs for s in sigs
                if (s[0] is ANY or s[0] == first) and isinstance(s[1], str)
            }
            table[first] = {
                second: self._view([
                    route for route, sigs in zip(routes, signatures, strict=True)
                    if sigs is None or _fits(sigs, first, second)
                ])
                for second in (*seconds, END, OTHER)
            }
        self._table = table
        self._built_for = (len(routes), id(routes[-1]) if routes else 0)

    def _view(self, routes: list[BaseRoute]) -> Any:
        view = copy.copy(self.router)
        view.routes = routes
        full = self.router

        async def whole_router(scope: Scope, receive: Receive, send: Send) -> None:
            await full.app(scope, receive, send)  # no route of the view matched in full

        view.default = whole_router
        return view

    def _current(self) -> bool:
        routes = self.router.routes
        return self._built_for == (len(routes), id(routes[-1]) if routes else 0)

    def view_for(self, path: str) -> Any:
        """The router narrowed to the routes that can match ``path``."""
        if not self._current():
            self._build()
        first, second = _key(path)
        views = self._table.get(first) or self._table[OTHER]
        return views.get(second) or views[OTHER]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("root_path"):
            await self.router.app(scope, receive, send)
            return
        view = self.view_for(scope["path"])
        scope.setdefault("router", self.router)  # as the whole router sets it (url_for)
        await view.app(scope, receive, send)


def _low_priority(router: Any) -> Iterator[Any]:
    routes = getattr(router, "_iter_low_priority_routes", None)
    return iter(()) if routes is None else routes()


def install(app: FastAPI) -> None:
    """Match ``app``'s requests by their first two path segments (see the module); left as is
    when the router has low-priority routes (FastAPI's front-end fallbacks), which are matched
    after every other route."""
    router = app.router
    if next(_low_priority(router), None) is not None or router.middleware_stack != router.app:
        return  # low-priority routes, or the router's own middleware: left to the router
    dispatch = PrefixDispatch(router)
    router.middleware_stack = dispatch
