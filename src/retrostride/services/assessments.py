"""Assessments: record outcome measures, list them, and report each change from baseline against
its minimal important change and, where norms exist, against age and body-size norms.

Values are stored in the measure's unit (see :data:`retrostride.science.outcomes.MEASURES`);
the CLI converts what people type. The shuttle run is entered as the last stage reached and
stored as predicted VO2max (Leger et al. 1988) with the stage kept beside it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session as OrmSession

from retrostride.errors import InputError, RetrostrideError
from retrostride.log.model import Person
from retrostride.science.outcomes import (
    Better,
    ChangeInterpretation,
    check_body_fat,
    check_body_mass_kg,
    check_nrs,
    check_population,
    check_womac_subscale,
    get_measure,
    interpret_6mwd,
    interpret_change,
    interpret_tug,
    shuttle_run_vo2max,
)
from retrostride.science.outcomes.pain import WOMAC_TOTAL_MAX
from retrostride.science.outcomes.strength import (
    check_strength,
    parse_strength_method,
    parse_strength_unit,
)
from retrostride.store import data_version
from retrostride.store import repository as repo
from retrostride.store.db import Database, utc_now
from retrostride.store.programs import AssessmentRow

DEFAULT_PERSON = "me"


@dataclass(frozen=True, slots=True)
class Assessment:
    id: int
    measure: str
    on: date
    value: float
    unit: str
    method: str | None = None
    detail: str | None = None
    raw: dict[str, float | str] = field(default_factory=dict)
    notes: str = ""


def _age_on(person: Person, day: date) -> float | None:
    """Age [years] from the birth year (to within a year: the birth date is not stored)."""
    return None if person.birth_year is None else float(day.year - person.birth_year)


def _validate(
    person: Person,
    measure: str,
    on: date,
    value: float,
    unit: str | None,
    method: str | None,
    detail: str | None,
) -> tuple[float, str, str | None, dict[str, float | str]]:
    """Check a value; returns (stored value, unit, method, raw entry)."""
    m = get_measure(measure)
    raw: dict[str, float | str] = {}
    if measure == "nrs_pain":
        return check_nrs(value), m.unit, None, raw
    if measure in ("womac_pain", "womac_stiffness", "womac_function"):
        return check_womac_subscale(measure.split("_", 1)[1], value), m.unit, None, raw
    if measure == "womac_total":
        if not 0.0 <= value <= WOMAC_TOTAL_MAX:
            raise InputError("womac_total", value, "a WOMAC 3.1 Likert total from 0 to 96")
        return value, m.unit, None, raw
    if measure == "tug":
        interpret_tug(value, None)  # validates
        return value, m.unit, None, raw
    if measure == "six_minute_walk":
        if not 0.0 <= value <= 1500.0:
            raise InputError("six_minute_walk", value, "a distance of 0-1500 m")
        return value, m.unit, None, raw
    if measure == "shuttle_run":
        age = _age_on(person, on)
        if age is None:
            raise InputError(
                "birth year", None, "the birth year in the profile (VO2max depends on age)"
            )
        result = shuttle_run_vo2max(value, age)
        raw = {"stage": value, "speed_km_h": result.speed_km_h, "age_used": result.age_used_years}
        return result.vo2max_ml_kg_min, m.unit, None, raw
    if measure == "body_mass":
        return check_body_mass_kg(value), m.unit, method, raw
    if measure == "body_fat":
        parsed = check_body_fat(value, method, detail)
        return value, m.unit, parsed.value, raw
    # quadriceps strength: keep the unit it was measured in
    s_unit = parse_strength_unit(unit or "N")
    s_method = parse_strength_method(method)
    return check_strength(value, s_unit), s_unit.value, s_method.value, raw


def add_assessment(
    database: Database,
    measure: str,
    on: date,
    value: float,
    *,
    unit: str | None = None,
    method: str | None = None,
    detail: str | None = None,
    notes: str = "",
    person: str = DEFAULT_PERSON,
) -> Assessment:
    """Validate and store one measurement."""
    with database.transaction() as db:
        row_person = repo.get_or_create_person(db, person)
        domain = repo.person_to_domain(row_person)
        stored, stored_unit, stored_method, raw = _validate(
            domain, measure, on, value, unit, method, detail
        )
        row = AssessmentRow(
            person_id=row_person.id,
            measure=measure,
            on=on,
            value=stored,
            unit=stored_unit,
            method=stored_method,
            detail=detail,
            raw_json=json.dumps(raw, sort_keys=True),
            notes=notes,
            created_at=utc_now(),
        )
        db.add(row)
        db.flush()
        return _to_domain(row)


def _to_domain(row: AssessmentRow) -> Assessment:
    return Assessment(
        row.id,
        row.measure,
        row.on,
        row.value,
        row.unit,
        row.method,
        row.detail,
        json.loads(row.raw_json),
        row.notes,
    )


_COLUMNS = (
    AssessmentRow.id, AssessmentRow.measure, AssessmentRow.on, AssessmentRow.value,
    AssessmentRow.unit, AssessmentRow.method, AssessmentRow.detail, AssessmentRow.raw_json,
    AssessmentRow.notes,
)


def _read_all(db: OrmSession, person_id: int) -> list[Assessment]:
    """Every assessment of a person in date order, read as plain rows (no ORM objects: five
    years of weekly readings of every measure load in a few milliseconds)."""
    rows = db.execute(
        select(*_COLUMNS)
        .where(AssessmentRow.person_id == person_id)
        .order_by(AssessmentRow.on, AssessmentRow.id)
    )
    return [
        Assessment(i, measure, on, value, unit, method, detail,
                   json.loads(raw) if raw and raw != "{}" else {}, notes)
        for i, measure, on, value, unit, method, detail, raw, notes in rows
    ]


def list_assessments(
    database: Database, *, person: str = DEFAULT_PERSON, measure: str | None = None
) -> list[Assessment]:
    """The person's assessments in date order (one measure if given)."""
    if measure is not None:
        get_measure(measure)
    with database.transaction() as db:
        row_person = repo.find_person(db, person)
        if row_person is None:
            return []
        query = select(AssessmentRow).where(AssessmentRow.person_id == row_person.id)
        if measure is not None:
            query = query.where(AssessmentRow.measure == measure)
        rows = db.scalars(query.order_by(AssessmentRow.on, AssessmentRow.id))
        return [_to_domain(r) for r in rows]


@dataclass(frozen=True, slots=True)
class AssessmentPage:
    """One page of the person's assessments, newest first, and how many there are in all."""

    items: list[Assessment]
    total: int


def assessment_page(
    database: Database, *, person: str = DEFAULT_PERSON, limit: int = 20, offset: int = 0
) -> AssessmentPage:
    """The newest ``limit`` assessments after ``offset`` (a page of the list): one count and
    one bounded query, however long the history."""
    if not (1 <= limit <= 1000 and offset >= 0):
        raise InputError("limit", limit, "a page of 1 to 1000 items from offset 0 or more")
    key = (person, limit, offset)
    with database.reading() as db:
        data_token, kept = data_version.cached(db.connection(), _PAGES, key)
        if kept is not None:
            found = cast(AssessmentPage, kept)
            return AssessmentPage(list(found.items), found.total)
        person_id = repo.find_person_id(db, person)
        if person_id is None:
            return AssessmentPage([], 0)
        mine = AssessmentRow.person_id == person_id
        total = db.scalar(select(func.count()).select_from(AssessmentRow).where(mine)) or 0
        rows = db.scalars(
            select(AssessmentRow).where(mine)
            .order_by(AssessmentRow.on.desc(), AssessmentRow.id.desc())
            .limit(limit).offset(offset)
        )
        out = AssessmentPage([_to_domain(r) for r in rows], int(total))
        data_version.keep(db.connection(), _PAGES, key, data_token, out)
        return AssessmentPage(list(out.items), out.total)


_PAGES = "assessment_pages"
_REPORTS = "assessment_reports"
"""The names of :func:`assessment_page`'s and :func:`report`'s caches on a reading connection
(``store.data_version``: kept while nothing is committed; any write changes the token)."""


def delete_assessment(
    database: Database, assessment_id: int, *, person: str = DEFAULT_PERSON
) -> None:
    with database.transaction() as db:
        row_person = repo.find_person(db, person)
        row = db.get(AssessmentRow, assessment_id)
        if row is None or row_person is None or row.person_id != row_person.id:
            raise AssessmentNotFound(assessment_id)
        db.delete(row)


class AssessmentNotFound(RetrostrideError, LookupError):
    """No assessment with this id in this person's record (existence is not disclosed)."""

    def __init__(self, assessment_id: int) -> None:
        self.assessment_id = assessment_id
        super().__init__(f"assessment {assessment_id} not found")


@dataclass(frozen=True, slots=True)
class MeasureReport:
    """One measure: its series (one method and unit), baseline vs latest, and readings."""

    measure: str
    label: str
    unit: str
    method: str | None
    series: tuple[Assessment, ...]
    change: ChangeInterpretation | None
    latest_reading: str
    notes: tuple[str, ...]
    better: Better = Better.NEITHER
    """Which way the measure improves (``NEITHER`` for body mass and body fat)."""


def _reading(person: Person, a: Assessment) -> tuple[str, list[str]]:
    """The latest value read against its norm (TUG, six-minute walk, shuttle run)."""
    notes: list[str] = []
    age = _age_on(person, a.on)
    if a.measure == "tug":
        return interpret_tug(a.value, age).text, notes
    if a.measure == "six_minute_walk":
        mass = person.mass_on(a.on)
        if person.sex is None or person.height_m is None or mass is None or age is None:
            missing = "the profile needs sex, height, birth year and a body mass"
            return f"no Enright & Sherrill comparison: {missing}", notes
        try:
            r = interpret_6mwd(
                a.value,
                sex=person.sex.value,
                height_m=person.height_m,
                mass_kg=mass,
                age_years=age,
            )
        except InputError as exc:
            return f"no Enright & Sherrill comparison ({exc})", notes
        return r.text, notes
    if a.measure == "shuttle_run" and "stage" in a.raw:
        return (
            f"stage {a.raw['stage']} at {a.raw['speed_km_h']} km/h: predicted VO2max "
            f"{a.value:.1f} mL/kg/min (Leger et al. 1988, age {a.raw['age_used']})",
            notes,
        )
    if a.method:
        return f"{a.value:g} {a.unit} ({a.method}{', ' + a.detail if a.detail else ''})", notes
    return f"{a.value:g} {a.unit}", notes


def default_population(database: Database, *, person: str = DEFAULT_PERSON) -> str:
    """The population of the person's active program, else knee osteoarthritis."""
    from retrostride.services import programs

    try:
        return programs.active_enrolment(database, person=person).program.population
    except programs.NotEnrolled:
        return "knee_oa"


def report(
    database: Database, *, person: str = DEFAULT_PERSON, population: str = "knee_oa"
) -> list[MeasureReport]:
    """Every measure recorded: baseline (first) vs latest of the same method and unit."""
    check_population(population)
    key = (person, population)
    with database.reading() as db:
        data_token, kept = data_version.cached(db.connection(), _REPORTS, key)
        if kept is not None:
            return list(cast(tuple[MeasureReport, ...], kept))
        row_person = repo.find_person(db, person)
        if row_person is None:
            return []
        domain = repo.person_to_domain(row_person)
        everything = _read_all(db, row_person.id)
        out = _report(domain, everything, population)
        data_version.keep(db.connection(), _REPORTS, key, data_token, tuple(out))
        return out


def _report(domain: Person, everything: list[Assessment], population: str) -> list[MeasureReport]:
    groups: dict[tuple[str, str, str | None], list[Assessment]] = defaultdict(list)
    for a in everything:
        groups[(a.measure, a.unit, a.method)].append(a)
    out = []
    for (measure, unit, method), series in sorted(groups.items(), key=lambda kv: kv[0][0]):
        m = get_measure(measure)
        notes: list[str] = []
        siblings = [k for k in groups if k[0] == measure and k != (measure, unit, method)]
        if siblings:
            notes.append("also recorded by another method or unit: compared only within one method")
        change = None
        if len(series) >= 2:
            change = interpret_change(
                measure, series[0].value, series[-1].value, m.better, population
            )
        else:
            notes.append("one measurement only: add a follow-up to see the change")
        reading, more = _reading(domain, series[-1])
        out.append(
            MeasureReport(
                measure, m.label, unit, method, tuple(series), change, reading,
                tuple(notes + more), m.better,
            )
        )
    return out
