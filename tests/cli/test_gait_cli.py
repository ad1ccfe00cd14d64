"""``retrostride gait analyze`` and ``retrostride gait validate``."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from retrostride.cli import app

runner = CliRunner()


def test_analyze_json_lower_back(shared_data: Path) -> None:
    path = shared_data / "imu" / "mobgap-lab" / "HA" / "001" / "data.mat"
    result = runner.invoke(app, ["gait", "analyze", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data) == 3
    first = data[0]
    assert first["totals"]["direction"] == "forward"
    assert first["bouts"][0]["cadence_spm"] > 80


def test_analyze_table_phone(shared_data: Path) -> None:
    path = shared_data / "imu" / "phone-oxford" / "user2_hand_1506421987098.csv"
    result = runner.invoke(app, ["gait", "analyze", str(path), "--placement", "phone"])
    assert result.exit_code == 0, result.output
    assert "unknown" in result.output and "steps" in result.output


def test_analyze_bad_file_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "junk.csv"
    bad.write_text("not,an,imu\n1,2,3\n")
    result = runner.invoke(app, ["gait", "analyze", str(bad)])
    assert result.exit_code == 2
    assert "junk.csv" in result.output


def test_analyze_bad_placement_exit_2(shared_data: Path) -> None:
    path = shared_data / "imu" / "phone-oxford" / "user2_hand_1506421987098.csv"
    result = runner.invoke(app, ["gait", "analyze", str(path), "--placement", "wrist"])
    assert result.exit_code == 2
    assert "--placement" in result.output


def test_validate_json_on_phone_subset(shared_data: Path, tmp_path: Path) -> None:
    imu = tmp_path / "imu"
    imu.mkdir()
    (imu / "phone-oxford").symlink_to(shared_data / "imu" / "phone-oxford")
    result = runner.invoke(
        app, ["gait", "validate", "--data", str(tmp_path), "--json", "--no-variants"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["summary"]["phone_step_mae_percent"] < 3.7


def test_analyze_plots_each_recording_of_a_file(shared_data: Path, tmp_path: Path) -> None:
    """A Mobilise-D file holds three tests: one plot each, numbered, none overwritten."""
    path = shared_data / "imu" / "mobgap-lab" / "HA" / "001" / "data.mat"
    target = tmp_path / "gait.png"
    result = runner.invoke(app, ["gait", "analyze", str(path), "--plot", str(target)])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["gait-1.png", "gait-2.png", "gait-3.png"]
    assert all((tmp_path / name).stat().st_size > 10_000 for name in written)


def test_the_checks_title_counts_what_it_lists() -> None:
    """Figures without a goal (passed is None) are neither passed nor failed checks."""
    from retrostride.cli.gait import checks_title
    from retrostride.services.gait_validation import Check

    def check(passed: bool | None) -> Check:
        return Check("section", "item", "metric", 1.0, passed=passed)

    checks = [check(True)] * 5 + [check(False)] * 2 + [check(None)] * 3
    title = checks_title(checks, show_all=False)
    assert title.startswith("Checks not passed (2 failed, 5 passed of 7 with a goal; ")
    assert "3 figures without a goal not listed" in title
    assert "3 figures without a goal listed" in checks_title(checks, show_all=True)
