"""GPX 1.0/1.1 -> one session, streamed with lxml ``iterparse`` into columnar arrays.

Each ``trkpt`` is read when its end tag arrives and cleared at once, so memory stays near the
size of the arrays. Kept: position, elevation, time, and the Garmin TrackPointExtension (v1, v2;
any prefix: gpxtpx, ns3) hr, cad, speed, plus power. Tracks and their segments are kept as
segments; distance is summed within segments, not across the gaps between them. Cadence of
walking, running and hiking (per leg, as Garmin and Strava write it) is doubled to steps per
minute. The time rules are in ``_points``.
"""

from __future__ import annotations

import io
from array import array
from pathlib import Path
from typing import Any

import numpy as np
from lxml import etree

from retrostride.errors import FileRefused
from retrostride.importers.activity import _xml
from retrostride.importers.activity._common import NAN, STEP_SPORTS
from retrostride.importers.activity._points import TIME_CHUNK, PointTable
from retrostride.log.model import Session

_SPORTS = {
    "run": "running",
    "running": "running",
    "trail_running": "running",
    "walk": "walking",
    "walking": "walking",
    "hike": "hiking",
    "hiking": "hiking",
    "ride": "cycling",
    "cycling": "cycling",
    "biking": "cycling",
    "swim": "swimming",
    "swimming": "swimming",
}
_EXT_CHANNEL = {
    "hr": "hr",
    "heartrate": "hr",
    "cad": "cad",
    "cadence": "cad",
    "speed": "speed",
    "power": "power",
    "powerinwatts": "power",
    "watts": "power",
}
"""Extension elements read, by lower-case local name (TrackPointExtension v1/v2 and others)."""

_STRAVA_TYPES = {"9": "running"}
"""Strava's GPX exports write numeric <type> codes; 9 is a Run (the shared Strava file). Other
apps use other numbers (Garmin's 9 is walking), so numbers are read only from Strava files."""


def _local(tag: Any) -> str:
    if not isinstance(tag, str):
        return ""
    return tag[tag.rfind("}") + 1 :]


_CODES = {"time": 1, "ele": 2, "hr": 10, "cad": 11, "speed": 12, "power": 13}


def _code(tag: Any) -> int:
    """A small code for a child element's tag (cached per full tag by the caller)."""
    local = _local(tag).lower()
    channel = _EXT_CHANNEL.get(local)
    if channel is not None:
        return _CODES[channel]
    return _CODES.get(local, 0)


def _read_points(path: Path, stream: Path | io.BytesIO, table: PointTable) -> dict[str, Any]:
    """Fill ``table``; returns the file's metadata and the fault (if the XML breaks off)."""
    meta: dict[str, Any] = {"tracks": [], "waypoints": 0, "route_points": 0, "fault": None}
    group = segment = 0
    seg_has_points = False
    ctx = etree.iterparse(
        str(stream) if isinstance(stream, Path) else stream,
        events=("end",),
        tag=("{*}trkpt", "{*}trkseg", "{*}trk", "{*}wpt", "{*}rtept"),
        remove_comments=True,
        resolve_entities=False,
        no_network=True,
        huge_tree=True,
    )
    values: array[float] = array("d")
    times: list[str | None] = []
    add_row, add_time = values.extend, times.append
    codes: dict[Any, int] = {}
    names: dict[Any, str] = {}
    try:
        for _event, el in ctx:
            tag = el.tag
            name = names.get(tag)
            if name is None:
                name = names[tag] = _local(tag)
            if name == "trkpt":
                if "creator" not in meta:
                    meta["creator"] = el.getroottree().getroot().get("creator")
                lat_t, lon_t = el.get("lat"), el.get("lon")
                try:
                    lat, lon = float(lat_t), float(lon_t)
                except (TypeError, ValueError):
                    lat = lon = NAN
                if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
                    table.bad_values.append(f"position ({lat_t}, {lon_t}) at line {el.sourceline}")
                    lat = lon = NAN
                ele = hr = cad = spd = pw = NAN
                time_text = None
                for sub in el.iterdescendants():
                    stag = sub.tag
                    code = codes.get(stag)
                    if code is None:
                        code = codes[stag] = _code(stag)
                    if code == 0:
                        continue
                    if code == 1:
                        time_text = sub.text
                        continue
                    try:
                        value = float(sub.text)
                    except (TypeError, ValueError):
                        table.bad_values.append(
                            f"{_local(stag)} {sub.text!r} at line {sub.sourceline}"
                        )
                        continue
                    if code == 2:
                        ele = value
                    elif code == 10:
                        hr = value
                    elif code == 11:
                        cad = value
                    elif code == 12:
                        spd = value
                    else:
                        pw = value
                add_row((lat, lon, ele, NAN, hr, cad, spd, pw, group, segment, el.sourceline or 0))
                add_time(time_text)
                if len(times) >= TIME_CHUNK:
                    table.flush_times(values, times)
                seg_has_points = True
                el.clear(keep_tail=False)
                parent = el.getparent()
                if parent is not None:
                    while el.getprevious() is not None:
                        del parent[0]
            elif name == "trkseg":
                if seg_has_points:
                    segment += 1
                    seg_has_points = False
                el.clear(keep_tail=False)
            elif name == "trk":
                info = {"name": None, "type": None}
                for child in el:
                    cname = _local(child.tag)
                    if cname in info and child.text:
                        info[cname] = child.text.strip()
                meta["tracks"].append(info)
                group += 1
                el.clear(keep_tail=False)
            elif name in ("wpt", "rtept"):
                meta["waypoints" if name == "wpt" else "route_points"] += 1
                el.clear(keep_tail=False)
    except etree.XMLSyntaxError as exc:
        meta["fault"] = f"XML ends or breaks part-way (line {exc.lineno}: {exc.msg})"
    table.fill(values, times)
    return meta


def parse(
    path: Path, stream: Path | io.BytesIO, *, salvage: bool, home_time_zone: str
) -> tuple[list[Session], list[str], str | None]:
    """Sessions (one), warnings and the salvage note of one GPX file."""
    table = PointTable()
    meta = _read_points(path, stream, table)
    recovered = _xml.check_fault(path, meta["fault"], len(table), salvage)
    n = len(table)
    if n == 0:
        if meta["waypoints"] or meta["route_points"]:
            raise FileRefused(
                path,
                f"no activity in it: no track points, only {meta['waypoints']} waypoint(s) and "
                f"{meta['route_points']} route point(s)",
            )
        raise FileRefused(path, "no activity in it: the GPX file has no track points")
    if n == 1:
        raise FileRefused(path, "no activity in it: a single track point")
    tracks = meta["tracks"]
    names = [t["name"] for t in tracks]
    raw_type = next((t["type"] for t in tracks if t["type"]), None)
    key = (raw_type or "").lower().strip()
    sport = _SPORTS.get(key)
    if sport is None and "strava" in (meta.get("creator") or "").lower():
        sport = _STRAVA_TYPES.get(key)
    warns: list[str] = []
    if sport is None:
        sport = "unknown"
        warns.append(
            f"sport {raw_type!r} is not one retrostride knows: set it by editing the session"
            if raw_type
            else "the file names no sport: set it by editing the session"
        )
    if sport not in STEP_SPORTS and np.isfinite(table.cad).any():
        warns.append("cadence kept as written (sport unknown, so not converted to steps)")
    from retrostride.importers.activity._split import split_tracks

    groups = split_tracks(table, home_time_zone)
    sessions: list[Session] = []
    for i, group in enumerate(groups):
        part = (
            table
            if len(groups) == 1
            else table.subset(np.isin(table.group, group), with_notes=i == 0)
        )
        session, more = _xml.build_session(
            path,
            part,
            sport=sport,
            home_time_zone=home_time_zone,
            group_names=names,
            group_word="track",
            double_cadence=sport in STEP_SPORTS,
        )
        session.title = next((names[g] for g in group if g < len(names) and names[g]), None)
        sessions.append(session)
        warns.extend(w for w in more if w not in warns)
    if len(sessions) > 1:
        warns.append(
            f"{len(sessions)} sessions: tracks more than 3 h apart or on different days are "
            "separate walks"
        )
    return sessions, warns, recovered
