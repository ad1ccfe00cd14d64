"""``retrostride assess ...`` end to end on a SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retrostride.cli import app

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"RETROSTRIDE_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "COLUMNS": "200"}


def test_add_list_report_with_plots(env: dict[str, str], tmp_path: Path) -> None:
    for args in (
        ["nrs_pain", "6", "--date", "2026-03-02"],
        ["nrs_pain", "4", "--date", "2026-04-13"],
        ["tug", "10.0 s", "--date", "2026-03-02"],
        ["tug", "8.7", "--date", "2026-04-13"],
    ):
        out = runner.invoke(app, ["assess", "add", *args], env=env)
        assert out.exit_code == 0, out.output
    listed = runner.invoke(app, ["assess", "list", "--json"], env=env)
    rows = json.loads(listed.stdout)
    assert [r["measure"] for r in rows] == ["nrs_pain", "tug", "nrs_pain", "tug"]
    report = runner.invoke(app, ["assess", "report", "--plot", str(tmp_path / "p.png")], env=env)
    assert report.exit_code == 0, report.output
    assert "reaches the minimal important change" in report.stdout
    assert "Salaffi" in report.stdout
    assert "Minimal important changes for: knee osteoarthritis" in report.stdout
    for measure in ("nrs_pain", "tug"):
        assert (tmp_path / f"p-{measure}.png").read_bytes()[:4] == b"\x89PNG"


def test_units_at_the_edge(env: dict[str, str]) -> None:
    out = runner.invoke(app, ["assess", "add", "six_minute_walk", "0.45 km"], env=env)
    assert out.exit_code == 0 and "450 m" in out.stdout
    out = runner.invoke(app, ["assess", "add", "body_mass", "154 lb"], env=env)
    assert out.exit_code == 0 and "69.85 kg" in out.stdout


def test_bad_input_is_one_line_exit_2(env: dict[str, str]) -> None:
    out = runner.invoke(app, ["assess", "add", "womac_pain", "25"], env=env)
    assert out.exit_code == 2
    assert "0 to 20" in out.stderr and len(out.stderr.strip().splitlines()) == 1
    out = runner.invoke(app, ["assess", "add", "body_fat", "24"], env=env)
    assert out.exit_code == 2 and "method" in out.stderr
    out = runner.invoke(app, ["assess", "report", "--population", "martians"], env=env)
    assert out.exit_code == 2 and "knee_oa" in out.stderr
