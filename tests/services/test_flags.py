"""Device values outside their physical limits are kept as flags, left out of the summary and
energy, survive export and restore, and are shown by the CLI and the API."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from flagged_tcx import flagged_run_tcx
from retrostride.cli import app
from retrostride.importers.activity import parse_activity_file
from retrostride.importers.activity.plausibility import check_totals, plausible
from retrostride.log.model import Flag, Samples, Segment, Session
from retrostride.services import log
from retrostride.services.export import session_from_json, session_to_json
from retrostride.services.importing import Outcome, import_files
from retrostride.services.session_summary import summarise
from retrostride.store.db import Database


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "run.tcx"
    path.write_text(flagged_run_tcx())
    return path


def test_heart_rate_and_cadence_outside_the_limits_are_flagged(tmp_path: Path) -> None:
    (session,) = parse_activity_file(_file(tmp_path)).sessions
    lap = session.segments[0]
    assert lap.heart_rate_bpm is None and lap.cadence_spm is None
    by_field = {(f.where, f.field): f for f in session.flags}
    assert by_field["lap 1", "heart_rate_bpm"].value == pytest.approx(320.0, abs=1e-9)
    assert by_field["lap 1", "cadence_spm"].value >= 400.0
    samples = by_field["samples", "heart_rate_bpm"]
    assert samples.count == 6 and samples.value == pytest.approx(310.0, abs=1e-9)
    assert "25 to 250 bpm" in samples.bound
    # the recording keeps the device's values
    assert session.samples is not None and session.samples.heart_rate_bpm is not None
    assert np.nanmax(session.samples.heart_rate_bpm) == pytest.approx(310.0, abs=1e-9)
    assert any("6 heart rate point(s)" in w for w in session.warnings)


def test_the_summary_leaves_flagged_points_out() -> None:
    hr = np.array([100.0, 120.0, 300.0, np.nan])
    session = Session(
        sport="walking", start_utc=None, elapsed_s=3.0,
        samples=Samples(time_s=np.arange(4.0), heart_rate_bpm=hr,
                        cadence_spm=np.array([110.0, 900.0, 112.0, 0.0])),
    )
    summary = summarise(session)
    assert summary.avg_heart_rate_bpm == pytest.approx(110.0, abs=1e-9)
    assert summary.max_heart_rate_bpm == pytest.approx(120.0, abs=1e-9)
    assert summary.avg_cadence_spm == pytest.approx(111.0, abs=1e-9)
    # a sport without a cadence limit (strokes) keeps its values
    assert plausible("rowing", "cadence_spm", np.array([900.0]))[0] == pytest.approx(900.0)


def test_pedal_cadence_has_its_own_limit() -> None:
    ride = Session(sport="cycling", start_utc=None, elapsed_s=60.0,
                   segments=[Segment(0.0, elapsed_s=60.0, cadence_spm=260.0)])
    assert check_totals(ride) and ride.flags[0].unit == "rpm"
    ok = Session(sport="cycling", start_utc=None, elapsed_s=60.0,
                 segments=[Segment(0.0, elapsed_s=60.0, cadence_spm=90.0)])
    assert check_totals(ok) == [] and ok.flags == []


def test_flags_are_stored_exported_and_restored(db: Database, tmp_path: Path) -> None:
    (result,) = import_files(db, [_file(tmp_path)]).results
    assert result.outcome is Outcome.IMPORTED
    stored = log.get_session(db, result.session_ids[0])
    assert {(f.where, f.field) for f in stored.flags} == {
        ("lap 1", "heart_rate_bpm"), ("lap 1", "cadence_spm"), ("samples", "heart_rate_bpm")
    }
    again = session_from_json(json.loads(json.dumps(session_to_json(stored))))
    assert again.flags == stored.flags
    assert Flag.from_dict(stored.flags[0].to_dict()) == stored.flags[0]


def test_the_cli_shows_the_flags(database_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(app, ["import", str(_file(tmp_path)), "--database", database_url])
    assert out.exit_code == 0, out.output
    listed = json.loads(
        runner.invoke(app, ["sessions", "--json", "--database", database_url]).output
    )
    sid = str(listed[0]["id"])
    text = runner.invoke(app, ["show", sid, "--database", database_url]).output
    assert "flagged: samples heart_rate_bpm = 310 bpm (6 points)" in text
    shown = json.loads(
        runner.invoke(app, ["show", sid, "--json", "--database", database_url]).output
    )
    assert {f["field"] for f in shown["flags"]} == {"heart_rate_bpm", "cadence_spm"}
