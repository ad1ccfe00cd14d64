"""``retrostride program ...`` end to end on a SQLite file."""

from __future__ import annotations

from pathlib import Path

import icalendar
import pytest
from typer.testing import CliRunner

from retrostride.cli import app

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"RETROSTRIDE_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "COLUMNS": "200"}


def test_list_and_show(env: dict[str, str]) -> None:
    out = runner.invoke(app, ["program", "list"], env=env)
    assert out.exit_code == 0
    for pid in ("knee-oa", "fitness", "knee-oa-lbpp", "balance", "beginner"):
        assert pid in out.stdout
    shown = runner.invoke(app, ["program", "show", "knee-oa"], env=env)
    assert shown.exit_code == 0
    assert "[evidence (alghadir2019)]" in shown.stdout and "[our choice]" in shown.stdout
    assert "10.1186/s12891-019-2537-9" in shown.stdout
    assert "6 min to 10 min" in shown.stdout


def test_show_unknown_program_is_one_line_and_exit_2(env: dict[str, str]) -> None:
    out = runner.invoke(app, ["program", "show", "yoga"], env=env)
    assert out.exit_code == 2
    assert "knee-oa" in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_start_today_status_ics(env: dict[str, str], tmp_path: Path) -> None:
    start = runner.invoke(
        app,
        [
            "program",
            "start",
            "knee-oa",
            "--start",
            "2026-03-02",
            "--answer",
            "falls=yes",
            "--no-to-others",
        ],
        env=env,
    )
    assert start.exit_code == 0, start.output
    assert "modified" in start.stdout and "handrails" in start.stdout
    for day in ("2026-03-02", "2026-03-04", "2026-03-06"):
        logged = runner.invoke(
            app,
            [
                "log",
                "--duration",
                "10min",
                "--start",
                f"{day} 10:00",
                "--setting",
                "treadmill",
                "--pain-before",
                "1",
                "--pain-after",
                "1",
                "--rpe",
                "4",
            ],
            env=env,
        )
        assert logged.exit_code == 0, logged.output
    today = runner.invoke(app, ["program", "today", "--date", "2026-03-09"], env=env)
    assert today.exit_code == 0
    assert "2.2 km/h" in today.stdout and "progress-comfortable" in today.stdout
    assert "falls are the main risk" in today.stdout
    status = runner.invoke(
        app,
        [
            "program",
            "status",
            "--date",
            "2026-03-10",
            "--plot",
            str(tmp_path / "a.png"),
            "--volume-plot",
            str(tmp_path / "v.svg"),
        ],
        env=env,
    )
    assert status.exit_code == 0, status.output
    assert "3 of 4 sessions due (75%)" in status.stdout
    assert (tmp_path / "a.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in (tmp_path / "v.svg").read_bytes()[:500]
    ics = runner.invoke(app, ["program", "ics", "-o", str(tmp_path / "plan.ics")], env=env)
    assert ics.exit_code == 0
    cal = icalendar.Calendar.from_ical((tmp_path / "plan.ics").read_bytes())
    assert len(list(cal.walk("VEVENT"))) == 18


def test_start_refused_by_screening_exit_3_then_cleared(env: dict[str, str]) -> None:
    args = ["program", "start", "knee-oa", "--answer", "dizziness=yes", "--no-to-others"]
    refused = runner.invoke(app, args, env=env)
    assert refused.exit_code == 3
    assert "--cleared-by" in refused.stderr
    ok = runner.invoke(app, [*args, "--cleared-by", "Dr B, GP"], env=env)
    assert ok.exit_code == 0


def test_unanswered_screening_without_a_terminal_is_an_input_error(env: dict[str, str]) -> None:
    out = runner.invoke(app, ["program", "start", "knee-oa", "--answer", "falls=maybe"], env=env)
    assert out.exit_code == 2 and "--answer" in out.stderr
    out = runner.invoke(
        app, ["program", "start", "knee-oa", "--answer", "falls=no"], env=env, input=""
    )
    assert out.exit_code == 2 and "heart" in out.stderr


def test_today_without_enrolment_says_how_to_start(env: dict[str, str]) -> None:
    out = runner.invoke(app, ["program", "today"], env=env)
    assert out.exit_code == 1 and "program start" in out.stderr


def test_event_records_a_fall_and_status_flags_it(env: dict[str, str]) -> None:
    start = runner.invoke(
        app,
        ["program", "start", "knee-oa", "--start", "2026-03-02", "--no-to-others",
         "--age", "68", "--tug", "12.5"],
        env=env,
    )
    assert start.exit_code == 0, start.output
    assert "supervised" in start.stdout or "physiotherapist" in start.stdout
    for day in ("2026-03-02", "2026-03-04", "2026-03-06"):
        logged = runner.invoke(
            app,
            ["log", "--duration", "10min", "--start", f"{day} 10:00", "--setting", "treadmill",
             "--pain-before", "1", "--pain-after", "1", "--rpe", "4"],
            env=env,
        )
        assert logged.exit_code == 0, logged.output
    event = runner.invoke(app, ["program", "event", "3", "fall"], env=env)
    assert event.exit_code == 0, event.output
    status = runner.invoke(app, ["program", "status", "--date", "2026-03-10"], env=env)
    assert "flagged for clinician review" in status.stdout
    assert "step-back-after-fall" in status.stdout
    bad = runner.invoke(app, ["program", "event", "3", "trip"], env=env)
    assert bad.exit_code == 2
