"""retrostride's own CSV layout -> one session (documented in ``docs/csv-layout.md``).

Two shapes, told apart by the header: one row per sample (a ``time`` or ``elapsed_s`` column)
or one row per segment (a ``segment`` column). Column names carry their units. Errors name the
row (1 = the header) and the column.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from retrostride.errors import FileRefused
from retrostride.importers.activity._common import home_offset_s, make_samples
from retrostride.log.model import Segment, Session
from retrostride.science.locomotion import Direction, Setting

SAMPLE_COLUMNS = {
    "elapsed_s": "elapsed_s",
    "distance_m": "distance_m",
    "speed_m_s": "speed_m_s",
    "heart_rate_bpm": "heart_rate_bpm",
    "cadence_spm": "cadence_spm",
    "incline_percent": "incline_percent",
    "altitude_m": "altitude_m",
    "latitude_deg": "latitude_deg",
    "longitude_deg": "longitude_deg",
    "power_w": "power_w",
}
SEGMENT_NUMBERS = (
    "duration_s",
    "distance_m",
    "speed_m_s",
    "incline_percent",
    "load_kg",
    "sled_kg",
    "heart_rate_bpm",
    "cadence_spm",
)
TEXT_COLUMNS = ("time", "start", "sport", "setting", "surface", "direction", "segment", "terrain")
"""``terrain``: back-compat, the former name of ``surface`` (read when there is no ``surface``)."""


def _refuse(path: Path, row: int, column: str, value: str, expected: str) -> FileRefused:
    return FileRefused(path, f"row {row}, column '{column}': {value!r} is not {expected}")


def _number(path: Path, row: int, column: str, text: str) -> float:
    if text == "":
        return float("nan")
    try:
        return float(text)
    except ValueError:
        raise _refuse(path, row, column, text, "a number") from None


def _time(path: Path, row: int, column: str, text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _refuse(path, row, column, text, "an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise _refuse(path, row, column, text, "a time with its UTC offset (e.g. +02:00 or Z)")
    return moment


def _enum(
    path: Path, row: int, column: str, text: str, kind: type[Direction] | type[Setting]
) -> str:
    values = [m.value for m in kind]
    if text not in values:
        raise _refuse(path, row, column, text, "one of " + ", ".join(values))
    return text


def parse(
    path: Path, stream: Path | io.BytesIO, *, salvage: bool, home_time_zone: str
) -> tuple[list[Session], list[str], str | None]:
    """One session from a CSV file in retrostride's layout."""
    raw = stream.read_bytes() if isinstance(stream, Path) else stream.getvalue()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRefused(path, f"CSV is not UTF-8 text (byte {exc.start})") from exc
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    rows = [r for r in reader if any(c.strip() for c in r)]
    warns = [
        f"ignored unknown column '{h}'"
        for h in header
        if h and h not in SAMPLE_COLUMNS and h not in SEGMENT_NUMBERS and h not in TEXT_COLUMNS
    ]
    if len(set(header)) != len(header):
        raise FileRefused(path, "row 1: a column name appears twice")
    col = {name: i for i, name in enumerate(header)}
    for n, r in enumerate(rows, start=2):
        if len(r) != len(header):
            raise FileRefused(path, f"row {n}: {len(r)} fields, the header has {len(header)}")
    if not rows:
        raise FileRefused(path, "no activity in it: the CSV has a header and no rows")
    sport = next(
        (r[col["sport"]].strip() for r in rows if "sport" in col and r[col["sport"]].strip()),
        "unknown",
    )
    setting = Setting.OVERGROUND
    if "setting" in col:
        first = next((r[col["setting"]].strip() for r in rows if r[col["setting"]].strip()), "")
        if first:
            setting = Setting(_enum(path, 2, "setting", first, Setting))
    ground = "surface" if "surface" in col else "terrain"  # back-compat: its former name
    grounds = (r[col[ground]].strip() for r in rows) if ground in col else iter(())
    surface = next((g for g in grounds if g), None)
    session = _segments(path, rows, col) if "segment" in col else _samples(path, rows, col)
    session.sport, session.setting, session.surface = sport, setting, surface
    if session.start_utc is None:
        warns.append("no time column: start unknown; set it by editing the session")
    elif session.utc_offset_s is None:
        session.utc_offset_s = home_offset_s(home_time_zone, session.start_utc)
        session.offset_assumed = True
    return [session], warns, None


def _directions(path: Path, rows: list[list[str]], col: dict[str, int]) -> list[str]:
    if "direction" not in col:
        return [Direction.UNKNOWN.value] * len(rows)
    out = []
    for n, r in enumerate(rows, start=2):
        value = r[col["direction"]].strip() or Direction.UNKNOWN.value
        out.append(_enum(path, n, "direction", value, Direction))
    return out


def _samples(path: Path, rows: list[list[str]], col: dict[str, int]) -> Session:
    if "time" not in col and "elapsed_s" not in col:
        raise FileRefused(path, "row 1: needs a 'time' or an 'elapsed_s' column (or 'segment')")
    start = None
    if "time" in col:
        times = [_time(path, n, "time", r[col["time"]].strip()) for n, r in enumerate(rows, 2)]
        start = times[0]
        t = np.array([(m - start).total_seconds() for m in times])
    else:
        t = np.array(
            [
                _number(path, n, "elapsed_s", r[col["elapsed_s"]].strip())
                for n, r in enumerate(rows, 2)
            ]
        )
    bad = np.flatnonzero(~np.isfinite(t) | (np.diff(t, prepend=t[0]) < 0))
    if bad.size:
        name = "time" if "time" in col else "elapsed_s"
        raise _refuse(
            path, int(bad[0]) + 2, name, rows[bad[0]][col[name]], "later than the row before"
        )
    t = t - t[0]
    columns = {}
    for name in SAMPLE_COLUMNS:
        if name in col and name != "elapsed_s":
            columns[name] = [
                _number(path, n, name, r[col[name]].strip()) for n, r in enumerate(rows, 2)
            ]
    samples = make_samples(t, columns)
    dirs = _directions(path, rows, col)
    segments: list[Segment] = []
    dist = samples.distance_m
    begin = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or dirs[i] != dirs[begin]:
            end = min(i, len(rows) - 1)
            segments.append(
                Segment(
                    start_offset_s=float(t[begin]),
                    elapsed_s=float(t[end] - t[begin]),
                    distance_m=None if dist is None else float(dist[end] - dist[begin]),
                    direction=Direction(dirs[begin]),
                    grade_percent=_mean(samples.incline_percent, begin, end),
                    speed_m_s=_mean(samples.speed_m_s, begin, end),
                )
            )
            begin = i
    offset = start.utcoffset() if start is not None else None
    return Session(
        sport="unknown",
        start_utc=start.astimezone(UTC) if start else None,
        utc_offset_s=int(offset.total_seconds()) if offset is not None else None,
        elapsed_s=float(t[-1]),
        distance_m=None if dist is None else float(np.nanmax(dist) - np.nanmin(dist)),
        samples=samples,
        segments=segments,
    )


def _mean(values: np.ndarray | None, a: int, b: int) -> float | None:
    if values is None:
        return None
    part = values[a : b + 1]
    part = part[np.isfinite(part)]
    return float(part.mean()) if part.size else None


def _segments(path: Path, rows: list[list[str]], col: dict[str, int]) -> Session:
    dirs = _directions(path, rows, col)
    start = None
    if "start" in col and rows[0][col["start"]].strip():
        start = _time(path, 2, "start", rows[0][col["start"]].strip())
    offset_s = 0.0
    segments = []
    for n, (r, d) in enumerate(zip(rows, dirs, strict=True), start=2):
        v = {k: _number(path, n, k, r[col[k]].strip()) for k in SEGMENT_NUMBERS if k in col}
        if "start" in col and r[col["start"]].strip() and start is not None:
            offset_s = (_time(path, n, "start", r[col["start"]].strip()) - start).total_seconds()
        dur = v.get("duration_s", float("nan"))
        dist = v.get("distance_m", float("nan"))
        speed = v.get("speed_m_s", float("nan"))
        if dist != dist and dur == dur and speed == speed:
            dist = dur * speed
        if speed != speed and dur == dur and dist == dist and dur > 0:
            speed = dist / dur
        segments.append(
            Segment(
                start_offset_s=offset_s,
                elapsed_s=None if dur != dur else dur,
                distance_m=None if dist != dist else dist,
                direction=Direction(d),
                speed_m_s=None if speed != speed else speed,
                grade_percent=_opt(v.get("incline_percent")),
                load_kg=_opt(v.get("load_kg")),
                sled_kg=_opt(v.get("sled_kg")),
                heart_rate_bpm=_opt(v.get("heart_rate_bpm")),
                cadence_spm=_opt(v.get("cadence_spm")),
            )
        )
        offset_s += dur if dur == dur else 0.0
    elapsed = [s.elapsed_s for s in segments]
    dists = [s.distance_m for s in segments]
    offset = start.utcoffset() if start is not None else None
    return Session(
        sport="unknown",
        start_utc=start.astimezone(UTC) if start else None,
        utc_offset_s=int(offset.total_seconds()) if offset is not None else None,
        elapsed_s=None if None in elapsed else float(sum(e or 0.0 for e in elapsed)),
        distance_m=None if None in dists else float(sum(d or 0.0 for d in dists)),
        segments=segments,
    )


def _opt(value: float | None) -> float | None:
    return None if value is None or value != value else value
