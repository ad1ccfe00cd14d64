"""Analysing a file and attaching it to a logged session: segments get direction and cadence.

The recording is the healthy adult's lab test 11 followed by its time-reversed copy, so its
first half is forward walking and its second half backward (by construction; see the data
README on what a reversed recording proves). Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from retrostride.errors import InputError
from retrostride.gait.pipeline import analyze
from retrostride.gait.recording import Recording
from retrostride.gait.result import SIDEWAYS, GaitResult
from retrostride.gait.transforms import time_reversed
from retrostride.importers.imu import load_mobilised_mat
from retrostride.log.model import BodyMass, Segment, Session
from retrostride.science.locomotion import Direction
from retrostride.services import log as log_service
from retrostride.services import people
from retrostride.services import sessions as sessions_service
from retrostride.services.gait_analysis import analyse_file, attach_analysis
from retrostride.store.db import Database, open_database

START = datetime(2026, 5, 1, 7, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def lab(shared_data: Path) -> tuple[Recording, float]:
    """HA lab test 11 and its INDIP reference cadence (steps/min, stride-weighted over bouts)."""
    mat = shared_data / "imu" / "mobgap-lab" / "HA" / "001" / "data.mat"
    rec = max(load_mobilised_mat(mat), key=len)
    bouts = rec.reference["indip"]
    weights = np.array([b["n_strides"] for b in bouts], dtype=float)
    cadence = float(np.average([b["cadence_spm"] for b in bouts], weights=weights))
    return rec, cadence


@pytest.fixture(scope="module")
def forward_then_backward(lab: tuple[Recording, float]) -> tuple[GaitResult, float]:
    rec, _ = lab
    rev = time_reversed(rec)
    assert isinstance(rev, Recording) and rec.gyr_rad_s is not None and rev.gyr_rad_s is not None
    both = dataclasses.replace(
        rec,
        acc_m_s2=np.concatenate([rec.acc_m_s2, rev.acc_m_s2]),
        gyr_rad_s=np.concatenate([rec.gyr_rad_s, rev.gyr_rad_s]),
        reference={},
    )
    return analyze(both), rec.duration_s


@pytest.fixture
def database(database_url: str) -> Database:
    db = open_database(database_url)
    log_service.update_profile(
        db, log_service.ProfileChanges(add_mass=BodyMass(date(2026, 1, 1), 70.0))
    )
    return db


def _log_session(database: Database, half_s: float, extra: Segment | None = None) -> int:
    segments = [
        Segment(0.0, elapsed_s=half_s, speed_m_s=0.8),
        Segment(half_s, elapsed_s=half_s, speed_m_s=0.8),
    ]
    if extra is not None:
        segments.append(extra)
    total = sum(s.elapsed_s or 0.0 for s in segments)
    session = Session(sport="walking", start_utc=START, elapsed_s=total, segments=segments)
    stored = log_service.add_session(database, session)
    assert stored.id is not None
    return stored.id


def test_segments_get_direction_and_cadence(
    database: Database,
    forward_then_backward: tuple[GaitResult, float],
    lab: tuple[Recording, float],
) -> None:
    result, half = forward_then_backward
    _, reference_cadence = lab
    manual = Segment(2 * half, elapsed_s=60.0, speed_m_s=0.8, direction=Direction.BACKWARD)
    session_id = _log_session(database, half, manual)
    before = log_service.get_session(database, session_id)
    outcome = attach_analysis(database, session_id, result, recording_start_utc=START)
    assert outcome.offset_s == pytest.approx(0.0, abs=1e-6) and not outcome.offset_assumed
    stored = log_service.get_session(database, session_id)
    directions = [s.direction for s in stored.segments]
    assert directions == [Direction.FORWARD, Direction.BACKWARD, Direction.BACKWARD]
    listed = sessions_service.session_page(
        database, people.person_id(database, log_service.DEFAULT_PERSON), limit=5
    )  # the session's stored direction was kept by the attach (store.directions)
    assert [(i.id, i.direction) for i in listed.items] == [(session_id, "mixed")]
    for seg, (w0, w1) in zip(stored.segments[:2], ((0.0, half), (half, 2 * half)), strict=True):
        assert seg.cadence_spm is not None
        # the time-weighted cadence of the bouts inside the segment
        parts = [
            (b.cadence_spm, min(b.end_s, w1) - max(b.start_s, w0))
            for b in result.bouts
            if min(b.end_s, w1) > max(b.start_s, w0)
        ]
        expected = sum(c * d for c, d in parts) / sum(d for _, d in parts)
        assert seg.cadence_spm == pytest.approx(expected, abs=0.01)
        # and a sanity check against the INDIP reference of the same walking (the reversed half
        # has the same cadence): a steps/strides mix-up would be off by half
        assert abs(seg.cadence_spm - reference_cadence) / reference_cadence < 0.20
    assert stored.segments[2].cadence_spm is None  # no recording there: left as it was
    # backward walking costs more than forward at the same speed: the energy was re-estimated
    assert before.energy_kcal is not None and stored.energy_kcal is not None
    assert stored.energy_kcal > before.energy_kcal


def test_offset_from_start_times(
    database: Database, forward_then_backward: tuple[GaitResult, float]
) -> None:
    result, half = forward_then_backward
    session_id = _log_session(database, half)
    # the recording started 2 minutes before the session: its walking lies 120 s earlier
    early = START - timedelta(seconds=120)
    outcome = attach_analysis(database, session_id, result, recording_start_utc=early)
    assert outcome.offset_s == pytest.approx(-120.0, abs=1e-6)  # to the microsecond
    walked = [d.walking_s for d in outcome.segments]
    expected = [
        sum(max(0.0, min(b.end_s - 120, w1) - max(b.start_s - 120, w0)) for b in result.bouts)
        for w0, w1 in ((0.0, half), (half, 2 * half))
    ]
    assert walked == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_refusals(database: Database, forward_then_backward: tuple[GaitResult, float]) -> None:
    result, half = forward_then_backward
    session_id = _log_session(database, half)
    with pytest.raises(log_service.SessionNotFound):
        attach_analysis(database, session_id + 1000, result)
    with pytest.raises(InputError, match="session_id"):
        attach_analysis(database, session_id, result, offset_s=10_000.0)
    untouched = log_service.get_session(database, session_id)
    assert [s.direction for s in untouched.segments] == [Direction.UNKNOWN] * 2
    assert all(s.cadence_spm is None for s in untouched.segments)


def test_multi_trial_file_needs_a_trial(database: Database, shared_data: Path) -> None:
    """A Mobilise-D file holds several tests: attaching one needs the trial chosen."""
    mat = shared_data / "imu" / "mobgap-lab" / "HA" / "001" / "data.mat"
    analysis = analyse_file(mat)
    assert len(analysis.results) > 1
    half = max(r.duration_s for r in analysis.results)
    session_id = _log_session(database, half)
    with pytest.raises(InputError, match="trial"):
        attach_analysis(database, session_id, analysis, offset_s=0.0)
    longest = 1 + max(range(len(analysis.results)), key=lambda k: analysis.results[k].duration_s)
    outcome = attach_analysis(database, session_id, analysis, trial=longest, offset_s=0.0)
    assert sum(d.walking_s for d in outcome.segments) > 0
    one = analyse_file(mat, trial=longest)
    assert one.numbers == [longest] and len(one.results) == 1
    with pytest.raises(InputError, match="trial"):
        analyse_file(mat, trial=len(analysis.results) + 1)


def test_sideways_bouts_leave_the_segment_unknown_with_a_note(
    database: Database, forward_then_backward: tuple[GaitResult, float]
) -> None:
    result, half = forward_then_backward
    sideways = dataclasses.replace(
        result,
        bouts=[
            dataclasses.replace(b, direction=SIDEWAYS, direction_confidence=1.0)
            for b in result.bouts
        ],
    )
    manual = Segment(0.0, elapsed_s=2 * half, speed_m_s=0.8, direction=Direction.BACKWARD)
    stored = log_service.add_session(
        database, Session(sport="walking", start_utc=START, elapsed_s=2 * half, segments=[manual])
    )
    assert stored.id is not None
    assert stored.energy_kcal is not None  # estimated as backward walking before the attach
    outcome = attach_analysis(database, stored.id, sideways, offset_s=0.0)
    assert outcome.segments[0].direction is Direction.UNKNOWN
    assert "side-stepping" in outcome.segments[0].note
    again = log_service.get_session(database, stored.id)
    assert again.segments[0].direction is Direction.UNKNOWN
    assert "side-stepping" in again.notes
    # no energy for side-stepping: not estimated as forward walking (what unknown would get)
    assert again.segments[0].side_stepping_s == pytest.approx(outcome.segments[0].sideways_s)
    assert again.energy_kcal is None and again.energy_source is None
    assert sum("side-stepping in segment 1" in w for w in again.warnings) == 1
    # another edit keeps it so; the direction said by hand replaces the analysis's
    edited = log_service.edit_session(database, stored.id, log_service.SessionChanges(rpe=3))
    assert edited.energy_kcal is None
    by_hand = log_service.set_direction(database, stored.id, Direction.FORWARD)
    assert by_hand.segments[0].side_stepping_s is None
    assert by_hand.energy_kcal is not None and by_hand.energy_source == "model"
    assert not any("side-stepping" in w for w in by_hand.warnings)
