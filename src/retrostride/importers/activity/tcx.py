"""TCX (Garmin Training Center Database v2) -> sessions, streamed with lxml ``iterparse``.

One session per ``Activity`` (several share a ``group``); each ``Lap`` becomes a segment with the
lap's own totals (TotalTimeSeconds as moving time, DistanceMeters, Calories, average heart rate
and cadence) unless points of that lap were dropped, when the totals are recomputed from the
kept points. Trackpoints keep time, position (optional: indoor files have none), altitude,
the device's distance, heart rate, cadence and the ActivityExtension v2 (``TPX``) Speed,
RunCadence and Watts. Garmin's RunCadence counts one leg, so running cadence is doubled to
steps per minute. A file with only ``Course`` elements holds no activity and is refused.
"""

from __future__ import annotations

import io
from array import array
from pathlib import Path
from typing import Any

from lxml import etree

from retrostride.errors import FileRefused
from retrostride.importers.activity import _xml
from retrostride.importers.activity._common import NAN, STEP_SPORTS
from retrostride.importers.activity._points import TIME_CHUNK, PointTable, number, parse_time
from retrostride.log.model import Session

_SPORTS = {"running": "running", "biking": "cycling", "walking": "walking", "hiking": "hiking"}
_POINT_FIELDS = {
    "LatitudeDegrees": 0,
    "LongitudeDegrees": 1,
    "AltitudeMeters": 2,
    "DistanceMeters": 3,
    "Value": 4,
    "Cadence": 5,
    "RunCadence": 5,
    "Speed": 6,
    "Watts": 7,
    "Time": 8,
}


def _local(tag: Any) -> str:
    return tag[tag.rfind("}") + 1 :] if isinstance(tag, str) else ""


def _lap_totals(lap: Any) -> _xml.GroupTotals:
    start = lap.get("StartTime")
    values: dict[str, float] = {}
    for child in lap:
        name = _local(child.tag)
        if name in ("TotalTimeSeconds", "DistanceMeters", "Calories", "Cadence"):
            values[name] = number(child.text)
        elif name == "AverageHeartRateBpm":
            for sub in child:
                if _local(sub.tag) == "Value":
                    values["hr"] = number(sub.text)
        elif name == "Extensions":
            for sub in child.iter():
                if _local(sub.tag) == "AvgRunCadence":
                    values["Cadence"] = number(sub.text)

    def get(key: str) -> float | None:
        value = values.get(key, NAN)
        return None if value != value else value

    epoch, _ = parse_time(start)
    return _xml.GroupTotals(
        start_utc_s=None if epoch != epoch else epoch,
        elapsed_s=get("TotalTimeSeconds"),
        distance_m=get("DistanceMeters"),
        device_kcal=get("Calories"),
        heart_rate_bpm=get("hr"),
        cadence=get("Cadence"),
    )


def _activities(stream: Path | io.BytesIO) -> tuple[list[dict[str, Any]], int, str | None]:
    """Per Activity: sport, point table and lap totals; also the Course count and any fault."""
    acts: list[dict[str, Any]] = []
    laps: list[_xml.GroupTotals] = []
    courses = 0
    fault = None
    ctx = etree.iterparse(
        str(stream) if isinstance(stream, Path) else stream,
        events=("end",),
        tag=("{*}Trackpoint", "{*}Lap", "{*}Activity", "{*}Course", "{*}Track"),
        remove_comments=True,
        resolve_entities=False,
        no_network=True,
        huge_tree=True,
    )
    segment = 0
    codes: dict[Any, int] = {}
    names: dict[Any, str] = {}
    table = PointTable()
    values: array[float] = array("d")
    times: list[str | None] = []
    table_bad: list[str] = []
    add_row, add_time = values.extend, times.append

    def finish() -> PointTable:
        nonlocal table, values, add_row
        done = table
        done.fill(values, times)
        done.bad_values.extend(table_bad)
        table, values = PointTable(), array("d")
        add_row = values.extend
        table_bad.clear()
        return done

    try:
        for _event, el in ctx:
            name = names.get(el.tag)
            if name is None:
                name = names[el.tag] = _local(el.tag)
            if name == "Trackpoint":
                row = [NAN] * 8
                time_text = None
                for sub in el.iter():
                    stag = sub.tag
                    code = codes.get(stag)
                    if code is None:
                        code = codes[stag] = _POINT_FIELDS.get(_local(stag), -1)
                    if code < 0:
                        continue
                    if code == 8:
                        time_text = sub.text
                        continue
                    try:
                        row[code] = float(sub.text)
                    except (TypeError, ValueError):
                        if sub.text and sub.text.strip():
                            table_bad.append(
                                f"{_local(stag)} {sub.text!r} at line {sub.sourceline}"
                            )
                add_row((*row, len(laps), segment, el.sourceline or 0))
                add_time(time_text)
                if len(times) >= TIME_CHUNK:
                    table.flush_times(values, times)
                el.clear(keep_tail=False)
                parent = el.getparent()
                if parent is not None:
                    while el.getprevious() is not None:
                        del parent[0]
            elif name == "Track":
                segment += 1
                el.clear(keep_tail=False)
            elif name == "Lap":
                laps.append(_lap_totals(el))
                el.clear(keep_tail=False)
            elif name == "Activity":
                acts.append({"sport": el.get("Sport"), "table": finish(), "laps": laps})
                laps = []
                el.clear(keep_tail=False)
            elif name == "Course":
                courses += 1
                el.clear(keep_tail=False)
    except etree.XMLSyntaxError as exc:
        fault = f"XML ends or breaks part-way (line {exc.lineno}: {exc.msg})"
        if times or values:
            acts.append({"sport": None, "table": finish(), "laps": laps, "partial": True})
    return acts, courses, fault


def parse(
    path: Path, stream: Path | io.BytesIO, *, salvage: bool, home_time_zone: str
) -> tuple[list[Session], list[str], str | None]:
    """Sessions (one per Activity), warnings and the salvage note of one TCX file."""
    acts, courses, fault = _activities(stream)
    n_points = sum(len(a["table"]) for a in acts)
    recovered = _xml.check_fault(path, fault, n_points, salvage)
    if not acts:
        what = f"only {courses} Course(s) (a planned route)" if courses else "no Activity"
        raise FileRefused(path, f"no activity in it: the TCX file has {what}")
    sessions: list[Session] = []
    warns: list[str] = []
    for act in acts:
        table: PointTable = act["table"]
        raw = act["sport"]
        sport = _SPORTS.get((raw or "").lower(), (raw or "unknown").lower())
        if sport not in STEP_SPORTS and sport != "cycling":
            warns.append(f"TCX sport {raw!r}: kept as {sport!r}; set it by editing the session")
        if len(table) < 2:
            if len(acts) == 1:
                raise FileRefused(path, f"no activity in it: {len(table)} trackpoint(s)")
            warns.append(f"skipped an Activity with {len(table)} trackpoint(s)")
            continue
        session, more = _xml.build_session(
            path,
            table,
            sport=sport,
            home_time_zone=home_time_zone,
            group_names=[None] * len(act["laps"]),
            group_word="lap",
            double_cadence=sport in STEP_SPORTS,
            group_totals=act["laps"] or None,
        )
        sessions.append(session)
        warns.extend(more)
    return sessions, warns, recovered
