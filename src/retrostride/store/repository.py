"""Reading and writing the log's domain objects (:mod:`retrostride.log.model`) as table rows.

Every function takes an open ORM session; the caller owns the transaction (one per imported file
in the import service), so a failure anywhere rolls back everything the file wrote.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import Connection, bindparam, delete, exists, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as OrmSession

from retrostride.log.model import (
    BodyMass,
    Flag,
    Person,
    Samples,
    Segment,
    Session,
    Sex,
    SourceFile,
)
from retrostride.science.geo import great_circle_m
from retrostride.science.locomotion import Direction, Setting
from retrostride.store.db import utc_now
from retrostride.store.models import (
    BodyMassRow,
    ImportLogRow,
    PersonRow,
    SamplesRow,
    SegmentRow,
    SessionRow,
    SourceBlobRow,
    SourceFileRow,
)
from retrostride.store.programs import EnrolmentRow
from retrostride.store.samples import CODEC, decode_samples, encode_samples

PROBABLE_DUPLICATE_WINDOW_S = 60.0
"""Two sessions of one sport starting this close [s] and overlapping are probably one activity."""
SAME_PLACE_M = 100.0
"""Where a start time is unknown: first positions this close [m] ..."""
SAME_DISTANCE_FRACTION = 0.1
"""... and distances within this fraction of each other mean probably one activity."""

# ---------------------------------------------------------------------------------- people


def find_person(db: OrmSession, name: str) -> PersonRow | None:
    return db.scalars(select(PersonRow).where(PersonRow.name == name)).one_or_none()


_PERSON_ID = select(PersonRow.id).where(PersonRow.name == bindparam("name"))


def find_person_id(db: OrmSession | Connection, name: str) -> int | None:
    """The id of the person called ``name`` (no row loaded), or None."""
    found = db.execute(_PERSON_ID, {"name": name}).scalar()
    return None if found is None else int(found)


_PERSON_FLAGS = select(
    exists().where(BodyMassRow.person_id == bindparam("person_id")),
    exists().where(
        EnrolmentRow.person_id == bindparam("person_id"), EnrolmentRow.status == "active"
    ),
)


def person_flags(db: OrmSession | Connection, person_id: int) -> tuple[bool, bool]:
    """Whether the person has any body-mass measurement, and whether they are on a program
    now: two index probes in one statement, no row loaded."""
    has_mass, enrolled = db.execute(_PERSON_FLAGS, {"person_id": person_id}).one()
    return bool(has_mass), bool(enrolled)


def get_or_create_person(db: OrmSession, name: str) -> PersonRow:
    """The person called ``name``, created with default settings on first use.

    Safe when two processes create the same person at once: the loser's insert is undone by a
    savepoint and it reads the winner's row.
    """
    row = find_person(db, name)
    if row is not None:
        return row
    row = PersonRow(name=name, home_time_zone="UTC", created_at=utc_now())
    try:
        with db.begin_nested():
            db.add(row)
    except IntegrityError:
        existing = find_person(db, name)
        if existing is None:
            raise
        return existing
    return row


_PERSON_LOCK_SPACE = 0x7274  # "rt": the first key of PostgreSQL advisory locks on a person


def lock_person_log(db: OrmSession, person_id: int) -> None:
    """Serialise writers of one person's log until the transaction ends.

    The probable-duplicate check and the insert that follows it must not interleave with another
    process's. SQLite already serialises every write transaction (``BEGIN IMMEDIATE``);
    PostgreSQL takes a transaction-scoped advisory lock.
    """
    bind = db.get_bind()
    if bind.dialect.name == "postgresql":
        db.execute(
            text("SELECT pg_advisory_xact_lock(:space, :person)"),
            {"space": _PERSON_LOCK_SPACE, "person": person_id},
        )


def person_to_domain(row: PersonRow) -> Person:
    return Person(
        name=row.name,
        home_time_zone=row.home_time_zone,
        height_m=row.height_m,
        birth_year=row.birth_year,
        sex=Sex(row.sex) if row.sex else None,
        body_mass=[BodyMass(on=m.on, mass_kg=m.mass_kg) for m in row.body_mass],
    )


def apply_person(row: PersonRow, person: Person) -> None:
    """Write ``person``'s profile and whole mass history onto ``row`` (the name is kept)."""
    row.home_time_zone = person.home_time_zone
    row.height_m = person.height_m
    row.birth_year = person.birth_year
    row.sex = person.sex.value if person.sex else None
    by_day = {m.on: m.mass_kg for m in person.body_mass}
    for existing in list(row.body_mass):
        if existing.on not in by_day:
            row.body_mass.remove(existing)
        else:
            existing.mass_kg = by_day.pop(existing.on)
    for day, mass in by_day.items():
        row.body_mass.append(BodyMassRow(on=day, mass_kg=mass))


# ---------------------------------------------------------------------------------- files


def find_source_by_sha(db: OrmSession, person_id: int, sha256: str) -> SourceFileRow | None:
    query = select(SourceFileRow).where(
        SourceFileRow.person_id == person_id, SourceFileRow.sha256 == sha256
    )
    return db.scalars(query).one_or_none()


def add_source_file(db: OrmSession, person_id: int, source: SourceFile) -> SourceFileRow:
    row = SourceFileRow(
        person_id=person_id,
        name=source.name,
        format=source.format,
        sha256=source.sha256,
        size_bytes=source.size_bytes,
        imported_at=utc_now(),
    )
    db.add(row)
    db.flush()
    return row


_BLOB_CHUNK = 1 << 20
"""Bytes written at a time into SQLite's blob of an original file."""


def _write_blob(
    db: OrmSession, table: str, key: int, parts: Iterable[bytes | bytearray]
) -> None:
    """Write ``parts`` one after the other into the zero-filled blob ``data`` of row ``key``
    (its rowid) of SQLite table ``table``, a megabyte at a time (incremental blob I/O)."""
    raw = db.connection().connection.driver_connection
    assert raw is not None  # an open transaction's connection
    with raw.blobopen(table, "data", key) as blob:
        for part in parts:
            view = memoryview(part)
            for start in range(0, len(view), _BLOB_CHUNK):
                blob.write(view[start : start + _BLOB_CHUNK])


def keep_original(db: OrmSession, source_file_id: int, data: bytes | bytearray) -> None:
    """Keep an imported file's exact bytes beside its source-file row.

    On SQLite the row is inserted with a zero-filled blob of the file's size, then the bytes are
    written into it a megabyte at a time (incremental blob I/O): binding the whole file as a
    parameter would have SQLite copy it twice (the bound value, then the row it builds), 40 MB
    at the peak of a 20 MB import. PostgreSQL takes the bytes as one parameter."""
    if db.connection().dialect.name != "sqlite" or not data:
        db.add(SourceBlobRow(source_file_id=source_file_id, data=data))
        return
    db.execute(
        text("INSERT INTO source_blob (source_file_id, data) VALUES (:id, zeroblob(:size))"),
        {"id": source_file_id, "size": len(data)},
    )
    _write_blob(db, "source_blob", source_file_id, [data])


def keep_original_parts(
    db: OrmSession, source_file_id: int, size: int, parts: Iterable[bytes]
) -> None:
    """As :func:`keep_original`, the bytes given in pieces (``size`` in all), for an import that
    no longer holds the whole file: on SQLite each piece is written into the row's blob as it
    comes, so the file is never in memory at once. An exception raised by ``parts`` (a file
    that changed since it was read) leaves the transaction to be rolled back."""
    if db.connection().dialect.name != "sqlite" or not size:
        db.add(SourceBlobRow(source_file_id=source_file_id, data=b"".join(parts)))
        return
    db.execute(
        text("INSERT INTO source_blob (source_file_id, data) VALUES (:id, zeroblob(:size))"),
        {"id": source_file_id, "size": size},
    )
    _write_blob(db, "source_blob", source_file_id, parts)


def add_samples(db: OrmSession, session_id: int, samples: Samples) -> None:
    """Store a session's samples (``store.samples``); on SQLite the compressed channels are
    written one after the other into the row's blob (no joined copy, no bound copies), those
    of large samples as they are compressed (:data:`_ONE_PASS_BYTES`)."""
    if db.connection().dialect.name != "sqlite":
        db.add(samples_row(session_id, samples))
        return
    from retrostride.store.samples import blob_size, compressed_lengths, iter_parts, raw_size

    n_points, channels = len(samples), ",".join(samples.channels())
    parts: Iterable[bytes]
    if raw_size(samples) <= _ONE_PASS_BYTES:
        parts = list(iter_parts(samples))
        size = sum(len(p) for p in parts)
    else:
        # Large samples: compressed twice (zlib is deterministic), once for the blob's size and
        # once as they are written, so that only a piece of compressed bytes is held at a time.
        lengths = compressed_lengths(samples)
        size = blob_size(lengths)
        parts = iter_parts(samples, lengths)
    db.execute(
        text(
            "INSERT INTO samples (session_id, n_points, channels, codec, data) "
            "VALUES (:id, :n, :channels, :codec, zeroblob(:size))"
        ),
        {
            "id": session_id,
            "n": n_points,
            "channels": channels,
            "codec": CODEC,
            "size": size,
        },
    )
    _write_blob(db, "samples", session_id, parts)


_ONE_PASS_BYTES = 8 << 20
"""Samples up to this size as float64 (8 MB: about 100,000 records of ten channels) are
compressed once and held compressed until written; larger ones are compressed twice."""


def originals(db: OrmSession, person_id: int) -> list[tuple[SourceFileRow, bytes]]:
    """The person's imported files that have their bytes kept, oldest first."""
    rows = db.execute(
        select(SourceFileRow, SourceBlobRow.data)
        .join(SourceBlobRow, SourceBlobRow.source_file_id == SourceFileRow.id)
        .where(SourceFileRow.person_id == person_id)
        .order_by(SourceFileRow.id)
    )
    return [(row, bytes(data)) for row, data in rows]


def log_import(
    db: OrmSession,
    person_id: int,
    file_name: str,
    outcome: str,
    *,
    sha256: str | None = None,
    message: str = "",
    session_ids: Sequence[int] = (),
) -> None:
    db.add(
        ImportLogRow(
            person_id=person_id,
            at=utc_now(),
            file_name=file_name,
            sha256=sha256,
            outcome=outcome,
            message=message,
            session_ids=",".join(str(i) for i in session_ids),
        )
    )


# ---------------------------------------------------------------------------------- sessions


def _segment_row(position: int, seg: Segment) -> SegmentRow:
    return SegmentRow(
        position=position,
        start_offset_s=seg.start_offset_s,
        elapsed_s=seg.elapsed_s,
        moving_s=seg.moving_s,
        distance_m=seg.distance_m,
        direction=Direction(seg.direction).value,
        speed_m_s=seg.speed_m_s,
        grade_percent=seg.grade_percent,
        load_kg=seg.load_kg,
        sled_kg=seg.sled_kg,
        heart_rate_bpm=seg.heart_rate_bpm,
        cadence_spm=seg.cadence_spm,
        device_kcal=seg.device_kcal,
        side_stepping_s=seg.side_stepping_s,
    )


def _segment_to_domain(row: SegmentRow) -> Segment:
    return Segment(
        start_offset_s=row.start_offset_s,
        elapsed_s=row.elapsed_s,
        moving_s=row.moving_s,
        distance_m=row.distance_m,
        direction=Direction(row.direction),
        speed_m_s=row.speed_m_s,
        grade_percent=row.grade_percent,
        load_kg=row.load_kg,
        sled_kg=row.sled_kg,
        heart_rate_bpm=row.heart_rate_bpm,
        cadence_spm=row.cadence_spm,
        device_kcal=row.device_kcal,
        side_stepping_s=row.side_stepping_s,
    )


_SCALARS = (
    "sport",
    "sub_sport",
    "start_utc",
    "utc_offset_s",
    "offset_assumed",
    "elapsed_s",
    "moving_s",
    "distance_m",
    "surface",
    "device",
    "title",
    "notes",
    "rpe",
    "pain_before",
    "pain_after",
    "safety_event",
    "device_kcal",
    "group",
    "recovered",
    "energy_kcal",
    "energy_source",
    "energy_model_version",
)


def add_session(
    db: OrmSession,
    person_id: int,
    session: Session,
    *,
    source_file_id: int | None = None,
    imported_at: datetime | None = None,
    session_id: int | None = None,
) -> SessionRow:
    """Insert ``session`` with its segments and samples; sets ``session.id`` and ``imported_at``.

    ``session_id`` forces the id (restoring a backup into an empty log); else one is assigned.
    """
    when = imported_at or session.imported_at or utc_now()
    row = SessionRow(
        id=session_id,
        person_id=person_id,
        source_file_id=source_file_id,
        imported_at=when,
        setting=Setting(session.setting).value,
        warnings_json=json.dumps(list(session.warnings)),
        flags_json=flags_to_json(session.flags),
        **{name: getattr(session, name) for name in _SCALARS},
    )
    row.start_latitude_deg, row.start_longitude_deg = first_position(session.samples)
    row.segments = [_segment_row(i, seg) for i, seg in enumerate(session.segments)]
    db.add(row)
    db.flush()
    if session.samples is not None:
        add_samples(db, row.id, session.samples)
    session.id = row.id
    session.imported_at = when
    return row


def flags_to_json(flags: Sequence[Flag]) -> str:
    """The session's flags as stored in ``session.flags_json``."""
    return json.dumps([f.to_dict() for f in flags])


def first_position(samples: Samples | None) -> tuple[float | None, float | None]:
    """The first finite (latitude, longitude) of the samples [deg], or (None, None)."""
    if samples is None or samples.latitude_deg is None or samples.longitude_deg is None:
        return None, None
    finite = np.isfinite(samples.latitude_deg) & np.isfinite(samples.longitude_deg)
    i = int(np.argmax(finite))  # no index array of every point (a long file's is large)
    if not finite[i]:
        return None, None
    return float(samples.latitude_deg[i]), float(samples.longitude_deg[i])


def samples_row(session_id: int, samples: Samples) -> SamplesRow:
    n_points, channels, blob = encode_samples(samples)
    return SamplesRow(
        session_id=session_id, n_points=n_points, channels=channels, codec=CODEC, data=blob
    )


def load_samples(db: OrmSession, session_id: int) -> Samples | None:
    row = db.get(SamplesRow, session_id)
    if row is None:
        return None
    return decode_samples(row.n_points, row.channels, row.codec, row.data)


def session_to_domain(db: OrmSession, row: SessionRow, *, with_samples: bool = True) -> Session:
    """The domain session of ``row`` (samples decoded when ``with_samples``)."""
    source = row.source_file
    session = Session(
        setting=Setting(row.setting),
        segments=[_segment_to_domain(s) for s in row.segments],
        samples=load_samples(db, row.id) if with_samples else None,
        source=SourceFile(
            name=source.name,
            format=source.format,
            sha256=source.sha256,
            size_bytes=source.size_bytes,
        )
        if source is not None
        else None,
        warnings=list(json.loads(row.warnings_json)),
        flags=[Flag.from_dict(f) for f in json.loads(row.flags_json or "[]")],
        id=row.id,
        imported_at=row.imported_at,
        **{name: getattr(row, name) for name in _SCALARS},
    )
    return session


def get_session_row(db: OrmSession, person_id: int, session_id: int) -> SessionRow | None:
    row = db.get(SessionRow, session_id)
    return row if row is not None and row.person_id == person_id else None


def list_session_rows(db: OrmSession, person_id: int) -> list[SessionRow]:
    """The person's sessions, by start (unknown starts by import date), oldest first."""
    when = func.coalesce(SessionRow.start_utc, SessionRow.imported_at)
    query = (
        select(SessionRow).where(SessionRow.person_id == person_id).order_by(when, SessionRow.id)
    )
    return list(db.scalars(query))


def find_probable_duplicates(
    db: OrmSession,
    person_id: int,
    session: Session,
    *,
    start_position: tuple[float | None, float | None] | None = None,
) -> list[SessionRow]:
    """Stored sessions that are probably the same activity as ``session``.

    Same sport and: starts within a minute and overlapping in time; or, where either start is
    unknown (a watch whose clock was unset, a GPX stripped of its times), first positions within
    :data:`SAME_PLACE_M` and distances within :data:`SAME_DISTANCE_FRACTION`. ``start_position``
    (latitude, longitude) [deg] stands in for the samples' first position (from a file summary).
    """
    same_sport = select(SessionRow).where(
        SessionRow.person_id == person_id, SessionRow.sport == session.sport
    )
    found: list[SessionRow] = []
    start = session.start_utc
    if start is not None:
        window = timedelta(seconds=PROBABLE_DUPLICATE_WINDOW_S)
        query = same_sport.where(
            SessionRow.start_utc >= start - window, SessionRow.start_utc <= start + window
        )
        end = start + timedelta(seconds=session.elapsed_s or 0.0)
        for row in db.scalars(query):
            assert row.start_utc is not None
            row_end = row.start_utc + timedelta(seconds=row.elapsed_s or 0.0)
            if row.start_utc <= end and start <= row_end:
                found.append(row)
    lat, lon = start_position or first_position(session.samples)
    if lat is None or lon is None:
        return found
    box_deg = SAME_PLACE_M / 111_000.0 * 2  # a generous box; the exact test follows
    query = same_sport.where(
        SessionRow.start_latitude_deg.between(lat - box_deg, lat + box_deg),
        SessionRow.id.not_in([r.id for r in found]) if found else SessionRow.id.is_not(None),
    )
    if start is not None:
        query = query.where(SessionRow.start_utc.is_(None))
    for row in db.scalars(query):
        if row.start_latitude_deg is None or row.start_longitude_deg is None:
            continue
        apart = great_circle_m(lat, lon, row.start_latitude_deg, row.start_longitude_deg)
        if float(apart) > SAME_PLACE_M:
            continue
        if _similar_distance(session.distance_m, row.distance_m):
            found.append(row)
    return found


def _similar_distance(a: float | None, b: float | None) -> bool:
    if not a or not b:
        return not a and not b
    return abs(a - b) <= SAME_DISTANCE_FRACTION * max(a, b)


def delete_session(db: OrmSession, row: SessionRow) -> None:
    """Delete a session with its segments and samples; its source file too once unreferenced.

    Forgetting the file lets the same file be imported again after its sessions are deleted.
    """
    source_id = row.source_file_id
    db.execute(delete(SamplesRow).where(SamplesRow.session_id == row.id))
    db.delete(row)
    db.flush()
    if source_id is not None:
        remaining = db.scalar(
            select(func.count())
            .select_from(SessionRow)
            .where(SessionRow.source_file_id == source_id)
        )
        if not remaining:
            db.execute(delete(SourceFileRow).where(SourceFileRow.id == source_id))
