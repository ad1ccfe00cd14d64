"""``retrostride gait analyze FILE --session ID`` writes direction and cadence to the session."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retrostride.cli import app
from retrostride.gait.pipeline import analyze
from retrostride.importers.imu import load_generic_csv, load_mobilised_mat, write_generic_csv
from retrostride.log.model import Segment, Session
from retrostride.science.locomotion import Direction
from retrostride.services import log as log_service
from retrostride.store.db import ENV_DATABASE_URL, open_database

runner = CliRunner()


@pytest.fixture
def lab_csv(shared_data: Path, tmp_path: Path) -> tuple[Path, float]:
    """HA lab test 11 as a retrostride CSV, and its INDIP cadence [steps/min]."""
    mat = shared_data / "imu" / "mobgap-lab" / "HA" / "001" / "data.mat"
    rec = max(load_mobilised_mat(mat), key=len)
    bouts = rec.reference["indip"]
    strides = sum(b["n_strides"] for b in bouts)
    cadence = sum(b["cadence_spm"] * b["n_strides"] for b in bouts) / strides
    path = tmp_path / "lab.csv"
    write_generic_csv(rec, path)
    return path, cadence


def test_analyze_attaches_to_session(
    lab_csv: tuple[Path, float], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'log.sqlite'}"
    monkeypatch.setenv(ENV_DATABASE_URL, url)
    database = open_database(url)
    session = Session(
        sport="walking",
        start_utc=datetime(2026, 5, 1, 7, 0, tzinfo=UTC),
        elapsed_s=140.0,
        segments=[Segment(0.0, elapsed_s=140.0)],
    )
    stored = log_service.add_session(database, session)
    path, reference_cadence = lab_csv
    result = runner.invoke(
        app, ["gait", "analyze", str(path), "--placement", "lower-back", "--session",
              str(stored.id)],
    )
    assert result.exit_code == 0, result.output
    assert f"attached to session {stored.id}" in result.output
    assert stored.id is not None
    seg = log_service.get_session(database, stored.id).segments[0]
    assert seg.direction is Direction.FORWARD
    assert seg.cadence_spm is not None
    result_alone = analyze(load_generic_csv(path))
    inside = [b for b in result_alone.bouts if b.start_s < 140.0]
    expected = sum(b.cadence_spm * (min(b.end_s, 140.0) - b.start_s) for b in inside) / sum(
        min(b.end_s, 140.0) - b.start_s for b in inside
    )
    assert seg.cadence_spm == pytest.approx(expected, abs=0.01)
    # sanity against INDIP: a steps/strides mix-up would be off by half
    assert abs(seg.cadence_spm - reference_cadence) / reference_cadence < 0.20
    database.close()


@pytest.mark.parametrize("session", ["abc", "9999"])
def test_bad_session_exits_2(
    lab_csv: tuple[Path, float], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, session: str
) -> None:
    monkeypatch.setenv(ENV_DATABASE_URL, f"sqlite:///{tmp_path / 'log.sqlite'}")
    path, _ = lab_csv
    result = runner.invoke(app, ["gait", "analyze", str(path), "--session", session])
    assert result.exit_code == 2
    assert "--session" in result.output


def test_analyze_attaches_with_database_option(
    lab_csv: tuple[Path, float], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--database`` names the log as for the log commands (no environment variable)."""
    monkeypatch.delenv(ENV_DATABASE_URL, raising=False)
    url = f"sqlite:///{tmp_path / 'other.sqlite'}"
    database = open_database(url)
    stored = log_service.add_session(
        database,
        Session(
            sport="walking",
            start_utc=datetime(2026, 5, 2, 7, 0, tzinfo=UTC),
            elapsed_s=140.0,
            segments=[Segment(0.0, elapsed_s=140.0)],
        ),
    )
    assert stored.id is not None
    path, _ = lab_csv
    result = runner.invoke(
        app,
        ["gait", "analyze", str(path), "--placement", "lower-back", "--session", str(stored.id),
         "--database", url],
    )
    assert result.exit_code == 0, result.output
    assert log_service.get_session(database, stored.id).segments[0].cadence_spm is not None
    bad = runner.invoke(
        app,
        ["gait", "analyze", str(path), "--placement", "lower-back", "--session", "1",
         "--database", "nosuchdb://x"],
    )
    assert bad.exit_code == 1 and "--database" in bad.output, bad.output
    database.close()
