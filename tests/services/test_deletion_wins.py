"""Deletion wins (issue 17 item 4): an import or a gait analysis for an account deleted meanwhile
leaves nothing.

The upload job's import found the person gone and re-created it with the session and file,
owned by no account. Now an account's import (``create_person=False``) checks the person inside
its own transaction and refuses the file instead.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from fitmaker import walk_fit
from retrostride.gait.recording import Placement
from retrostride.gait.result import BoutResult, GaitResult
from retrostride.log.model import Segment, Session
from retrostride.science.locomotion import Direction
from retrostride.services import accounts, importing, jobs
from retrostride.services import log as log_service
from retrostride.services.gait_analysis import attach_analysis
from retrostride.store.db import Database
from retrostride.store.models import PersonRow

RULES = accounts.AccountRules(argon2_time_cost=1, argon2_memory_kib=1024)


def test_an_import_after_the_account_was_deleted_leaves_nothing(
    db: Database, tmp_path: Path
) -> None:
    ada = accounts.register(
        db, RULES, email="ada@example.org", password="correct horse battery", role="athlete"
    )
    name = accounts.person_name(db, ada.id)
    assert name is not None
    upload = tmp_path / "walk.fit"
    upload.write_bytes(walk_fit())
    accounts.delete_account(db, ada.id)  # while the upload waits in the queue
    options = importing.ImportOptions(create_person=False)
    result = importing.import_one(db, upload, name, options, "walk.fit")
    assert result.outcome == importing.Outcome.REFUSED
    assert result.message == importing.ACCOUNT_GONE
    with db.reading() as reader:
        assert reader.scalar(select(func.count()).select_from(PersonRow)) == 0


def _one_bout() -> GaitResult:
    """A made-up analysis: one confident backward bout of 60 s at 100 steps/min."""
    bout = BoutResult(
        start_s=0.0, end_s=60.0, direction=Direction.BACKWARD, direction_confidence=0.9,
        n_steps=100, cadence_spm=100.0, stride_length_m=1.0, speed_m_s=0.8,
        stride_time_cv_percent=2.0, symmetry_step_time_ratio=1.02,
        initial_contacts_s=np.empty(0), final_contacts_s=np.empty(0),
    )
    return GaitResult(Placement.LOWER_BACK, 100.0, 60.0, [bout], 100)


def test_a_gait_attach_after_the_account_was_deleted_leaves_nothing(db: Database) -> None:
    ada = accounts.register(
        db, RULES, email="ada@example.org", password="correct horse battery", role="athlete"
    )
    name = accounts.person_name(db, ada.id)
    assert name is not None
    session = Session(
        sport="walking", start_utc=datetime(2026, 5, 1, 7, tzinfo=UTC), elapsed_s=60.0,
        segments=[Segment(0.0, elapsed_s=60.0, speed_m_s=0.8)],
    )
    stored = log_service.add_session(db, session, name)
    assert stored.id is not None
    accounts.delete_account(db, ada.id)  # while the analysis runs
    with pytest.raises(accounts.AccountGone, match="deleted meanwhile"):
        attach_analysis(db, stored.id, _one_bout(), person_name=name, create_person=False)
    with db.reading() as reader:
        assert reader.scalar(select(func.count()).select_from(PersonRow)) == 0


def test_a_gait_job_whose_account_was_deleted_leaves_no_received_file(
    db: Database, tmp_path: Path
) -> None:
    """The worker removed the received recording by reading the job's row after the run; the
    row goes with the account, so the file stayed on the server's disk."""
    ada = accounts.register(
        db, RULES, email="ada@example.org", password="correct horse battery", role="athlete"
    )
    name = accounts.person_name(db, ada.id)
    person_id = accounts.get_account(db, ada.id).person_id
    assert name is not None and person_id is not None
    folder = tmp_path / "received"
    folder.mkdir()
    (folder / "part-001").write_bytes(b"time_s,acc_x\n")
    job_id = jobs.submit(
        db, person_id, "gait", files=[jobs.JobFile("walk.csv", str(folder / "part-001"), 13)],
        folder=folder, options={}, extra={"person_name": name},
    )
    assert jobs.claim(db, "w1", job_id=job_id) == job_id
    accounts.delete_account(db, ada.id)  # after the claim, before the child reads its job
    jobs.run_claimed(db, job_id, jobs.JobLimits())
    assert not folder.exists()
    assert jobs.state(db, job_id) is None
    with db.reading() as reader:
        assert reader.scalar(select(func.count()).select_from(PersonRow)) == 0
