"""The log keeps each imported file's exact bytes, and the bundle carries them both ways.

A plain file and each top-level entry of a zip archive are kept under their stored names; a
session's deletion takes its file's bytes with it; a version-2 bundle (no files) still reads.
Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import base64
import copy
import zipfile
from pathlib import Path

import pytest

from fitmaker import walk_fit
from retrostride.errors import InputError
from retrostride.services import export_bundle
from retrostride.services import log as log_service
from retrostride.services.importing import ImportOptions, import_files
from retrostride.store.db import Database


def _files(db: Database) -> list[tuple[str, bytes]]:
    document = export_bundle.export_bundle(db, "me")
    return [(f["name"], base64.b64decode(f["data_base64"])) for f in document["files"]]


def test_a_file_and_each_archive_entry_keep_their_bytes(db: Database, tmp_path: Path) -> None:
    plain = tmp_path / "morning walk.fit"
    plain.write_bytes(walk_fit(1_700_000_000.0))
    first, second = walk_fit(1_700_100_000.0), walk_fit(1_700_200_000.0, speed_m_s=1.0)
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a/first.fit", first)
        zf.writestr("second.fit", second)
    report = import_files(db, [plain, archive], options=ImportOptions())
    assert report.ok, [r.message for r in report.results]
    assert sorted(_files(db)) == sorted([
        ("morning walk.fit", plain.read_bytes()),
        ("export.zip!a/first.fit", first),
        ("export.zip!second.fit", second),
    ])
    sessions = log_service.list_sessions(db)
    for session in sessions:
        if session.source is not None and session.source.name == "morning walk.fit":
            assert session.id is not None
            log_service.delete_session(db, session.id)
    assert [name for name, _ in _files(db)] == ["export.zip!a/first.fit", "export.zip!second.fit"]


def test_the_bundle_restores_the_bytes_and_a_version_2_bundle_still_reads(
    db: Database, tmp_path: Path
) -> None:
    plain = tmp_path / "walk.fit"
    plain.write_bytes(walk_fit())
    assert import_files(db, [plain]).ok
    document = export_bundle.export_bundle(db, "me")
    assert document["version"] == 4 and len(document["files"]) == 1
    bundle = export_bundle.parse_bundle(copy.deepcopy(document))
    export_bundle.restore_bundle(db, bundle, "someone else")
    restored = export_bundle.export_bundle(db, "someone else")
    assert restored["files"] == document["files"]
    old = copy.deepcopy(document)
    old["version"] = 2
    del old["files"]
    assert export_bundle.parse_bundle(old).files == []
    with pytest.raises(InputError, match="version"):
        export_bundle.parse_bundle({**old, "version": 5})


def test_a_fit_files_bytes_released_by_its_parse_are_kept_from_the_file(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The FIT decoder releases the bytes read for hash and parse; the original is then copied
    from the file, its SHA-256 checked again: a file that changed meanwhile is refused whole."""
    from retrostride.services import importing

    path = tmp_path / "walk.fit"
    path.write_bytes(walk_fit())
    real_parse = importing.parse_activity_file
    handed: list[int] = []

    def parse_then_change(*args: object, **kwargs: object) -> object:
        parsed = real_parse(*args, **kwargs)  # type: ignore[arg-type]
        handed.append(len(kwargs["data"]))  # type: ignore[arg-type]
        path.write_bytes(walk_fit(speed_m_s=1.0))  # same size, other bytes
        return parsed

    monkeypatch.setattr(importing, "parse_activity_file", parse_then_change)
    report = import_files(db, [path])
    assert handed == [0]  # released by the decoder
    (result,) = report.results
    assert result.outcome.value == "refused" and result.message == importing.FILE_CHANGED
    assert log_service.list_sessions(db) == [] and _files(db) == []
    monkeypatch.undo()
    assert import_files(db, [path]).ok
    assert _files(db) == [("walk.fit", path.read_bytes())]
