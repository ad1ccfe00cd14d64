"""The map of a GPS session: Leaflet from the ``xstatic-leaflet`` package, served from this
origin; no map tiles unless the server's owner opts in (``map_tile_url``); the track is drawn
by direction on a blank ground; others than the athlete see it without its privacy zones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from fastapi import APIRouter, Request
from fastapi.responses import Response

from retrostride.api.database import AppDatabase, ReadDb
from retrostride.api.policy import AthleteId
from retrostride.errors import InputError
from retrostride.services import sessions as sessions_service
from retrostride.services import track_privacy
from retrostride.web import fields as web_fields
from retrostride.web.auth import PageError, PagePrincipal, page_subject, redirect, render
from retrostride.web.charts import DIRECTION_COLOURS, Band, track_svg

router = APIRouter(include_in_schema=False)

MAX_MAP_POINTS = 2000
"""Positions sent to the browser at most (every k-th kept; the track's shape survives)."""


def leaflet_dir() -> Path:
    """Leaflet's files as the ``xstatic-leaflet`` package ships them."""
    import xstatic.pkg.leaflet as leaflet

    return Path(leaflet.BASE_DIR)


def _array(samples: dict[str, Any], name: str) -> np.ndarray | None:
    values = samples.get(name)
    if values is None:
        return None
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _direction_of(t: np.ndarray, segments: list[dict[str, Any]]) -> list[str]:
    bands = _bands({"segments": segments})
    out = []
    for value in t:
        found = next((b.direction for b in bands if b.start_s <= value <= b.end_s), "unknown")
        out.append(found)
    return out


def map_lines(
    lat: np.ndarray,
    lon: np.ndarray,
    t: np.ndarray,
    keep: np.ndarray,
    segments: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Polylines of consecutive kept positions of one direction, at most MAX_MAP_POINTS."""
    index = np.flatnonzero(keep)
    if index.size > MAX_MAP_POINTS:
        index = index[:: -(-index.size // MAX_MAP_POINTS)]
    directions = _direction_of(t[index], segments)
    lines: list[dict[str, Any]] = []
    previous: int | None = None
    for i, direction in zip(index, directions, strict=True):
        point = [round(float(lat[i]), 6), round(float(lon[i]), 6)]
        gap = previous is None or not bool(keep[previous + 1 : i].all())  # hidden or missing
        if lines and not gap and lines[-1]["direction"] == direction:
            lines[-1]["points"].append(point)
        else:
            if lines and not gap:
                lines[-1]["points"].append(point)  # the next direction starts where it ends
            colour = DIRECTION_COLOURS.get(direction, DIRECTION_COLOURS["unknown"])
            lines.append({"direction": direction, "colour": colour, "points": [point]})
        previous = int(i)
    return lines


def _tile_csp_source(url: str) -> str:
    """The CSP source of a tile template (``{s}`` subdomains as ``*``)."""
    parts = urlsplit(url.replace("{s}.", "x."))
    host = parts.netloc.replace("x.", "*.", 1) if "{s}." in url else parts.netloc
    return f"{parts.scheme}://{host}"


@router.get("/athletes/{athlete_id}/sessions/{session_id}/map")
def map_page(
    request: Request, athlete_id: AthleteId, session_id: int, principal: PagePrincipal,
    db: ReadDb, database: AppDatabase,
) -> Response:
    """The session's track on a Leaflet map (the SVG track without JavaScript)."""
    subject = page_subject(db, principal, athlete_id)
    if not 1 <= session_id <= 2**31:
        raise PageError(404, f"no session {session_id}")
    try:
        detail = sessions_service.session_detail(database, subject.person_id, session_id)
    except sessions_service.SessionNotFound:
        raise PageError(404, f"There is no session {session_id} here.") from None
    samples = detail.get("samples") or {}
    lat, lon = _array(samples, "latitude_deg"), _array(samples, "longitude_deg")
    t = _array(samples, "time_s")
    if lat is None or lon is None or t is None:
        raise PageError(404, "This session has no GPS positions to map.")
    hide_m = track_privacy.hide_radius(database, subject.account_id)
    keep = track_privacy.hide_ends(lat, lon, 0 if subject.is_self else hide_m)
    valid = np.isfinite(lat) & np.isfinite(lon)
    lines = map_lines(lat, lon, t, keep, detail["segments"])
    settings = request.app.state.settings
    tiles = (
        {"url": settings.map_tile_url, "attribution": settings.map_tile_attribution}
        if settings.map_tile_url
        else None
    )
    masked_lat = np.where(keep, lat, np.nan)
    fallback = track_svg(t, masked_lat, np.where(keep, lon, np.nan), _bands(detail))
    data = {"lines": lines, "tiles": tiles}
    response = render(
        request, "map.html", principal, subject=subject,
        title=f"Map: {detail.get('title') or f'session {session_id}'}", s=detail,
        map_json=json.dumps(data, separators=(",", ":")).replace("</", "<\\/"),
        fallback=fallback, tiles=tiles, hidden=int(valid.sum() - keep.sum()),
        shown=int(keep.sum()), hide_m=hide_m, choices=track_privacy.CHOICES_M,
        colours=DIRECTION_COLOURS,
        directions=sorted({line["direction"] for line in lines}),
    )
    if tiles:  # the opt-in tile server, and only it, may serve images to this page
        csp = response.headers["Content-Security-Policy"]
        response.headers["Content-Security-Policy"] = csp.replace(
            "img-src 'self' data:", f"img-src 'self' data: {_tile_csp_source(tiles['url'])}"
        )
    return response


def _bands(detail: dict[str, Any]) -> list[Band]:
    bands = []
    for seg in detail["segments"]:
        start = float(seg["start_offset_s"] or 0.0)
        length = seg["elapsed_s"] or seg["moving_s"]
        if length:
            bands.append(Band(start, start + float(length), str(seg["direction"])))
    return bands


@router.post("/settings/track-privacy")
async def track_privacy_save(
    request: Request, principal: PagePrincipal, database: AppDatabase
) -> Response:
    """The athlete's privacy zone radius around the ends of their tracks."""
    if principal.role != "athlete":
        raise PageError(404, "A clinician account keeps no tracks.")
    form = await request.form()
    raw = str(form.get("hide_m", "")).strip()
    try:
        track_privacy.set_hide_radius(database, principal.account_id, int(raw))
    except (ValueError, InputError):
        raise PageError(
            422, web_fields.message(InputError("hide_m", raw, "0, 200, 500 or 1000 m"))
        ) from None
    back = str(form.get("back", "/"))
    return redirect(back if back.startswith("/athletes/me/") else "/")
