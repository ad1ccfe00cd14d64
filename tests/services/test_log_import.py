"""Importing real device files into a real database: outcomes, duplicates, salvage, atomicity."""

from __future__ import annotations

import shutil
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import inspect, text

from retrostride.importers.activity import parse_activity_file
from retrostride.science.locomotion import Direction
from retrostride.services import importing, log
from retrostride.services.importing import ImportOptions, Outcome, Remedy, import_files
from retrostride.store import repository
from retrostride.store.db import Database

ACTIVITY = Path("activity")


def dump(db: Database) -> dict[str, list[Any]]:
    """Every row of every table: to show that a failed import changed nothing."""
    out: dict[str, list[Any]] = {}
    with db.engine.connect() as conn:
        for table in sorted(inspect(db.engine).get_table_names()):
            rows = conn.execute(text(f'SELECT * FROM "{table}"')).all()
            out[table] = sorted((tuple(r) for r in rows), key=repr)
    return out


def one(db: Database, path: Path, **options: Any) -> importing.FileResult:
    report = import_files(db, [path], options=ImportOptions(**options))
    assert len(report.results) == 1
    return report.results[0]


def test_a_batch_of_every_shared_file_does_what_the_data_readme_says(
    db: Database, shared_data: Path
) -> None:
    act = shared_data / ACTIVITY
    files = sorted((act / "fit").glob("*.fit")) + sorted((act / "gpx").glob("*.gpx"))
    tcx = act / "tcx"
    files += [
        tcx / "tcxparser-test.tcx",
        tcx / "tcxparser-no_hr.tcx",
        tcx / "elevate-20181021_run_3106033902-garmin.tcx",
        tcx / "tcxreader-sup_activity_1.tcx",
    ]
    files += [act / "broken" / "elevate-empty.fit"]
    report = import_files(db, files)
    by_name = {Path(r.name).name: r for r in report.results}
    refused = {
        "gpxpy-gpx-with-node-with-comments.gpx",
        "gpxpy-unicode_with_bom.gpx",
        "elevate-empty.fit",
    }
    duplicates = {
        "tcxparser-no_hr.tcx",
        "gpxpy-cerknicko-jezero.gpx",
        "gpxpy-cerknicko-without-times.gpx",
    }
    for name, result in by_name.items():
        if name in refused:
            assert result.outcome is Outcome.REFUSED, name
            assert result.message, name
        elif name in duplicates:
            assert result.outcome is Outcome.PROBABLE_DUPLICATE, (name, result.message)
        else:
            assert result.outcome is Outcome.IMPORTED, (name, result.message)
    assert not report.ok  # one bad file: the batch fails ...
    assert len(report.failed) == 3  # ... but only the bad files failed
    # The multisport file is one linked session per sport.
    multi = log.list_sessions(db)
    group = [s for s in multi if s.source and s.source.name == "sample_mulitple_header.fit"]
    assert len(group) == len(by_name["sample_mulitple_header.fit"].session_ids) >= 3
    assert len({s.group for s in group}) == 1 and group[0].group is not None
    # Every imported session is in the log, and nothing else.
    assert sorted(s.id for s in multi) == sorted(report.session_ids)


def test_stored_session_equals_the_parsed_file_samples_included(
    db: Database, shared_data: Path
) -> None:
    path = shared_data / ACTIVITY / "fit" / "garmin-fenix-5-walk.fit"
    result = one(db, path, direction=Direction.BACKWARD)
    stored = log.get_session(db, result.session_ids[0])
    parsed = parse_activity_file(path).sessions[0]
    # Reference: fenix 5 walk, 2017-06-11 07:32:51 PDT (csv/garmin-fenix-5-walk-records.csv).
    assert stored.start_utc == datetime(2017, 6, 11, 14, 32, 51, tzinfo=UTC)
    assert stored.utc_offset_s == -7 * 3600
    assert stored.elapsed_s == pytest.approx(46, abs=1)
    assert stored.distance_m == pytest.approx(68, abs=1)
    # the database keeps what the parser produced, bit for bit: exact on purpose
    for name in (
        "sport",
        "start_utc",
        "utc_offset_s",
        "elapsed_s",
        "moving_s",
        "distance_m",
        "device",
        "device_kcal",
        "setting",
    ):
        assert getattr(stored, name) == getattr(parsed, name), name
    assert stored.samples is not None and parsed.samples is not None
    for name, values in parsed.samples.channels().items():
        # float32 channels (heart rate, cadence) are stored as float64: the same numbers
        widened = np.asarray(values, dtype=np.float64)
        assert stored.samples.channels()[name].tobytes() == widened.tobytes(), name
    assert {s.direction for s in stored.segments} == {Direction.BACKWARD}
    assert stored.source is not None and stored.source.size_bytes == path.stat().st_size


def test_unknown_start_is_kept_unknown_and_warned(db: Database, shared_data: Path) -> None:
    result = one(db, shared_data / ACTIVITY / "fit" / "antfs-dump.63.fit")
    assert result.outcome is Outcome.IMPORTED
    assert any("clock" in w for w in result.warnings)
    stored = log.get_session(db, result.session_ids[0], with_samples=False)
    assert stored.start_utc is None and stored.imported_at is not None


def test_same_file_twice_is_refused_as_a_duplicate(
    db: Database, shared_data: Path, tmp_path: Path
) -> None:
    path = shared_data / ACTIVITY / "fit" / "garmin-fenix-5-run.fit"
    assert one(db, path).outcome is Outcome.IMPORTED
    before = dump(db)
    again = one(db, path)
    assert again.outcome is Outcome.DUPLICATE and again.failed
    renamed = tmp_path / "renamed.fit"
    shutil.copyfile(path, renamed)
    assert one(db, renamed).outcome is Outcome.DUPLICATE
    assert dump(db) == before
    # Deleting the session forgets the file: it may be imported again.
    (session,) = log.list_sessions(db)
    log.delete_session(db, session.id or 0)
    assert one(db, path).outcome is Outcome.IMPORTED


def test_probable_duplicate_is_skipped_unless_allowed(db: Database, shared_data: Path) -> None:
    tcx = shared_data / ACTIVITY / "tcx"
    assert one(db, tcx / "tcxparser-test.tcx").outcome is Outcome.IMPORTED
    skipped = one(db, tcx / "tcxparser-no_hr.tcx")
    assert skipped.outcome is Outcome.PROBABLE_DUPLICATE and not skipped.failed
    # The service names no CLI flag; it says what could be done, each surface words it.
    assert "--" not in skipped.message and skipped.remedy is Remedy.ALLOW_DUPLICATE
    assert one(db, tcx / "tcxparser-no_hr.tcx", allow_duplicate=True).outcome is Outcome.IMPORTED
    assert len(log.list_sessions(db)) == 2


def _broken(shared_data: Path, name: str) -> Path:
    return shared_data / ACTIVITY / "broken" / name


@pytest.mark.parametrize(
    "name",
    [
        "elevate-empty.fit",
        "elevate-appledouble-._empty.fit",
        "handcrafted/activity_parser-tcx-no_activity.tcx",
    ],
)
def test_unreadable_files_are_refused_and_change_nothing(
    db: Database, shared_data: Path, name: str
) -> None:
    before = dump(db)  # a new, empty log: the failed import creates not even its person
    result = one(db, _broken(shared_data, name))
    assert result.outcome is Outcome.REFUSED and not result.salvageable
    assert result.message
    assert dump(db) == before


def test_damaged_file_is_refused_then_salvaged_on_request(db: Database, shared_data: Path) -> None:
    path = _broken(shared_data, "strava-android-app-201.10-b1218918.fit")
    log.get_person(db)
    before = dump(db)
    refused = one(db, path)
    assert refused.outcome is Outcome.REFUSED and refused.salvageable
    assert "--" not in refused.message and refused.remedy is Remedy.SALVAGE
    assert dump(db) == before
    salvaged = one(db, path, salvage=True)
    assert salvaged.outcome is Outcome.SALVAGED and salvaged.message
    stored = log.get_session(db, salvaged.session_ids[0])
    assert stored.recovered
    # README: the valid part is the first 5 of its 59 minutes.
    assert stored.elapsed_s is not None and 4 * 60 <= stored.elapsed_s <= 6 * 60


def test_truncated_and_checksum_damaged_copies(
    db: Database, shared_data: Path, tmp_path: Path
) -> None:
    data = (shared_data / ACTIVITY / "fit" / "activity-small-fenix2-run.fit").read_bytes()
    truncated = tmp_path / "truncated.fit"
    truncated.write_bytes(data[: len(data) * 6 // 10])
    bad_crc = tmp_path / "bad-crc.fit"
    bad_crc.write_bytes(data[:-2] + bytes([data[-2] ^ 0xFF, data[-1] ^ 0xFF]))
    log.get_person(db)
    before = dump(db)
    for path in (truncated, bad_crc):
        result = one(db, path)
        assert result.outcome is Outcome.REFUSED and result.salvageable, result.message
    assert dump(db) == before
    kept = one(db, truncated, salvage=True)
    assert kept.outcome is Outcome.SALVAGED
    assert log.get_session(db, kept.session_ids[0], with_samples=False).recovered


def test_device_quirk_imports_with_a_warning(db: Database, shared_data: Path) -> None:
    result = one(
        db, _broken(shared_data, "elemnt-bolt-no-application-id-inside-developer-data-id.fit")
    )
    assert result.outcome is Outcome.IMPORTED and result.warnings
    stored = log.get_session(db, result.session_ids[0], with_samples=False)
    assert stored.warnings == result.warnings


def test_file_over_the_size_limit_is_refused(db: Database, shared_data: Path) -> None:
    path = shared_data / ACTIVITY / "fit" / "garmin-fenix-5-walk.fit"
    result = one(db, path, max_bytes=1000)
    assert result.outcome is Outcome.REFUSED and "size limit" in result.message
    assert log.list_sessions(db) == []


def test_a_failure_while_writing_rolls_the_whole_file_back(
    db: Database, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The multisport file fails on its third session: none of its sessions remain."""
    log.get_person(db)
    before = dump(db)
    real_add = repository.add_session
    calls: list[int] = []

    def failing_add(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real_add(*args, **kwargs)

    monkeypatch.setattr(repository, "add_session", failing_add)
    result = one(db, shared_data / ACTIVITY / "fit" / "sample_mulitple_header.fit")
    # Named and refused; the exception's own text goes to the log, not into the message.
    assert result.outcome is Outcome.REFUSED and "disk full" not in result.message
    assert "RuntimeError" in result.message and "nothing was stored" in result.message
    assert len(calls) == 3
    assert dump(db) == before


def test_zip_archive_imports_each_entry_on_its_own(
    db: Database, shared_data: Path, tmp_path: Path
) -> None:
    fit = shared_data / ACTIVITY / "fit"
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(fit / "garmin-fenix-5-walk.fit", "activities/walk.fit")
        zf.write(fit / "garmin-fenix-5-run.fit", "activities/run.fit")
        zf.writestr("../evil.fit", (fit / "garmin-fenix-5-bike.fit").read_bytes())
        zf.writestr("__MACOSX/activities/._walk.fit", b"\x00\x05\x16\x07junk")
        zf.writestr("activities/empty.fit", b"")
    report = import_files(db, [archive])
    outcomes = {Path(r.name).name: r.outcome for r in report.results}
    assert outcomes["walk.fit"] is Outcome.IMPORTED
    assert outcomes["run.fit"] is Outcome.IMPORTED
    assert outcomes["evil.fit"] is Outcome.REFUSED
    assert outcomes["empty.fit"] is Outcome.REFUSED
    assert len(log.list_sessions(db)) == 2
    assert not report.ok
    assert not any("._walk" in r.name for r in report.results)  # junk skipped with a warning


def test_sessions_with_equal_start_but_other_sport_are_not_duplicates(db: Database) -> None:
    from retrostride.log.model import Session

    start = datetime(2024, 5, 1, 7, tzinfo=UTC)
    log.add_session(db, Session(sport="walking", start_utc=start, elapsed_s=600.0))
    with db.transaction() as s:
        person = repository.get_or_create_person(s, "me")
        other = Session(sport="cycling", start_utc=start, elapsed_s=600.0)
        assert repository.find_probable_duplicates(s, person.id, other) == []
        later = Session(sport="walking", start_utc=start + timedelta(seconds=61), elapsed_s=600.0)
        assert repository.find_probable_duplicates(s, person.id, later) == []
        close = Session(sport="walking", start_utc=start + timedelta(seconds=59), elapsed_s=600.0)
        assert len(repository.find_probable_duplicates(s, person.id, close)) == 1


def test_a_folder_imports_its_files_and_a_missing_file_is_refused(
    db: Database, shared_data: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "export"
    (folder / "sub").mkdir(parents=True)
    fit = shared_data / ACTIVITY / "fit"
    shutil.copyfile(fit / "garmin-fenix-5-walk.fit", folder / "walk.fit")
    shutil.copyfile(fit / "garmin-fenix-5-run.fit", folder / "sub" / "run.fit")
    (folder / ".hidden.fit").write_bytes(b"junk")
    report = import_files(db, [folder, tmp_path / "missing.fit"])
    outcomes = {Path(r.name).name: r.outcome for r in report.results}
    assert outcomes == {
        "walk.fit": Outcome.IMPORTED,
        "run.fit": Outcome.IMPORTED,
        "missing.fit": Outcome.REFUSED,
    }
    missing = next(r for r in report.results if r.name.endswith("missing.fit"))
    assert "No such file" in missing.message


def test_a_file_is_read_once_and_stored_in_one_transaction(
    db: Database, shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another file of the same walk (its header CRC left out, as the FIT rules allow): its
    duplicate checks and the write are one transaction; the file is opened once."""
    import struct

    from fitdecode.utils import compute_crc

    original = shared_data / ACTIVITY / "fit" / "garmin-fenix-5-walk.fit"
    data = bytearray(original.read_bytes())
    data[12:14] = b"\x00\x00"  # header CRC 0: "not computed"
    data[-2:] = struct.pack("<H", compute_crc(bytes(data[:-2])))
    twin = tmp_path / "twin.fit"
    twin.write_bytes(bytes(data))
    assert one(db, original).outcome is Outcome.IMPORTED

    transactions: list[int] = []
    real_transaction = type(db).transaction

    def counted(self: Database) -> Any:
        transactions.append(1)
        return real_transaction(self)

    opened: list[str] = []
    real_open = Path.open

    def path_open(self: Path, *args: Any, **kwargs: Any) -> Any:
        opened.append(self.name)
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(type(db), "transaction", counted)
    monkeypatch.setattr(Path, "open", path_open)
    person = importing._person(db, "me")
    skipped = importing.import_one(db, twin, "me", ImportOptions(), "twin.fit", person=person)
    assert skipped.outcome is Outcome.PROBABLE_DUPLICATE and "session 1" in skipped.message
    assert transactions == [1, 1]  # the person (a batch reads it once), then the file's one
    assert opened == ["twin.fit"]
    monkeypatch.undo()
    assert one(db, twin, allow_duplicate=True).outcome is Outcome.IMPORTED
