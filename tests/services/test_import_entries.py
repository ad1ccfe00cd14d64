"""Zips and folders: every entry gets its own outcome; a bad entry never loses the good ones."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from exportmaker import health_export_zip
from fitmaker import DEVELOPER_DATA_ID, FIELD_DESCRIPTION, UINT8, UINT16, walk_fit
from retrostride.importers.activity import fit
from retrostride.services import importing, log
from retrostride.services.importing import Outcome, expand_paths, import_files
from retrostride.store import repository
from retrostride.store.db import Database

FIT = Path("activity") / "fit"


def _no_name_dev_fit() -> bytes:
    """Developer fields whose description has no name (RunScribe, Connect IQ)."""
    extra = [
        (DEVELOPER_DATA_ID, [(3, UINT8, 0)]),
        (FIELD_DESCRIPTION, [(0, UINT8, 0), (1, UINT8, 0), (2, UINT8, UINT16)]),
    ]
    return walk_fit(start_unix_s=1_600_000_000, extra=extra, record_dev=[(0, 2, 0, b"\x10\x00")])


@pytest.fixture
def crash_on_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """The FIT decoder fails with an error no rule foresees on files named ``crash*``."""
    real = fit.parse_fit

    def parse_fit(path: Path, *args: Any, **kwargs: Any) -> Any:
        if "crash" in path.name:
            raise AttributeError("'NoneType' object has no attribute 'lower'")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(fit, "parse_fit", parse_fit)


def _check(report: importing.ImportReport, db: Database) -> None:
    outcomes = {Path(r.name).name: r for r in report.results}
    assert outcomes["walk.fit"].outcome is Outcome.IMPORTED
    assert outcomes["devfields.fit"].outcome is Outcome.IMPORTED
    crash = outcomes["crash.fit"]
    assert crash.outcome is Outcome.REFUSED
    assert "AttributeError" in crash.message and "lower" not in crash.message
    assert len(log.list_sessions(db)) == 2


@pytest.mark.usefixtures("crash_on_name")
def test_a_zip_with_a_crashing_entry_keeps_its_good_entries(
    db: Database, shared_data: Path, tmp_path: Path
) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(shared_data / FIT / "garmin-fenix-5-walk.fit", "a/walk.fit")
        zf.write(shared_data / FIT / "garmin-fenix-5-run.fit", "a/crash.fit")
        zf.writestr("a/devfields.fit", _no_name_dev_fit())
    _check(import_files(db, [archive]), db)


@pytest.mark.usefixtures("crash_on_name")
def test_a_folder_with_a_crashing_file_keeps_its_good_files(
    db: Database, shared_data: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    shutil.copyfile(shared_data / FIT / "garmin-fenix-5-walk.fit", folder / "walk.fit")
    shutil.copyfile(shared_data / FIT / "garmin-fenix-5-run.fit", folder / "crash.fit")
    (folder / "devfields.fit").write_bytes(_no_name_dev_fit())
    _check(import_files(db, [folder]), db)


@pytest.mark.usefixtures("crash_on_name")
def test_the_upload_path_gets_the_same_per_entry_outcomes(
    db: Database, shared_data: Path, tmp_path: Path
) -> None:
    """The web's upload jobs call import_archive and import_one directly: same outcomes."""
    archive = tmp_path / "upload.bin"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(shared_data / FIT / "garmin-fenix-5-walk.fit", "walk.fit")
        zf.write(shared_data / FIT / "garmin-fenix-5-run.fit", "crash.fit")
        zf.writestr("devfields.fit", _no_name_dev_fit())
    results = importing.import_archive(db, archive, "me", importing.ImportOptions())
    _check(importing.ImportReport(results=results), db)
    single = tmp_path / "crash.fit"
    shutil.copyfile(shared_data / FIT / "garmin-fenix-5-bike.fit", single)
    result = importing.import_one(db, single, "me", importing.ImportOptions(), "crash.fit")
    assert result.outcome is Outcome.REFUSED and "please report" in result.message


def test_a_failure_storing_one_entry_keeps_the_others(
    db: Database, shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "export.zip"
    names = ("garmin-fenix-5-walk.fit", "garmin-fenix-5-run.fit", "garmin-fenix-5-bike.fit")
    with zipfile.ZipFile(archive, "w") as zf:
        for name in names:
            zf.write(shared_data / FIT / name, name)
    real_add = repository.add_session

    def failing_add(db_: Any, person_id: int, session: Any, **kwargs: Any) -> Any:
        if session.sport == "running":
            raise RuntimeError("disk full")
        return real_add(db_, person_id, session, **kwargs)

    monkeypatch.setattr(repository, "add_session", failing_add)
    report = import_files(db, [archive])
    outcomes = {Path(r.name).name: r.outcome for r in report.results}
    assert outcomes == {
        names[0]: Outcome.IMPORTED,
        names[1]: Outcome.REFUSED,
        names[2]: Outcome.IMPORTED,
    }
    assert sorted(s.sport for s in log.list_sessions(db)) == ["cycling", "walking"]


def test_files_keep_the_names_people_gave_them(
    db: Database, shared_data: Path, tmp_path: Path
) -> None:
    """An upload is received under a server-chosen name; it is stored under the person's."""
    received = tmp_path / "part-001"
    shutil.copyfile(shared_data / FIT / "garmin-fenix-5-walk.fit", received)
    options = importing.ImportOptions()
    single = importing.import_one(db, received, "me", options, "Morning walk\x07.fit")
    stored = log.get_session(db, single.session_ids[0])
    assert stored.source is not None and stored.source.name == "Morning walk.fit"
    archive = tmp_path / "part-002"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(shared_data / FIT / "garmin-fenix-5-run.fit", "runs/run.fit")
        zf.writestr("__MACOSX/runs/._run.fit", b"\x00\x05\x16\x07junk")
    (entry,) = importing.import_archive(db, archive, "me", options, display_name="Export 2024.zip")
    assert entry.name == "Export 2024.zip/runs/run.fit"
    assert all("part-002" not in w for w in entry.warnings) and entry.warnings
    stored = log.get_session(db, entry.session_ids[0])
    assert stored.source is not None and stored.source.name == "Export 2024.zip!runs/run.fit"


def test_an_apple_health_export_imports_its_workouts_once(db: Database, tmp_path: Path) -> None:
    archive = health_export_zip(tmp_path / "export.zip")
    first = import_files(db, [archive])
    assert [r.outcome for r in first.results] == [Outcome.IMPORTED, Outcome.IMPORTED]
    assert first.results[0].name.startswith(f"{archive}/apple_health_export/export.xml#")
    again = import_files(db, [archive])
    assert [r.outcome for r in again.results] == [Outcome.DUPLICATE, Outcome.DUPLICATE]
    assert len(log.list_sessions(db)) == 2


def test_an_unzipped_apple_health_folder_imports_like_its_zip(
    db: Database, tmp_path: Path
) -> None:
    """The folder's workouts are imported (the route GPX is not a session of its own), and the
    zip imported afterwards holds only duplicates."""
    archive = health_export_zip(tmp_path / "export.zip")
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(tmp_path / "phone")
    (tmp_path / "phone" / "notes.txt").write_text("not an activity")
    paths = expand_paths([tmp_path / "phone"])
    assert paths[0] == tmp_path / "phone" / "apple_health_export"
    report = import_files(db, paths)
    imported = [r for r in report.results if r.outcome is Outcome.IMPORTED]
    assert len(imported) == 2, report.results
    assert {log.get_session(db, r.session_ids[0]).sport for r in imported} == {
        "walking", "running"
    }
    again = import_files(db, [archive]).results
    assert {r.outcome for r in again} == {Outcome.DUPLICATE}, again
