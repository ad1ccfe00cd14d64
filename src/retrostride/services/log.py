"""The training log's use cases: profile, manual entry, list, show, edit, direction, delete.

Each function opens one transaction on the given :class:`~retrostride.store.db.Database` and
works for one person (by name; created with defaults on first use). The CLI and the web app
call these; they return the domain objects of :mod:`retrostride.log.model`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session as OrmSession

from retrostride.errors import InputError, RetrostrideError
from retrostride.log.model import BodyMass, Person, Session, Sex
from retrostride.science import limits
from retrostride.science.locomotion import Direction, Setting
from retrostride.services.preferences import valid_zone
from retrostride.services.session_energy import fill_energy
from retrostride.store import repository as repo
from retrostride.store.db import Database
from retrostride.store.models import SessionRow

DEFAULT_PERSON = "me"


class SessionNotFound(RetrostrideError, LookupError):
    """No session with this id in this person's log."""

    def __init__(self, session_id: int) -> None:
        self.session_id = session_id
        super().__init__(f"session {session_id} not found")


def check_scale(name: str, value: float | None) -> None:
    """RPE (CR-10) and pain (NRS) are on 0-10."""
    if value is not None and not 0.0 <= value <= 10.0:
        raise InputError(name, value, "a number from 0 to 10")


# ------------------------------------------------------------------------------ profile


def get_person(database: Database, name: str = DEFAULT_PERSON) -> Person:
    """The person's profile; a person not yet stored is created (the one case that writes)."""
    with database.reading() as db:
        row = repo.find_person(db, name)
        if row is not None:
            return repo.person_to_domain(row)
    with database.transaction() as db:
        return repo.person_to_domain(repo.get_or_create_person(db, name))


@dataclass(slots=True)
class ProfileChanges:
    """Fields to change; None leaves a field as it is."""

    home_time_zone: str | None = None
    height_m: float | None = None
    birth_year: int | None = None
    sex: Sex | None = None
    add_mass: BodyMass | None = None
    remove_mass_on: date | None = None


def update_profile(
    database: Database, changes: ProfileChanges, name: str = DEFAULT_PERSON
) -> Person:
    """Apply ``changes`` to the person's profile and return it."""
    if changes.home_time_zone is not None and not valid_zone(changes.home_time_zone):
        raise InputError(
            "home_time_zone", changes.home_time_zone, "an IANA zone such as Europe/Berlin"
        )
    if changes.height_m is not None:
        limits.HEIGHT_M.check(changes.height_m)
    if changes.birth_year is not None and not 1900 <= changes.birth_year <= date.today().year:
        raise InputError("birth_year", changes.birth_year, "a year from 1900 to this year")
    if changes.add_mass is not None:
        limits.BODY_MASS_KG.check(changes.add_mass.mass_kg)
    with database.transaction() as db:
        row = repo.get_or_create_person(db, name)
        person = repo.person_to_domain(row)
        if changes.home_time_zone is not None:
            person.home_time_zone = changes.home_time_zone
        if changes.height_m is not None:
            person.height_m = changes.height_m
        if changes.birth_year is not None:
            person.birth_year = changes.birth_year
        if changes.sex is not None:
            person.sex = changes.sex
        if changes.remove_mass_on is not None:
            person.body_mass = [m for m in person.body_mass if m.on != changes.remove_mass_on]
        if changes.add_mass is not None:
            person.body_mass = [m for m in person.body_mass if m.on != changes.add_mass.on]
            person.body_mass.append(changes.add_mass)
        repo.apply_person(row, person)
        db.flush()
        db.refresh(row)
        person = repo.person_to_domain(row)
        if changes.add_mass is not None or changes.remove_mass_on is not None:
            for session_row in repo.list_session_rows(db, row.id):
                _refresh_energy(db, session_row, person)
        return person


# ------------------------------------------------------------------------------ sessions


def add_session(database: Database, session: Session, person_name: str = DEFAULT_PERSON) -> Session:
    """Store a session entered by hand (or built in code), with its energy; returns it with id."""
    for name in ("rpe", "pain_before", "pain_after"):
        check_scale(name, getattr(session, name))
    if not session.segments:
        from retrostride.services.importing import whole_session_segment

        session.segments.append(whole_session_segment(session))
    with database.transaction() as db:
        row = repo.get_or_create_person(db, person_name)
        fill_energy(session, repo.person_to_domain(row))
        source_id = None
        if session.source is not None:
            if repo.find_source_by_sha(db, row.id, session.source.sha256) is not None:
                raise InputError("source", session.source.name, "a file not yet in the log")
            source_id = repo.add_source_file(db, row.id, session.source).id
        repo.add_session(db, row.id, session, source_file_id=source_id)
    return session


def list_sessions(database: Database, person_name: str = DEFAULT_PERSON) -> list[Session]:
    """The person's sessions (without samples), oldest first (none for an unknown person)."""
    with database.reading() as db:
        person = repo.find_person(db, person_name)
        if person is None:
            return []
        rows = repo.list_session_rows(db, person.id)
        return [repo.session_to_domain(db, r, with_samples=False) for r in rows]


def get_session(
    database: Database,
    session_id: int,
    person_name: str = DEFAULT_PERSON,
    *,
    with_samples: bool = True,
) -> Session:
    with database.reading() as db:
        person_id = repo.find_person_id(db.connection(), person_name)  # no ORM person
        row = None if person_id is None else repo.get_session_row(db, person_id, session_id)
        if row is None:
            raise SessionNotFound(session_id)
        return repo.session_to_domain(db, row, with_samples=with_samples)


@dataclass(slots=True)
class SessionChanges:
    """Fields of a stored session to change; None leaves a field as it is.

    ``direction`` applies to segment ``segment`` (0-based) or, when that is None, to all.
    """

    direction: Direction | None = None
    segment: int | None = None
    sport: str | None = None
    setting: Setting | None = None
    surface: str | None = None
    title: str | None = None
    notes: str | None = None
    rpe: float | None = None
    pain_before: float | None = None
    pain_after: float | None = None
    grade_percent: float | None = None
    load_kg: float | None = None
    sled_kg: float | None = None
    speed_m_s: float | None = None
    start_utc: datetime | None = None
    """A new start (UTC, aware), e.g. for a watch whose clock was never set."""
    utc_offset_s: int | None = None


def edit_session(
    database: Database,
    session_id: int,
    changes: SessionChanges,
    person_name: str = DEFAULT_PERSON,
) -> Session:
    """Change a stored session (or one of its segments) and re-estimate its energy."""
    for name in ("rpe", "pain_before", "pain_after"):
        check_scale(name, getattr(changes, name))
    with database.transaction() as db:
        person_row = repo.get_or_create_person(db, person_name)
        row = repo.get_session_row(db, person_row.id, session_id)
        if row is None:
            raise SessionNotFound(session_id)
        segments = row.segments
        if changes.segment is not None:
            if not 0 <= changes.segment < len(segments):
                raise InputError(
                    "segment",
                    changes.segment,
                    f"a segment number from 0 to {len(segments) - 1} (session {session_id})",
                )
            segments = [segments[changes.segment]]
        for seg in segments:
            if changes.direction is not None:
                seg.direction = changes.direction.value
                seg.side_stepping_s = None  # the direction said by hand replaces the analysis's
            if changes.grade_percent is not None:
                seg.grade_percent = changes.grade_percent
            if changes.load_kg is not None:
                seg.load_kg = changes.load_kg
            if changes.sled_kg is not None:
                seg.sled_kg = changes.sled_kg
            if changes.speed_m_s is not None:
                seg.speed_m_s = changes.speed_m_s
        for name in ("sport", "surface", "title", "notes", "rpe", "pain_before", "pain_after"):
            value = getattr(changes, name)
            if value is not None:
                setattr(row, name, value)
        if changes.setting is not None:
            row.setting = changes.setting.value
        if changes.start_utc is not None:
            row.start_utc = changes.start_utc
            row.utc_offset_s = changes.utc_offset_s
            row.offset_assumed = False
        db.flush()
        _refresh_energy(db, row, repo.person_to_domain(person_row))
        return repo.session_to_domain(db, row, with_samples=False)


def set_direction(
    database: Database,
    session_id: int,
    direction: Direction,
    *,
    segment: int | None = None,
    person_name: str = DEFAULT_PERSON,
) -> Session:
    """Mark the direction of a whole session or of one segment (0-based); energy re-estimated."""
    changes = SessionChanges(direction=direction, segment=segment)
    return edit_session(database, session_id, changes, person_name)


def _refresh_energy(db: OrmSession, row: SessionRow, person: Person) -> None:
    session = repo.session_to_domain(db, row, with_samples=False)
    fill_energy(session, person)
    row.warnings_json = json.dumps(list(session.warnings))
    row.energy_kcal = session.energy_kcal
    row.energy_source = session.energy_source
    row.energy_model_version = session.energy_model_version


def recompute_energy(database: Database, person_name: str = DEFAULT_PERSON) -> int:
    """Re-estimate every session's energy (after a profile or model change); returns the count."""
    with database.transaction() as db:
        person_row = repo.get_or_create_person(db, person_name)
        person = repo.person_to_domain(person_row)
        rows = repo.list_session_rows(db, person_row.id)
        for row in rows:
            _refresh_energy(db, row, person)
        return len(rows)


def delete_session(database: Database, session_id: int, person_name: str = DEFAULT_PERSON) -> None:
    with database.transaction() as db:
        person = repo.get_or_create_person(db, person_name)
        row = repo.get_session_row(db, person.id, session_id)
        if row is None:
            raise SessionNotFound(session_id)
        repo.delete_session(db, row)
