"""``retrostride gait batch``: real worker processes, a bad file, restart, bad options."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from retrostride.cli import app

runner = CliRunner()


@pytest.fixture
def folder(shared_data: Path, tmp_path: Path) -> Path:
    root = tmp_path / "in"
    root.mkdir()
    name = "user1_armband_1506423438471.csv"
    (root / name).symlink_to(shared_data / "imu" / "phone-oxford" / name)
    (root / "empty.csv").write_text("")
    return root


def test_batch_runs_and_resumes(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "results.parquet"
    first = runner.invoke(app, ["gait", "batch", str(folder), "--out", str(out), "--workers", "1"])
    assert first.exit_code == 0, first.output
    frame = pd.read_parquet(out)
    assert sorted(frame["status"]) == ["failed", "ok"]
    failed = frame[frame["status"] == "failed"].iloc[0]
    assert failed["path"].endswith("empty.csv") and "empty" in failed["error"]
    ok = frame[frame["status"] == "ok"].iloc[0]
    truth = pd.read_csv(folder / "user1_armband_1506423438471.csv", header=None)[5]
    assert abs(ok["steps"] - (truth.iloc[-1] - truth.iloc[0])) / truth.iloc[-1] < 0.08
    assert "failed" in first.output and "empty.csv" in first.output
    second = runner.invoke(app, ["gait", "batch", str(folder), "--out", str(out)])
    assert second.exit_code == 0, second.output
    assert "2 file(s) already done" in second.output
    assert len(pd.read_parquet(out)) == 2


def test_existing_scheduler(folder: Path, tmp_path: Path) -> None:
    """``--scheduler`` connects to a running cluster (here one of threads, in this process)."""
    from distributed import LocalCluster

    out = tmp_path / "results.parquet"
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address="127.0.0.1:0"
    ) as cluster:
        result = runner.invoke(
            app,
            ["gait", "batch", str(folder), "--out", str(out), "--scheduler",
             cluster.scheduler_address],
        )
    assert result.exit_code == 0, result.output
    frame = pd.read_parquet(out)
    assert sorted(frame["status"]) == ["failed", "ok"]


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--placement", "wrist"], "--placement"),
        (["--workers", "0"], "--workers"),
        (["--scheduler", "tcp://127.0.0.1:1", "--workers", "2"], "--workers"),
        (["--scheduler", "127.0.0.1"], "--scheduler"),
    ],
)
def test_bad_options_exit_2_with_one_line(
    folder: Path, tmp_path: Path, args: list[str], option: str
) -> None:
    result = runner.invoke(
        app, ["gait", "batch", str(folder), "--out", str(tmp_path / "r.parquet"), *args]
    )
    assert result.exit_code == 2
    assert option in result.output


def test_out_must_be_parquet_and_folder_must_exist(folder: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["gait", "batch", str(folder), "--out", str(tmp_path / "r.csv")])
    assert result.exit_code == 2 and ".parquet" in result.output
    result = runner.invoke(
        app, ["gait", "batch", str(tmp_path / "nope"), "--out", str(tmp_path / "r.parquet")]
    )
    assert result.exit_code == 2 and "FOLDER" in result.output
