"""``retrostride demo``: made-up accounts with generated data, only when asked."""

from __future__ import annotations

import re
import warnings
from datetime import date
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from retrostride.cli import app
from retrostride.cli.demo import ATHLETE_EMAIL, CLINICIAN_EMAIL, fill_demo
from retrostride.services import assessments, programs, stats
from retrostride.services import log as log_service
from retrostride.store.db import open_database

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with")
    from fastapi.testclient import TestClient


def test_demo_fills_a_living_athlete_and_clinician(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    runner = CliRunner()
    result = runner.invoke(app, ["demo", "--database", url])
    assert result.exit_code == 0, result.output
    assert ATHLETE_EMAIL in result.output and CLINICIAN_EMAIL in result.output
    passwords = re.findall(r"│ (\S{16}) │", result.output)
    assert len(passwords) == 2
    # a second run refuses to overwrite without --replace
    again = runner.invoke(app, ["demo", "--database", url])
    assert again.exit_code == 2 and "--replace" in again.output

    from retrostride.api.settings import Settings
    from retrostride.server import create_app

    web = TestClient(create_app(Settings(database_url=url, secure_cookies=False)))
    with web:
        r = web.post("/login", data={"email": CLINICIAN_EMAIL, "password": passwords[1]},
                     follow_redirects=True)
        assert r.status_code == 200 and "Robin Demo (made up)" in r.text  # the clinic view


def test_demo_data_is_generated_and_plausible(tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'demo.sqlite'}")
    try:
        today = date(2026, 11, 25)  # a Wednesday
        fill_demo(database, today=today, seed=3)
        person = f"{ATHLETE_EMAIL}"
        sessions = log_service.list_sessions(database, person)
        assert 15 <= len(sessions) <= 20  # 4 weeks of 3 planned + park loops, one missed
        assert all(s.device == "retrostride demo generator" for s in sessions)
        detail = log_service.get_session(database, sessions[-1].id or 0, person)
        assert detail.samples is not None and detail.samples.heart_rate_bpm is not None
        hr = detail.samples.heart_rate_bpm
        assert float(np.nanmin(hr)) > 60 and float(np.nanmax(hr)) < 160
        assert all(s.energy_kcal and s.energy_kcal > 0 for s in sessions)
        weeks = stats.log_totals(database, stats.Period.WEEK, person)
        assert sum(w.backward_s for w in weeks) > 30 * 60 * 3
        status = programs.status(database, person=person, today=today)
        assert status.enrolment.program.id == "knee-oa"
        assert status.adherence.fraction is not None and 0.7 < status.adherence.fraction < 1.0
        report = assessments.report(database, person=person, population="knee_oa")
        assert {r.measure for r in report} == {"nrs_pain", "womac_pain", "tug", "six_minute_walk"}
    finally:
        database.close()
