"""OpenAPI bodies of the routes that answer a domain dataclass as JSON (:func:`to_jsonable`).

The schema is the one pydantic derives from the dataclass (documentation only: nothing is
validated at run time), with the fields the routes leave out removed, every number also allowed
to be null (``to_jsonable`` writes NaN as null) and times of day as local times. The
dataclasses' own schemas go under ``components/schemas`` with the prefix ``Domain``
(:func:`add_components`).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import TypeAdapter

PREFIX = "Domain"
LEFT_OUT = frozenset({"source_text", "person"})
"""Fields the routes never send (the program's source text, the log's person key)."""
LOCAL_TIME = r"^[0-2][0-9]:[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?$"
"""A time of day as ``datetime.time.isoformat`` writes it (JSON Schema's ``time`` needs an
offset)."""
_COMPONENTS: dict[str, dict[str, Any]] = {}


def _clean(node: Any) -> Any:
    if isinstance(node, list):
        return [_clean(v) for v in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "properties":
            out[key] = {p: _clean(s) for p, s in value.items() if p not in LEFT_OUT}
        elif key == "required":
            out[key] = [p for p in value if p not in LEFT_OUT]
        else:
            out[key] = _clean(value)
    if out.get("type") == "number":
        out["type"] = ["number", "null"]
    if out.get("format") == "time":  # a local time of day, written without an offset
        del out["format"]
        out["pattern"] = LOCAL_TIME
    return out


def body_of(tp: Any, description: str) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` entry declaring ``tp`` (a dataclass, or a list or mapping of them) as
    the 200 answer's JSON body."""
    schema = TypeAdapter(tp).json_schema(
        mode="serialization", ref_template=f"#/components/schemas/{PREFIX}{{model}}"
    )
    for name, sub in schema.pop("$defs", {}).items():
        _COMPONENTS[PREFIX + name] = _clean(sub)
    return {
        200: {
            "description": description,
            "content": {"application/json": {"schema": _clean(schema)}},
        }
    }


def add_components(app: FastAPI) -> None:
    """Put the dataclasses' schemas into the application's OpenAPI description."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        document = generate()
        document.setdefault("components", {}).setdefault("schemas", {}).update(_COMPONENTS)
        return document

    app.openapi = openapi  # type: ignore[method-assign]
