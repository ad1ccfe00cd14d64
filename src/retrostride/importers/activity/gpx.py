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
from pathlib import Path
from typing import Any

import numpy as np
from lxml import etree

from retrostride.errors import FileRefused
from retrostride.importers.activity import _xml
from retrostride.importers.activity._common import NAN, STEP_SPORTS
from retrostride.importers.activity._points import PointTable, number, parse_time
from retrostride.log.model import Session

# Strava writes numeric <type> codes in its GPX exports (a Run is 9 in the file shared here).
_SPORTS = {
    "run": "running", "running": "running", "9": "running", "trail_running": "running",
    "walk": "walking", "walking": "walking", "10": "walking",
    "hike": "hiking", "hiking": "hiking", "4": "hiking",
    "ride": "cycling", "cycling": "cycling", "biking": "cycling", "1": "cycling",
    "swim": "swimming", "swimming": "swimming",
}
_EXT_CHANNEL = {
    "hr": "hr", "heartrate": "hr",
    "cad": "cad", "cadence": "cad",
    "speed": "speed",
    "power": "power", "powerinwatts": "power", "watts": "power",
}


def _local(tag: Any) -> str:
    if not isinstance(tag, str):
        return ""
    return tag[tag.rfind("}") + 1 :]


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
    lat_a, lon_a, ele_a = table.lat.append, table.lon.append, table.ele.append
    hr_a, cad_a, spd_a, pow_a = table.hr.append, table.cad.append, table.speed.append, table.power.append
    ep_a, off_a = table.epoch.append, table.offset.append
    grp_a, seg_a, line_a = table.group.append, table.segment.append, table.line.append
    try:
        for _event, el in ctx:
            tag = el.tag
            name = tag[tag.rfind("}") + 1 :]
            if name == "trkpt":
                lat_t, lon_t = el.get("lat"), el.get("lon")
                lat, lon = number(lat_t), number(lon_t)
                if lat != lat or lon != lon or abs(lat) > 90 or abs(lon) > 180:
                    table.bad_values.append(f"position ({lat_t}, {lon_t}) at line {el.sourceline}")
                    lat = lon = NAN
                ele = hr = cad = spd = pw = NAN
                time_text = None
                for child in el:
                    ctag = child.tag
                    cname = ctag[ctag.rfind("}") + 1 :]
                    if cname == "time":
                        time_text = child.text
                    elif cname == "ele":
                        ele = number(child.text)
                    elif cname == "extensions":
                        for sub in child.iter():
                            channel = _EXT_CHANNEL.get(_local(sub.tag).lower())
                            if channel is None:
                                continue
                            value = number(sub.text)
                            if value != value:
                                table.bad_values.append(
                                    f"{_local(sub.tag)} {sub.text!r} at line {sub.sourceline}"
                                )
                            elif channel == "hr":
                                hr = value
                            elif channel == "cad":
                                cad = value
                            elif channel == "speed":
                                spd = value
                            else:
                                pw = value
                epoch, offset = parse_time(time_text)
                if time_text and epoch != epoch:
                    table.bad_times.append(f"{time_text.strip()!r} at line {el.sourceline}")
                lat_a(lat), lon_a(lon), ele_a(ele), hr_a(hr), cad_a(cad), spd_a(spd), pow_a(pw)
                ep_a(epoch), off_a(offset), grp_a(group), seg_a(segment), line_a(el.sourceline or 0)
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
    sport = _SPORTS.get((raw_type or "").lower().strip())
    warns: list[str] = []
    if sport is None:
        sport = "unknown"
        warns.append(
            f"sport {raw_type!r} is not one retrostride knows: set it by editing the session"
            if raw_type
            else "the file names no sport: set it by editing the session"
        )
    if sport not in STEP_SPORTS and np.isfinite(np.frombuffer(table.cad)).any():
        warns.append("cadence kept as written (sport unknown, so not converted to steps)")
    session, more = _xml.build_session(
        path, table, sport=sport, home_time_zone=home_time_zone,
        group_names=names, group_word="track", double_cadence=sport in STEP_SPORTS,
    )
    session.title = next((nm for nm in names if nm), None)
    return [session], warns + more, recovered
