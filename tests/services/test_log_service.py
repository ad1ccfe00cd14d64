"""The log's use cases on a real database: profile, manual entry, direction, edit, delete, stats."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from retrostride.errors import InputError
from retrostride.log.model import BodyMass, Segment, Session, Sex
from retrostride.science.locomotion import Direction, Setting
from retrostride.services import log
from retrostride.services.stats import Period, log_totals, period_of
from retrostride.store.db import Database


def _walk(start: datetime | None, minutes: float = 30.0, **kw: object) -> Session:
    seconds = minutes * 60
    return Session(
        sport="walking",
        start_utc=start,
        utc_offset_s=3600 if start else None,
        elapsed_s=seconds,
        moving_s=seconds,
        distance_m=seconds * 0.8,
        segments=[
            Segment(0.0, seconds / 2, seconds / 2, seconds * 0.4, Direction.BACKWARD),
            Segment(seconds / 2, seconds / 2, seconds / 2, seconds * 0.4, Direction.FORWARD),
        ],
        **kw,  # type: ignore[arg-type]
    )


def test_profile_keeps_a_mass_history_and_settings(db: Database) -> None:
    log.update_profile(db, log.ProfileChanges(add_mass=BodyMass(date(2024, 1, 1), 82.0)))
    log.update_profile(
        db,
        log.ProfileChanges(
            add_mass=BodyMass(date(2024, 6, 1), 78.5),
            height_m=1.8,
            birth_year=1970,
            sex=Sex.FEMALE,
            home_time_zone="Europe/Ljubljana",
        ),
    )
    person = log.get_person(db)
    # stored and read back: exact on purpose
    assert [(m.on, m.mass_kg) for m in person.body_mass] == [
        (date(2024, 1, 1), 82.0),
        (date(2024, 6, 1), 78.5),
    ]
    assert person.mass_on(date(2024, 3, 1)) == 82.0
    assert (person.height_m, person.birth_year, person.sex, person.home_time_zone) == (
        1.8,
        1970,
        Sex.FEMALE,
        "Europe/Ljubljana",
    )
    log.update_profile(db, log.ProfileChanges(remove_mass_on=date(2024, 1, 1)))
    assert [m.on for m in log.get_person(db).body_mass] == [date(2024, 6, 1)]
    with pytest.raises(InputError, match="home_time_zone"):
        log.update_profile(db, log.ProfileChanges(home_time_zone="Mars/Olympus"))
    with pytest.raises(InputError, match="mass"):
        log.update_profile(db, log.ProfileChanges(add_mass=BodyMass(date(2024, 1, 1), 2.0)))


def test_people_have_separate_logs(db: Database) -> None:
    log.add_session(db, _walk(datetime(2024, 5, 1, 7, tzinfo=UTC)), "ana")
    log.add_session(db, _walk(datetime(2024, 5, 1, 7, tzinfo=UTC)), "bo")
    ana, bo = log.list_sessions(db, "ana"), log.list_sessions(db, "bo")
    assert len(ana) == len(bo) == 1 and ana[0].id != bo[0].id
    with pytest.raises(log.SessionNotFound):
        log.get_session(db, bo[0].id or 0, "ana")


def test_manual_session_round_trips_every_field(db: Database) -> None:
    session = _walk(
        datetime(2024, 5, 1, 7, 30, tzinfo=UTC),
        setting=Setting.TREADMILL,
        notes="belt 3 km/h",
        rpe=4.0,
        pain_before=2.0,
        pain_after=1.0,
        title="retro",
        surface=None,
        device_kcal=99.0,
    )
    stored = log.add_session(db, session)
    back = log.get_session(db, stored.id or 0)
    assert back.start_utc == datetime(2024, 5, 1, 7, 30, tzinfo=UTC)
    assert back.utc_offset_s == 3600
    assert (back.setting, back.notes, back.rpe, back.pain_before, back.pain_after) == (
        Setting.TREADMILL,
        "belt 3 km/h",
        4.0,
        2.0,
        1.0,
    )
    assert [s.direction for s in back.segments] == [Direction.BACKWARD, Direction.FORWARD]
    assert back.segments == session.segments  # stored and read back: exact on purpose


def test_scales_are_checked(db: Database) -> None:
    with pytest.raises(InputError, match="rpe"):
        log.add_session(db, _walk(None, rpe=11.0))
    with pytest.raises(InputError, match="pain_after"):
        log.add_session(db, _walk(None, pain_after=-1.0))
    assert log.list_sessions(db) == []


def test_device_energy_is_kept_and_labelled_when_the_engine_cannot_answer(db: Database) -> None:
    # No body mass in the profile: the engine cannot answer, the device's figure is kept.
    stored = log.add_session(db, _walk(datetime(2024, 5, 1, tzinfo=UTC), device_kcal=123.0))
    assert (stored.energy_kcal, stored.energy_source, stored.energy_model_version) == (
        123.0,
        "device",
        None,
    )
    rowing = log.add_session(db, Session(sport="rowing", start_utc=None, elapsed_s=600.0))
    assert rowing.energy_kcal is None and rowing.energy_source is None


def test_direction_is_set_per_session_or_per_segment(db: Database) -> None:
    stored = log.add_session(db, _walk(datetime(2024, 5, 1, tzinfo=UTC)))
    sid = stored.id or 0
    log.set_direction(db, sid, Direction.MIXED, segment=1)
    assert [s.direction for s in log.get_session(db, sid).segments] == [
        Direction.BACKWARD,
        Direction.MIXED,
    ]
    log.set_direction(db, sid, Direction.BACKWARD)
    assert {s.direction for s in log.get_session(db, sid).segments} == {Direction.BACKWARD}
    with pytest.raises(InputError, match="segment"):
        log.set_direction(db, sid, Direction.FORWARD, segment=2)


def test_a_session_without_segments_gets_one_to_hold_its_direction(db: Database) -> None:
    session = Session(sport="walking", start_utc=None, elapsed_s=600.0, distance_m=500.0)
    stored = log.add_session(db, session)
    segments = log.get_session(db, stored.id or 0).segments
    assert len(segments) == 1
    assert segments[0].elapsed_s == 600.0 and segments[0].distance_m == 500.0  # copied: exact
    assert segments[0].speed_m_s == pytest.approx(500.0 / 600.0, rel=1e-12)


def test_edit_changes_fields_and_sets_an_unknown_start(db: Database) -> None:
    stored = log.add_session(db, _walk(None))
    changes = log.SessionChanges(
        notes="felt good",
        rpe=3.0,
        setting=Setting.CURVED_TREADMILL,
        start_utc=datetime(2024, 2, 3, 9, tzinfo=UTC),
        utc_offset_s=3600,
        grade_percent=4.0,
    )
    edited = log.edit_session(db, stored.id or 0, changes)
    assert (edited.notes, edited.rpe, edited.setting) == (
        "felt good",
        3.0,
        Setting.CURVED_TREADMILL,
    )
    assert edited.start_utc == datetime(2024, 2, 3, 9, tzinfo=UTC)
    assert all(s.grade_percent == 4.0 for s in edited.segments)


def test_delete_removes_the_session_and_its_parts(db: Database) -> None:
    stored = log.add_session(db, _walk(datetime(2024, 5, 1, tzinfo=UTC)))
    log.delete_session(db, stored.id or 0)
    assert log.list_sessions(db) == []
    with pytest.raises(log.SessionNotFound):
        log.delete_session(db, stored.id or 0)


def test_weekly_and_monthly_totals(db: Database) -> None:
    # 2024-04-29 is a Monday (ISO week 18); 2024-05-05 its Sunday; 2024-05-06 week 19.
    log.add_session(db, _walk(datetime(2024, 4, 29, 7, tzinfo=UTC), 30, device_kcal=100.0))
    log.add_session(db, _walk(datetime(2024, 5, 5, 7, tzinfo=UTC), 60))
    log.add_session(db, _walk(datetime(2024, 5, 6, 7, tzinfo=UTC), 10, device_kcal=20.0))
    log.add_session(db, _walk(None, 20))  # unknown start: counted by import date, marked
    weeks = log_totals(db, Period.WEEK)
    assert [w.period for w in weeks[:2]] == ["2024-W18", "2024-W19"]
    w18 = weeks[0]
    assert (w18.sessions, w18.energy_unknown, w18.undated) == (2, 1, 0)
    # sums and a ratio of the sessions' figures: equal to float rounding
    assert w18.time_s == pytest.approx(5400.0, rel=1e-12)
    assert w18.distance_m == pytest.approx(5400.0 * 0.8, rel=1e-12)
    assert w18.energy_kcal == pytest.approx(100.0, rel=1e-12)
    assert w18.backward_share == pytest.approx(0.5, rel=1e-12)
    months = log_totals(db, Period.MONTH)
    assert [(m.period, m.sessions) for m in months[:2]] == [("2024-04", 1), ("2024-05", 2)]
    undated = [p for p in weeks if p.undated]
    assert (
        len(undated) == 1
        and undated[0].period == period_of(datetime.now(UTC).date(), Period.WEEK)[0]
    )


def test_energy_comes_from_the_engine_with_the_mass_of_that_date(db: Database) -> None:
    from retrostride.science.energy import MODEL_VERSION, Conditions, estimate

    log.update_profile(db, log.ProfileChanges(add_mass=BodyMass(date(2024, 1, 1), 90.0)))
    log.update_profile(db, log.ProfileChanges(add_mass=BodyMass(date(2024, 6, 1), 80.0)))
    segment = Segment(
        0.0,
        1200.0,
        1200.0,
        1200.0,
        Direction.BACKWARD,
        speed_m_s=1.0,
        grade_percent=5.0,
        load_kg=5.0,
    )
    session = Session(
        sport="walking",
        start_utc=datetime(2024, 5, 1, 7, tzinfo=UTC),
        elapsed_s=1200.0,
        moving_s=1200.0,
        distance_m=1200.0,
        setting=Setting.TREADMILL,
        segments=[segment],
        device_kcal=50.0,
    )
    stored = log.add_session(db, session)
    expected = estimate(
        Conditions(
            speed_m_s=1.0,
            grade_percent=5.0,
            direction="backward",
            gait="walk",
            setting="treadmill",
            load_kg=5.0,
            body_mass_kg=90.0,
        )
    )  # May: the January mass
    assert stored.energy_source == "model" and stored.energy_model_version == MODEL_VERSION
    assert stored.energy_kcal == pytest.approx(expected.kcal_per_min * 20.0, rel=1e-12)
    assert log.get_session(db, stored.id or 0).energy_kcal == pytest.approx(
        stored.energy_kcal, rel=1e-12
    )
    # Marking it forward later re-estimates it: forward costs less here.
    forward = log.set_direction(db, stored.id or 0, Direction.FORWARD)
    assert forward.energy_kcal is not None and forward.energy_kcal < stored.energy_kcal
    # A new mass for that date changes the figure too.
    log.update_profile(db, log.ProfileChanges(add_mass=BodyMass(date(2024, 4, 1), 60.0)))
    lighter = log.get_session(db, stored.id or 0)
    assert lighter.energy_kcal is not None and lighter.energy_kcal < forward.energy_kcal


def test_energy_outside_the_engine_falls_back_to_the_device(db: Database) -> None:
    log.update_profile(db, log.ProfileChanges(add_mass=BodyMass(date(2024, 1, 1), 70.0)))
    cycling = log.add_session(
        db,
        Session(
            sport="cycling",
            start_utc=datetime(2024, 5, 1, tzinfo=UTC),
            elapsed_s=600.0,
            device_kcal=80.0,
        ),
    )
    assert (cycling.energy_kcal, cycling.energy_source) == (80.0, "device")
    no_speed = log.add_session(
        db, Session(sport="walking", start_utc=datetime(2024, 5, 2, tzinfo=UTC), elapsed_s=600.0)
    )
    assert no_speed.energy_kcal is None and no_speed.energy_source is None


def test_treadmill_incline_samples_give_the_segment_grade() -> None:
    import numpy as np

    from retrostride.log.model import Samples
    from retrostride.services.importing import fill_grade_from_incline

    session = Session(
        sport="walking",
        start_utc=None,
        elapsed_s=4.0,
        segments=[Segment(0.0, 1.5), Segment(2.0, 2.0, grade_percent=1.0)],
        samples=Samples(
            time_s=np.arange(5.0), incline_percent=np.array([4.0, 6.0, np.nan, 10.0, 12.0])
        ),
    )
    fill_grade_from_incline(session)
    assert session.segments[0].grade_percent == pytest.approx(5.0, rel=1e-12)  # at 0 s and 1 s
    assert session.segments[1].grade_percent == 1.0  # its own figure is kept: exact
