"""Route matching by the path's first two segments (``api.routing``): the same route answers
every path as with FastAPI's whole router, and a page is no longer matched against the API's
routes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from starlette.routing import Match

from retrostride.api.routing import PrefixDispatch, route_paths
from retrostride.api.settings import Settings
from retrostride.server import create_app


def _settings(tmp_path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 's.sqlite'}", secure_cookies=False,
        argon2_time_cost=1, argon2_memory_kib=1024,
    )


def _instances(path: str, mount: bool) -> list[str]:
    """Concrete paths of a path format (parameters as ids and as ``me``)."""
    out = []
    for value in ("1", "me"):
        concrete = re.sub(r"\{[^}:]+:path\}", "a/b.css", path)
        concrete = re.sub(r"\{[^}]+\}", value, concrete)
        out.append(concrete + ("/x.css" if mount else ""))
    return out


def _first_full(routes: list[Any], path: str, method: str) -> Any:
    scope = {
        "type": "http", "path": path, "root_path": "", "method": method, "headers": [],
        "query_string": b"",
    }
    for route in routes:
        match, _ = route.matches(scope)
        if match == Match.FULL:
            return route
    return None


def test_every_path_finds_the_route_the_whole_router_finds(tmp_path: Path) -> None:
    app = create_app(_settings(tmp_path))
    dispatch = app.router.middleware_stack
    assert isinstance(dispatch, PrefixDispatch)
    routes = list(app.router.routes)
    checked = 0
    for route in routes:
        for path, mount in route_paths(route) or []:
            for concrete in _instances(path, mount):
                for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
                    view = dispatch.view_for(concrete)
                    assert len(view.routes) < len(routes) / 2
                    whole = _first_full(routes, concrete, method)
                    assert _first_full(view.routes, concrete, method) is whole, (concrete, method)
                    checked += 1
    assert checked > 500


def test_a_page_is_not_matched_against_the_api_routes(tmp_path: Path) -> None:
    app = create_app(_settings(tmp_path))
    tried: list[str] = []
    for route in app.router.routes:
        paths = route_paths(route) or []
        if paths and all(p.startswith("/api/") for p, _ in paths):
            original = route.matches

            def spy(scope: Any, original: Any = original) -> Any:
                tried.append(scope["path"])
                return original(scope)

            route.matches = spy  # type: ignore[method-assign]
    with TestClient(app) as client:
        assert client.get("/energy").status_code == 200
        assert tried == []
        assert client.get("/api/programs").status_code in (200, 401)
        assert tried  # the API's own requests do reach them


def test_not_found_wrong_method_and_trailing_slash_as_before(tmp_path: Path) -> None:
    with TestClient(create_app(_settings(tmp_path))) as client:
        assert client.get("/no-such-page").status_code == 404
        assert client.get("/api/no-such-thing").status_code == 404
        assert client.put("/energy").status_code == 405
        redirect = client.get("/energy/", follow_redirects=False)
        assert redirect.status_code == 307
        assert redirect.headers["location"].endswith("/energy")
        assert client.get("/static/no-such-file.css").status_code == 404
