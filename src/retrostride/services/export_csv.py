"""The CSV form of the export bundle: a folder of CSV files (layout in ``docs/export-format.md``).

Each CSV is UTF-8 with a header row. Numbers are written with Python's shortest round-trip
representation; an empty cell is a missing value (NaN in samples, none elsewhere).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from retrostride.errors import InputError
from retrostride.log.model import SEGMENT_FIELDS, SESSION_FIELDS
from retrostride.services.export import (
    FORMAT_NAME,
    FORMAT_VERSION,
    Bundle,
    bundle_from_json,
    person_to_json,
    read_bundle,
    session_to_json,
)
from retrostride.services.log import DEFAULT_PERSON
from retrostride.store.db import Database, utc_now

_INT_FIELDS = frozenset(
    {"id", "utc_offset_s", "birth_year", "size_bytes", "session_id", "position"}
)
_BOOL_FIELDS = frozenset({"offset_assumed"})
_TEXT_FIELDS = frozenset(
    {
        "sport",
        "sub_sport",
        "start_utc",
        "imported_at",
        "setting",
        "surface",
        "terrain",  # back-compat: the column's name in CSV folders of log version 1
        "device",
        "title",
        "notes",
        "energy_source",
        "energy_model_version",
        "group",
        "recovered",
        "direction",
        "name",
        "home_time_zone",
        "sex",
        "on",
        "at",
        "file_name",
        "sha256",
        "outcome",
        "message",
        "session_ids",
        "format",
        "warnings",
        "channels",
    }
)
SOURCE_FIELDS = ("name", "format", "sha256", "size_bytes")
LOG_FIELDS = ("at", "file_name", "sha256", "outcome", "message", "session_ids")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _value(column: str, cell: str) -> Any:
    name = column.removeprefix("source_")
    if cell == "":
        return "" if name in {"notes", "message", "session_ids"} else None
    if name in _BOOL_FIELDS:
        return cell == "true"
    if name in _INT_FIELDS:
        return int(cell)
    if name in _TEXT_FIELDS:
        return cell
    return float(cell)


def _write(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows([_cell(v) for v in row] for row in rows)


def _read(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise InputError(str(path.parent), path.name, "a CSV export folder with this file")
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: _value(k, v) for k, v in row.items()} for row in csv.DictReader(handle)]


def export_csv(database: Database, folder: Path, person_name: str = DEFAULT_PERSON) -> int:
    """Write the person's log as CSV files into ``folder`` (created); returns the session count."""
    bundle = read_bundle(database, person_name)
    folder.mkdir(parents=True, exist_ok=True)
    write_csv_bundle(bundle, folder)
    return len(bundle.sessions)


def write_csv_bundle(bundle: Bundle, folder: Path) -> None:
    manifest = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "layout": "csv",
        "exported_at": utc_now().isoformat(),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    person = person_to_json(bundle.person)
    person_cols = ["name", "home_time_zone", "height_m", "birth_year", "sex"]
    _write(folder / "person.csv", person_cols, [[person[c] for c in person_cols]])
    _write(
        folder / "body_mass.csv",
        ["on", "mass_kg"],
        [[m["on"], m["mass_kg"]] for m in person["body_mass"]],
    )
    session_cols = [
        *SESSION_FIELDS,
        "warnings",
        "channels",
        *(f"source_{f}" for f in SOURCE_FIELDS),
    ]
    session_rows, segment_rows = [], []
    samples_path = folder / "samples.csv"
    channel_names = ["time_s", *_all_channels()]
    with samples_path.open("w", encoding="utf-8", newline="") as handle:
        samples_writer = csv.writer(handle)
        samples_writer.writerow(["session_id", *channel_names])
        for session in bundle.sessions:
            data = session_to_json(session)
            source = data["source"] or {}
            samples = data["samples"]
            session_rows.append(
                [
                    *(data[f] for f in SESSION_FIELDS),
                    json.dumps(data["warnings"], ensure_ascii=False),
                    ",".join(samples) if samples is not None else None,
                    *(source.get(f) for f in SOURCE_FIELDS),
                ]
            )
            for position, seg in enumerate(data["segments"]):
                segment_rows.append([data["id"], position, *(seg[f] for f in SEGMENT_FIELDS)])
            if samples is not None:
                columns = [samples.get(name) for name in channel_names]
                for i in range(len(samples["time_s"])):
                    samples_writer.writerow(
                        [data["id"], *(_cell(c[i]) if c is not None else "" for c in columns)]
                    )
    _write(folder / "sessions.csv", session_cols, session_rows)
    _write(folder / "segments.csv", ["session_id", "position", *SEGMENT_FIELDS], segment_rows)
    _write(
        folder / "import_log.csv",
        list(LOG_FIELDS),
        [[e[f] for f in LOG_FIELDS] for e in bundle.import_log],
    )


def _all_channels() -> tuple[str, ...]:
    from retrostride.log.model import Samples

    return Samples.CHANNELS


def read_csv_bundle(folder: Path) -> Bundle:
    """The bundle written by :func:`write_csv_bundle`."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(str(folder), "manifest.json", "a CSV export folder") from exc
    people = _read(folder / "person.csv")
    if len(people) != 1:
        raise InputError(str(folder / "person.csv"), len(people), "exactly one person row")
    person = {**people[0], "body_mass": _read(folder / "body_mass.csv")}
    segments: dict[int, list[dict[str, Any]]] = {}
    for row in _read(folder / "segments.csv"):
        segments.setdefault(row.pop("session_id"), []).append(row)
    samples: dict[int, dict[str, list[Any]]] = {}
    with (folder / "samples.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            sid = int(row.pop("session_id"))
            channels = samples.setdefault(sid, {})
            for name, cell in row.items():
                channels.setdefault(name, []).append(None if cell == "" else float(cell))
    sessions = []
    for row in _read(folder / "sessions.csv"):
        sid = row["id"]
        wanted = row["channels"].split(",") if row["channels"] else None
        session = {f: row[f] for f in SESSION_FIELDS if f != "surface"}
        # back-compat: folders of log version 1 name the column `terrain`
        session["surface"] = row["surface"] if "surface" in row else row.get("terrain")
        session["warnings"] = json.loads(row["warnings"] or "[]")
        session["source"] = (
            {f: row[f"source_{f}"] for f in SOURCE_FIELDS} if row["source_sha256"] else None
        )
        session["segments"] = [
            {f: seg.get(f) for f in SEGMENT_FIELDS}  # a field added since: absent, None
            for seg in sorted(segments.get(sid, []), key=lambda s: s["position"])
        ]
        session["samples"] = (
            None
            if wanted is None
            else {name: samples.get(sid, {}).get(name, []) for name in wanted}
        )
        sessions.append(session)
    document = {
        "format": manifest.get("format"),
        "version": manifest.get("version"),
        "person": person,
        "sessions": sessions,
        "import_log": _read(folder / "import_log.csv"),
    }
    return bundle_from_json(document, str(folder))
