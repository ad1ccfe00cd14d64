"""The log's commands end to end, on a real database."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retrostride.cli import app

runner = CliRunner()


def run(url: str, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, [*args, "--database", url])
    assert result.exit_code == code, (result.output, result.exception)
    return result.output


@pytest.fixture
def url(database_url: str) -> str:
    """Every command test runs on SQLite and on PostgreSQL."""
    return database_url


def sessions(url: str) -> list[dict[str, object]]:
    return list(json.loads(run(url, "sessions", "--json")))


def test_a_refused_entry_names_the_option(url: str) -> None:
    """The entry service's refusals (``distance_m``, ``speed_m_s``, ``sport``) in the CLI's
    words: the option a person typed, never the domain field."""
    for args, option in (
        (["--distance", "50km"], "--distance: "),  # 50 km in 10 min, walking
        (["--speed", "20km/h"], "--speed: "),
        (["--sport", " "], "--sport: "),
    ):
        result = runner.invoke(app, ["log", "--duration", "10min", *args, "--database", url])
        assert result.exit_code == 2, result.output
        assert option in result.output and "_m" not in result.output, result.output
    assert sessions(url) == []


def test_manual_entry_understands_units(url: str) -> None:
    run(url, "profile", "--mass", "154lb", "--on", "2024-01-01", "--time-zone", "Europe/Berlin")
    out = run(
        url,
        "log",
        "--duration",
        "30min",
        "--speed",
        "2mph",
        "--grade",
        "5%",
        "--setting",
        "treadmill",
        "--start",
        "2024-05-01 07:30",
        "--rpe",
        "4",
        "--pain-before",
        "2",
        "--pain-after",
        "1",
        "--load",
        "10lb",
        "--surface",
        "dirt-road",
    )
    assert "logged session 1" in out
    (s,) = sessions(url)
    assert s["start_utc"] == "2024-05-01T05:30:00+00:00"  # 07:30 in Berlin (CEST, +02:00)
    assert s["utc_offset_s"] == 7200
    assert s["distance_m"] == pytest.approx(1609.344, rel=1e-12)  # 2 mph for 30 min: one mile
    seg = s["segments"][0]  # type: ignore[index]
    assert seg["speed_m_s"] == pytest.approx(0.89408, rel=1e-12)
    assert seg["grade_percent"] == 5.0 and seg["direction"] == "backward"  # as typed: exact
    assert seg["load_kg"] == pytest.approx(4.5359237, rel=1e-12)
    assert s["surface"] == "dirt-road" and "terrain" not in s
    run(url, "edit", "1", "--surface", "swamp")
    assert sessions(url)[0]["surface"] == "swamp"
    profile = json.loads(run(url, "profile", "--json"))
    assert profile["body_mass"] == [
        {"on": "2024-01-01", "mass_kg": pytest.approx(154 * 0.45359237, rel=1e-12)}
    ]


def test_terrain_is_a_hidden_deprecated_alias_of_surface(url: str) -> None:
    """``--terrain`` (the option's former name) still works, hidden from the help."""
    for command in ("log", "edit"):
        help_text = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"}).output
        assert "--surface" in help_text and "--terrain" not in help_text
    run(url, "log", "--duration", "10min", "--terrain", "dirt-road")
    assert sessions(url)[0]["surface"] == "dirt-road"
    run(url, "edit", "1", "--terrain", "loose-sand")
    assert sessions(url)[0]["surface"] == "loose-sand"
    out = run(url, "edit", "1", "--surface", "swamp", "--terrain", "firm", code=2)
    assert "--surface" in out and "swamp" in out and "firm" in out
    assert sessions(url)[0]["surface"] == "loose-sand"


def test_bad_value_is_one_line_naming_the_option_and_exit_2(url: str) -> None:
    result = runner.invoke(app, ["log", "--duration", "soon", "--database", url])
    assert result.exit_code == 2
    assert "--duration" in result.output and "soon" in result.output
    result = runner.invoke(app, ["log", "--duration", "10min", "--rpe", "12", "--database", url])
    assert result.exit_code == 2 and "rpe" in result.output
    assert sessions(url) == []


def test_import_batch_reports_the_bad_file_and_exits_non_zero(url: str, shared_data: Path) -> None:
    fit = shared_data / "activity" / "fit"
    empty = shared_data / "activity" / "broken" / "elevate-empty.fit"
    result = runner.invoke(
        app,
        [
            "import",
            str(fit / "garmin-fenix-5-walk.fit"),
            str(empty),
            str(fit / "garmin-fenix-5-run.fit"),
            "--direction",
            "backward",
            "--database",
            url,
        ],
    )
    assert result.exit_code == 1
    assert "elevate-empty.fit" in result.output and "refused" in result.output
    found = sessions(url)
    assert len(found) == 2
    assert all(seg["direction"] == "backward" for s in found for seg in s["segments"])  # type: ignore[attr-defined]


def test_import_of_a_zip_reports_each_entry_and_keeps_the_good_ones(
    url: str, shared_data: Path, tmp_path: Path
) -> None:
    """A zip holding a real watch file, a cut-off copy of another and a file whose developer
    fields have no name: one outcome per entry, the good ones imported; salvage keeps the cut
    one's valid part on a second run."""
    from fitmaker import DEVELOPER_DATA_ID, FIELD_DESCRIPTION, UINT8, UINT16, walk_fit

    fit = shared_data / "activity" / "fit"
    walk = (fit / "garmin-fenix-5-walk.fit").read_bytes()
    no_name = walk_fit(
        start_unix_s=1_600_000_000,
        extra=[
            (DEVELOPER_DATA_ID, [(3, UINT8, 0)]),
            (FIELD_DESCRIPTION, [(0, UINT8, 0), (1, UINT8, 0), (2, UINT8, UINT16)]),
        ],
        record_dev=[(0, 2, 0, b"\x10\x00")],
    )
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a/run.fit", (fit / "garmin-fenix-5-run.fit").read_bytes())
        zf.writestr("b/walk.fit", walk[: len(walk) // 2])
        zf.writestr("c/runscribe.fit", no_name)
    result = runner.invoke(app, ["import", str(archive), "--database", url])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    named = str(archive)
    assert any(line.startswith(f"imported {named}/a/run.fit") for line in lines), lines
    assert any(line.startswith(f"imported {named}/c/runscribe.fit") for line in lines), lines
    cut = [line for line in lines if f"{named}/b/walk.fit" in line]
    assert cut and cut[0].startswith("refused") and "--salvage" in cut[0], lines
    assert "Error" not in result.output  # no exception's text
    assert len(sessions(url)) == 2
    again = runner.invoke(app, ["import", str(archive), "--salvage", "--database", url])
    assert f"salvaged {named}/b/walk.fit" in again.output, again.output
    assert len(sessions(url)) == 3


def test_import_probable_duplicate_is_not_a_failure(url: str, shared_data: Path) -> None:
    tcx = shared_data / "activity" / "tcx"
    out = run(url, "import", str(tcx / "tcxparser-test.tcx"), str(tcx / "tcxparser-no_hr.tcx"))
    assert "probable_duplicate" in out and "--allow-duplicate" in out
    run(url, "import", str(tcx / "tcxparser-no_hr.tcx"), "--allow-duplicate")
    assert len(sessions(url)) == 2


def test_salvage_and_size_limit_options(url: str, shared_data: Path) -> None:
    damaged = shared_data / "activity" / "broken" / "strava-android-app-201.10-b1218918.fit"
    out = run(url, "import", str(damaged), code=1)
    assert "--salvage" in out
    out = run(url, "import", str(damaged), "--salvage")
    assert "salvaged" in out
    walk = shared_data / "activity" / "fit" / "garmin-fenix-5-walk.fit"
    out = run(url, "import", str(walk), "--max-size", "1kB", code=1)
    assert "size limit" in out
    result = runner.invoke(app, ["import", str(walk), "--max-size", "big", "--database", url])
    assert result.exit_code == 2 and "--max-size" in result.output


def test_edit_show_stats_delete(url: str, shared_data: Path) -> None:
    run(url, "import", str(shared_data / "activity" / "fit" / "activity-small-fenix2-run.fit"))
    (s,) = sessions(url)
    sid = str(s["id"])
    run(url, "edit", sid, "--segment", "1", "--direction", "backward", "--notes", "retro")
    shown = json.loads(run(url, "show", sid, "--json"))
    assert shown["segments"][0]["direction"] == "backward" and shown["notes"] == "retro"
    assert len(shown["samples"]["time_s"]) > 2000
    text = run(url, "show", sid)
    assert "segments" in text and "backward" in text
    result = runner.invoke(
        app, ["edit", sid, "--segment", "99", "--direction", "forward", "--database", url]
    )
    assert result.exit_code == 2 and "--segment" in result.output
    stats = json.loads(run(url, "stats", "--month", "--json"))
    assert stats[0]["period"] == "2015-08" and stats[0]["sessions"] == 1
    assert "totals per week" in run(url, "stats", "--week")
    run(url, "delete", sid, "--yes")
    assert sessions(url) == []
    result = runner.invoke(app, ["show", sid, "--database", url])
    assert result.exit_code == 1 and "not found" in result.output


def test_export_and_restore_through_the_cli(url: str, shared_data: Path, tmp_path: Path) -> None:
    run(url, "profile", "--mass", "70kg")
    run(url, "import", str(shared_data / "activity" / "fit" / "garmin-fenix-5-walk.fit"))
    run(url, "log", "--duration", "20min", "--distance", "1km", "--notes", "hand")
    bundle = tmp_path / "log.json"
    run(url, "export", str(bundle))
    run(url, "export", str(tmp_path / "csv"), "--format", "csv")
    for source in (bundle, tmp_path / "csv"):
        copy = f"sqlite:///{tmp_path / (source.name + '.sqlite')}"
        run(copy, "restore", str(source))
        assert sessions(copy) == sessions(url)  # lossless: exact on purpose
    result = runner.invoke(app, ["restore", str(bundle), "--database", url])
    assert result.exit_code == 1 and "already has sessions" in result.output


def test_unreachable_database_is_one_clear_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["sessions", "--database", "postgresql://nobody@127.0.0.1:1/x"])
    assert result.exit_code == 1 and "--database" in result.output


def test_manual_entry_defaults_to_now_in_the_home_zone(url: str) -> None:
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    run(url, "profile", "--time-zone", "Asia/Kolkata")
    run(url, "log", "--duration", "10min")
    (s,) = sessions(url)
    start = datetime.fromisoformat(str(s["start_utc"]))
    assert abs(start - datetime.now(UTC)) < timedelta(minutes=5)
    assert s["utc_offset_s"] == 19800 == datetime.now(ZoneInfo("Asia/Kolkata")).utcoffset().seconds


def test_unwritable_export_and_missing_bundle_are_one_line(url: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", str(tmp_path / "no" / "dir.json"), "--database", url])
    assert result.exit_code == 1 and "No such file" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(app, ["restore", str(tmp_path / "missing.json"), "--database", url])
    assert result.exit_code == 2 and "bundle" in result.output
