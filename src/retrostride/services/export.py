"""Export a person's log to a JSON bundle or a folder of CSV files, and restore it losslessly.

The layout is documented in ``docs/export-format.md``. Floats are written with Python's
shortest round-trip representation, NaN as ``null`` (JSON) or an empty cell (CSV), times as ISO
8601 UTC, so a restore gives back exactly what was exported: profile, mass history, every
session field, segments, samples, source-file identities (so re-importing a file stays refused
as a duplicate) and the import log.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session as OrmSession

from retrostride.errors import InputError, RetrostrideError
from retrostride.log.model import (
    SEGMENT_FIELDS,
    SESSION_FIELDS,
    BodyMass,
    Flag,
    Person,
    Samples,
    Segment,
    Session,
    Sex,
    SourceFile,
)
from retrostride.science.locomotion import Direction, Setting
from retrostride.services.log import DEFAULT_PERSON
from retrostride.store import repository as repo
from retrostride.store.db import Database, utc_now
from retrostride.store.models import ImportLogRow, SessionRow, SourceFileRow

FORMAT_NAME = "retrostride-log"
FORMAT_VERSION = 2
"""Version 2 names the ground ``surface``; version 1 (still read) named it ``terrain``."""

TIME_FIELDS = frozenset({"start_utc", "imported_at"})


class RestoreError(RetrostrideError):
    """A bundle that cannot be restored (wrong format, or clashes with the log)."""


@dataclass(slots=True)
class Bundle:
    """A person's whole log in memory."""

    person: Person
    sessions: list[Session]
    import_log: list[dict[str, Any]]


# ----------------------------------------------------------------------------- reading the log


def read_bundle(database: Database, person_name: str = DEFAULT_PERSON) -> Bundle:
    with database.transaction() as db:
        person_row = repo.get_or_create_person(db, person_name)
        sessions = [
            repo.session_to_domain(db, row) for row in repo.list_session_rows(db, person_row.id)
        ]
        log = [
            {
                "at": _time_text(r.at),
                "file_name": r.file_name,
                "sha256": r.sha256,
                "outcome": r.outcome,
                "message": r.message,
                "session_ids": r.session_ids,
            }
            for r in db.scalars(
                select(ImportLogRow)
                .where(ImportLogRow.person_id == person_row.id)
                .order_by(ImportLogRow.id)
            )
        ]
        return Bundle(repo.person_to_domain(person_row), sessions, log)


def _time_text(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _scalar(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value.value if hasattr(value, "value") else value


def _array(values: Any) -> list[float | None]:
    return [None if v != v else v for v in values.tolist()]  # NaN -> null


def session_to_json(session: Session) -> dict[str, Any]:
    out: dict[str, Any] = {name: _scalar(getattr(session, name)) for name in SESSION_FIELDS}
    out["warnings"] = list(session.warnings)
    out["flags"] = [f.to_dict() for f in session.flags]
    out["source"] = (
        None
        if session.source is None
        else {
            "name": session.source.name,
            "format": session.source.format,
            "sha256": session.source.sha256,
            "size_bytes": session.source.size_bytes,
        }
    )
    out["segments"] = [
        {name: _scalar(getattr(seg, name)) for name in SEGMENT_FIELDS} for seg in session.segments
    ]
    out["samples"] = (
        None
        if session.samples is None
        else {name: _array(values) for name, values in session.samples.channels().items()}
    )
    return out


def person_to_json(person: Person) -> dict[str, Any]:
    return {
        "name": person.name,
        "home_time_zone": person.home_time_zone,
        "height_m": person.height_m,
        "birth_year": person.birth_year,
        "sex": person.sex.value if person.sex else None,
        "body_mass": [{"on": m.on.isoformat(), "mass_kg": m.mass_kg} for m in person.body_mass],
    }


def bundle_to_json(bundle: Bundle) -> dict[str, Any]:
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "exported_at": utc_now().isoformat(),
        "person": person_to_json(bundle.person),
        "sessions": [session_to_json(s) for s in bundle.sessions],
        "import_log": bundle.import_log,
    }


def export_json(database: Database, target: Path, person_name: str = DEFAULT_PERSON) -> int:
    """Write the person's log to ``target`` (JSON); returns the number of sessions."""
    bundle = read_bundle(database, person_name)
    document = bundle_to_json(bundle)
    tmp = target.with_name(target.name + ".part")  # the target appears whole or not at all
    try:
        with tmp.open("w", encoding="utf-8") as handle:
            json.dump(document, handle, ensure_ascii=False, allow_nan=False)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    return len(bundle.sessions)


# ----------------------------------------------------------------------------- parsing a bundle


def _time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _float_array(values: list[float | None]) -> Any:
    import numpy as np

    return np.array([math.nan if v is None else v for v in values], dtype=np.float64)


def session_from_json(data: dict[str, Any]) -> Session:
    fields: dict[str, Any] = {}
    for name in SESSION_FIELDS:
        value = data.get(name)
        fields[name] = _time(value) if name in TIME_FIELDS else value
    fields["setting"] = Setting(fields["setting"])
    segments = [
        Segment(**{**seg, "direction": Direction(seg["direction"])}) for seg in data["segments"]
    ]
    samples = None
    if data.get("samples") is not None:
        channels = {k: _float_array(v) for k, v in data["samples"].items()}
        samples = Samples(**channels)
    source = SourceFile(**data["source"]) if data.get("source") else None
    return Session(
        **fields,
        segments=segments,
        samples=samples,
        source=source,
        warnings=list(data.get("warnings", [])),
        flags=[Flag.from_dict(f) for f in data.get("flags", [])],
    )


def person_from_json(data: dict[str, Any]) -> Person:
    return Person(
        name=data["name"],
        home_time_zone=data["home_time_zone"],
        height_m=data["height_m"],
        birth_year=data["birth_year"],
        sex=Sex(data["sex"]) if data["sex"] else None,
        body_mass=[BodyMass(date.fromisoformat(m["on"]), m["mass_kg"]) for m in data["body_mass"]],
    )


def log_v1_to_v2(document: Any) -> Any:
    """A ``retrostride-log`` version-1 document in the shape of version 2; others unchanged.

    Back-compat reader: version 1 named a session's ground ``terrain`` (now ``surface``).
    """
    if not isinstance(document, dict) or document.get("version") != 1:
        return document
    sessions = document.get("sessions")
    if isinstance(sessions, list):
        sessions = [
            {("surface" if k == "terrain" else k): v for k, v in s.items()}  # the old name
            if isinstance(s, dict) and "surface" not in s else s
            for s in sessions
        ]
    return {**document, "version": 2, "sessions": sessions}


def bundle_from_json(document: dict[str, Any], origin: str) -> Bundle:
    if document.get("format") != FORMAT_NAME:
        raise InputError(origin, document.get("format"), f"a {FORMAT_NAME} bundle")
    document = log_v1_to_v2(document)
    if document.get("version") != FORMAT_VERSION:
        raise InputError(
            origin, document.get("version"), f"bundle version {FORMAT_VERSION} (or 1)"
        )
    return Bundle(
        person_from_json(document["person"]),
        [session_from_json(s) for s in document["sessions"]],
        list(document.get("import_log", [])),
    )


def load_bundle(source: Path) -> Bundle:
    """A bundle from a JSON file or a CSV folder (see :mod:`retrostride.services.export_csv`)."""
    if source.is_dir():
        from retrostride.services.export_csv import read_csv_bundle

        return read_csv_bundle(source)
    try:
        with source.open(encoding="utf-8") as handle:
            document = json.load(handle)
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise InputError(
            "bundle", str(source), f"a readable retrostride JSON bundle or CSV folder ({reason})"
        ) from exc
    return bundle_from_json(document, str(source))


# ----------------------------------------------------------------------------- restoring


def restore(
    database: Database, source: Path, person_name: str | None = None, *, merge: bool = False
) -> int:
    """Restore a bundle into the log in one transaction; returns the number of sessions.

    Into an empty log the sessions keep their ids. With ``merge`` the bundle is added to a log
    that already has sessions: they get new ids and exact duplicates (same file) are skipped.
    """
    bundle = load_bundle(source)
    name = person_name or bundle.person.name
    with database.transaction() as db:
        row = repo.get_or_create_person(db, name)
        has_sessions = db.scalar(
            select(func.count()).select_from(SessionRow).where(SessionRow.person_id == row.id)
        )
        if has_sessions and not merge:
            raise RestoreError(
                f"the log of {name!r} already has sessions: restore into an empty log, or merge"
            )
        keep_ids = not merge and not _ids_taken(db, [s.id for s in bundle.sessions])
        repo.apply_person(row, bundle.person)
        restored = _restore_sessions(db, row.id, bundle.sessions, keep_ids=keep_ids)
        for entry in bundle.import_log:
            db.add(ImportLogRow(person_id=row.id, **{**entry, "at": _time(entry["at"])}))
        if keep_ids and db.bind is not None and db.bind.dialect.name == "postgresql":
            db.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('session', 'id'), "
                    "(SELECT COALESCE(MAX(id), 1) FROM session))"
                )
            )
        return restored


def _ids_taken(db: OrmSession, ids: list[int | None]) -> bool:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return False
    return bool(db.scalar(select(func.count()).where(SessionRow.id.in_(wanted))))


def _restore_sessions(
    db: OrmSession, person_id: int, sessions: list[Session], *, keep_ids: bool
) -> int:
    sources: dict[str, int | None] = {}
    count = 0
    for session in sessions:
        source_id = None
        if session.source is not None:
            sha = session.source.sha256
            if sha not in sources:
                existing = repo.find_source_by_sha(db, person_id, sha)
                if existing is not None:
                    sources[sha] = None  # merge: the same file is already in the log
                else:
                    sources[sha] = repo.add_source_file(db, person_id, session.source).id
            source_id = sources[sha]
            if source_id is None:
                continue
        wanted_id = session.id if keep_ids else None
        session.id = None
        row = repo.add_session(
            db,
            person_id,
            session,
            source_file_id=source_id,
            imported_at=session.imported_at,
            session_id=wanted_id,
        )
        if source_id is not None:
            _keep_source_time(db, source_id, row)
        count += 1
    return count


def _keep_source_time(db: OrmSession, source_id: int, row: SessionRow) -> None:
    source = db.get(SourceFileRow, source_id)
    if source is not None:
        source.imported_at = row.imported_at
