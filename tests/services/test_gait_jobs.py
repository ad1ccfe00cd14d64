"""Gait analyses of the web page (services.gait_jobs): a job keeps each trial's result, start and
signal picture; a trial is attached later exactly as a fresh analysis of the file attaches.

The recording is the Mobilise-D healthy adult's ``data.mat`` (three lab trials, lower back).
Runs on SQLite and PostgreSQL; the job runs in its child process as on the server.
"""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from retrostride.errors import InputError
from retrostride.gait.recording import Frame, Placement, Recording
from retrostride.log.model import BodyMass, Segment, Session
from retrostride.services import gait_jobs, jobs
from retrostride.services import log as log_service
from retrostride.services.gait_analysis import analyse_file, attach_analysis
from retrostride.store.db import Database
from retrostride.store.models import PersonRow

START = datetime(2026, 5, 1, 7, 0, tzinfo=UTC)


def _mat(shared_data: Path) -> Path:
    return shared_data / "imu" / "mobgap-lab" / "HA" / "001" / "data.mat"


def _received(tmp_path: Path, source: Path, name: str = "job") -> tuple[Path, jobs.JobFile]:
    folder = tmp_path / name
    folder.mkdir()
    shutil.copyfile(source, folder / "part-001")
    return folder, jobs.JobFile(source.name, str(folder / "part-001"), source.stat().st_size)


def _session(db: Database, seconds: float) -> int:
    stored = log_service.add_session(db, Session(
        sport="walking", start_utc=START, elapsed_s=seconds,
        segments=[Segment(0.0, elapsed_s=seconds, speed_m_s=0.8)],
    ))
    assert stored.id is not None
    return stored.id


def _me(db: Database) -> int:
    """The person ``me`` (created with a body mass), by id."""
    log_service.update_profile(
        db, log_service.ProfileChanges(add_mass=BodyMass(date(2026, 1, 1), 70.0))
    )
    with db.reading() as reader:
        person_id = reader.scalar(select(PersonRow.id).where(PersonRow.name == "me"))
    assert person_id is not None
    return int(person_id)


@pytest.fixture
def ran(db: Database, shared_data: Path, tmp_path: Path) -> tuple[Database, int, int]:
    """A finished web job on data.mat for the person ``me`` (person id, job id)."""
    person_id = _me(db)
    folder, item = _received(tmp_path, _mat(shared_data))
    job_id = gait_jobs.submit(db, person_id, "me", item, folder)
    final = jobs.run_now(db, job_id, jobs.JobLimits())
    assert final is not None and final.status == jobs.DONE, final
    assert not folder.exists()  # the recording is not kept
    return db, person_id, job_id


def test_a_job_keeps_every_trial_with_its_bouts_start_and_signal(
    ran: tuple[Database, int, int], shared_data: Path
) -> None:
    db, person_id, job_id = ran
    view = gait_jobs.job_view(db, job_id, person_id)
    assert view is not None and view.finished and view.error is None
    fresh = analyse_file(_mat(shared_data))
    assert [t.number for t in view.trials] == fresh.numbers == [1, 2, 3]
    assert [t.label for t in view.trials] == fresh.trials
    for trial, result in zip(view.trials, fresh.results, strict=True):
        assert len(trial.bouts) == len(result.bouts)
        assert trial.totals["step_count"] == result.step_count
        series = trial.signal["series"]
        assert 1 <= len(series) <= 2
        assert 0 < len(series[0]["min"]) <= gait_jobs.VIEW_BINS
        assert trial.signal["duration_s"] == pytest.approx(result.duration_s, abs=0.02)
        assert all(lo <= hi for lo, hi in zip(series[0]["min"], series[0]["max"], strict=True))
    assert gait_jobs.job_view(db, job_id, person_id + 1) is None  # another person's job


def test_a_kept_trial_attaches_as_the_fresh_analysis_does(
    ran: tuple[Database, int, int], shared_data: Path
) -> None:
    db, person_id, job_id = ran
    fresh = analyse_file(_mat(shared_data), trial=3)
    seconds = fresh.results[0].duration_s
    kept_session, fresh_session = _session(db, seconds), _session(db, seconds)
    with pytest.raises(InputError, match="trial"):
        gait_jobs.attach(db, job_id, person_id, "me", kept_session)  # three trials: which?
    kept = gait_jobs.attach(db, job_id, person_id, "me", kept_session, trial=3, offset_s=0.0)
    direct = attach_analysis(db, fresh_session, fresh, trial=3, offset_s=0.0)
    assert len(kept.segments) == len(direct.segments) == 1
    a, b = kept.segments[0], direct.segments[0]
    assert a.direction == b.direction
    assert a.walking_s == pytest.approx(b.walking_s, abs=1e-4)
    assert a.cadence_spm == pytest.approx(b.cadence_spm, rel=1e-5)
    view = gait_jobs.job_view(db, job_id, person_id)
    assert view is not None and view.attached is not None
    assert view.attached["session_id"] == kept_session and view.attached["trial"] == 3
    assert view.attached["offset_s"] == pytest.approx(0.0, abs=1e-9)


def test_a_job_not_finished_or_not_ones_own_attaches_nothing(
    db: Database, tmp_path: Path, shared_data: Path
) -> None:
    person_id = _me(db)
    folder, item = _received(tmp_path, _mat(shared_data))
    job_id = gait_jobs.submit(db, person_id, "me", item, folder)
    session_id = _session(db, 60.0)
    with pytest.raises(gait_jobs.AnalysisNotReady):
        gait_jobs.attach(db, job_id, person_id, "me", session_id)
    with pytest.raises(InputError, match="job"):
        gait_jobs.attach(db, job_id, person_id + 1, "me", session_id)
    with pytest.raises(InputError, match="placement"):
        gait_jobs.submit(db, person_id, "me", item, folder, placement="wrist")


def test_the_signal_picture_keeps_each_bins_extremes() -> None:
    """A 100 Hz sine of amplitude 3 m/s^2 over 1 g: every bin's band holds the samples."""
    rate, n = 100.0, 100_000
    t = np.arange(n) / rate
    acc = np.zeros((n, 3))
    acc[:, 2] = 9.81 + 3.0 * np.sin(2 * np.pi * 1.8 * t)
    rec = Recording(acc_m_s2=acc, sampling_rate_hz=rate, placement=Placement.LOWER_BACK,
                    frame=Frame.BODY)
    view = gait_jobs.signal_view(rec)
    vertical = view["series"][0]
    assert len(vertical["max"]) == gait_jobs.VIEW_BINS
    assert view["duration_s"] == pytest.approx(1000.0)
    assert max(vertical["max"]) == pytest.approx(9.81 + 3.0, abs=0.01)
    assert min(vertical["min"]) == pytest.approx(9.81 - 3.0, abs=0.01)
