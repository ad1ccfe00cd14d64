"""Assessments: stored, listed and reported against the MIC, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from retrostride.errors import InputError
from retrostride.log.model import BodyMass, Sex
from retrostride.services import assessments as service
from retrostride.services import log as log_service
from retrostride.store.db import Database

BASE = date(2026, 3, 2)
WEEK6 = date(2026, 4, 13)


def _profile(db: Database) -> None:
    log_service.update_profile(
        db,
        log_service.ProfileChanges(
            height_m=1.75, birth_year=1961, sex=Sex.MALE, add_mass=BodyMass(BASE, 70.0)
        ),
    )


def test_knee_oa_report(db: Database) -> None:
    _profile(db)
    service.add_assessment(db, "nrs_pain", BASE, 6)
    service.add_assessment(db, "nrs_pain", WEEK6, 4.2)
    service.add_assessment(db, "womac_function", BASE, 40)
    service.add_assessment(db, "womac_function", WEEK6, 36)
    service.add_assessment(db, "tug", BASE, 10.0)
    service.add_assessment(db, "tug", WEEK6, 8.7)
    service.add_assessment(db, "six_minute_walk", WEEK6, 480)
    report = {r.measure: r for r in service.report(db, population="knee_oa")}
    assert report["nrs_pain"].change is not None
    assert report["nrs_pain"].change.verdict == "important"
    assert report["womac_function"].change is not None
    assert report["womac_function"].change.verdict == "below"  # -4 < 6.19 and -10% < 26%
    assert report["tug"].change is not None
    assert report["tug"].change.verdict == "beyond-error"
    # age 65 in 2026: Bohannon 60-69 y, 8.1 s (7.1-9.0)
    assert "within" in report["tug"].latest_reading
    # Enright & Sherrill: 7.57*175 - 5.02*65 - 1.76*70 - 309 = 566.25 m; 480 m = 85%
    assert "85% of predicted 566 m" in report["six_minute_walk"].latest_reading
    assert any("one measurement" in n for n in report["six_minute_walk"].notes)


def test_shuttle_run_is_entered_as_a_stage_and_stored_as_vo2max(db: Database) -> None:
    log_service.update_profile(db, log_service.ProfileChanges(birth_year=2004))
    a = service.add_assessment(db, "shuttle_run", BASE, 10)
    assert a.value == pytest.approx(50.5974, abs=1e-3)  # adult: age held at 18
    assert a.raw["stage"] == 10
    listed = service.list_assessments(db, measure="shuttle_run")
    assert [x.id for x in listed] == [a.id]


def test_shuttle_run_needs_a_birth_year(db: Database) -> None:
    with pytest.raises(InputError, match="birth year"):
        service.add_assessment(db, "shuttle_run", BASE, 8)


def test_body_fat_and_strength_keep_their_method(db: Database) -> None:
    service.add_assessment(
        db, "body_fat", BASE, 28.0, method="skinfolds", detail="Jackson-Pollock 3-site + Siri"
    )
    service.add_assessment(db, "body_fat", WEEK6, 25.0, method="bia", detail="hand-to-foot")
    service.add_assessment(
        db, "quadriceps_strength", BASE, 120, unit="Nm", method="isokinetic", detail="60 deg/s"
    )
    service.add_assessment(db, "quadriceps_strength", WEEK6, 131, unit="N·m", method="isokinetic")
    report = service.report(db, population="knee_oa")
    fat = [r for r in report if r.measure == "body_fat"]
    assert len(fat) == 2  # two methods are never compared with each other
    assert all(r.change is None for r in fat)
    assert any("another method" in n for r in fat for n in r.notes)
    strength = next(r for r in report if r.measure == "quadriceps_strength")
    assert strength.unit == "N·m"
    assert strength.change is not None and strength.change.verdict == "no-mic"
    with pytest.raises(InputError, match="method"):
        service.add_assessment(db, "body_fat", BASE, 28.0)


def test_bad_values_are_refused_and_nothing_is_stored(db: Database) -> None:
    with pytest.raises(InputError):
        service.add_assessment(db, "womac_pain", BASE, 25)
    with pytest.raises(InputError, match="measure"):
        service.add_assessment(db, "vibes", BASE, 3)
    assert service.list_assessments(db) == []


def test_delete_only_ones_own(db: Database) -> None:
    a = service.add_assessment(db, "nrs_pain", BASE, 5, person="ann")
    with pytest.raises(service.AssessmentNotFound, match="not found"):
        service.delete_assessment(db, a.id, person="bob")
    service.delete_assessment(db, a.id, person="ann")
    assert service.list_assessments(db, person="ann") == []


def test_the_report_and_the_list_are_kept_until_something_is_written(
    db: Database, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read again with nothing written, the report is not computed again (SQLite: nothing else
    commits there); an added or deleted reading is seen at once on both backends."""
    first_id = service.add_assessment(db, "nrs_pain", BASE, 6).id
    computed: list[str] = []
    real = service._report

    def counting(*args: Any, **kwargs: Any) -> Any:
        computed.append(args[2])
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "_report", counting)
    first = service.report(db)
    assert service.report(db) == first and service.assessment_page(db).total == 1
    if database_url.startswith("sqlite"):  # PostgreSQL's token moves with any commit on the server
        assert computed == ["knee_oa"]
    service.add_assessment(db, "nrs_pain", WEEK6, 4.2)
    assert [len(r.series) for r in service.report(db)] == [2]
    assert service.assessment_page(db).total == 2
    service.delete_assessment(db, first_id or 0)
    assert [len(r.series) for r in service.report(db)] == [1]
    assert [a.value for a in service.assessment_page(db).items] == [pytest.approx(4.2, abs=1e-12)]
