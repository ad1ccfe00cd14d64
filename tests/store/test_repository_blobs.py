"""SQLite stores a file's bytes and a session's samples without binding them as one parameter.

Binding a 20 MB file made SQLite copy it twice (the bound value, then the row it builds): 40 MB
at the peak of an import. Here the rows are inserted with a zero-filled blob and the bytes
written into it in pieces; what is read back is the same.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from fitmaker import walk_fit
from retrostride.services import export_bundle
from retrostride.services import log as log_service
from retrostride.services.importing import import_files
from retrostride.store.db import open_database


def test_file_bytes_and_samples_are_written_in_pieces_and_read_back(tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'log.sqlite'}")
    bound: list[int] = []

    @event.listens_for(database.engine, "before_cursor_execute")
    def _spy(*args: Any) -> None:
        parameters = args[3]
        rows = parameters if isinstance(parameters, list) else [parameters]
        for row in rows:
            values = row.values() if isinstance(row, dict) else row or ()
            bound.extend(len(v) for v in values if isinstance(v, bytes | bytearray | memoryview))

    try:
        path = tmp_path / "walk.fit"
        data = walk_fit(n_records=600, step_s=1)
        path.write_bytes(data)
        assert import_files(database, [path]).ok
        assert max(bound, default=0) < min(len(data), 256)  # never the file or a samples blob
        document = export_bundle.export_bundle(database, "me")
        assert [base64.b64decode(f["data_base64"]) for f in document["files"]] == [data]
        (session,) = log_service.list_sessions(database)
        assert session.id is not None
        stored = log_service.get_session(database, session.id)
        assert stored.samples is not None and len(stored.samples) > 500
    finally:
        database.close()


def test_large_samples_are_compressed_twice_and_read_back_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above ``_ONE_PASS_BYTES`` the channels are compressed once for the blob's size and again
    as they are written (one piece held at a time): the same blob as in one pass."""
    from retrostride.importers.activity import parse_activity_file
    from retrostride.store import repository
    from retrostride.store.samples import compressed_lengths, encode_samples, iter_parts

    path = tmp_path / "walk.fit"
    path.write_bytes(walk_fit(n_records=600, step_s=1))
    samples = parse_activity_file(path).sessions[0].samples
    assert samples is not None
    assert b"".join(iter_parts(samples, compressed_lengths(samples))) == encode_samples(samples)[2]
    monkeypatch.setattr(repository, "_ONE_PASS_BYTES", 0)
    database = open_database(f"sqlite:///{tmp_path / 'log.sqlite'}")
    try:
        assert import_files(database, [path]).ok
        (session,) = log_service.list_sessions(database)
        assert session.id is not None
        stored = log_service.get_session(database, session.id).samples
        assert stored is not None
        for name, values in samples.channels().items():
            assert stored.channels()[name].tobytes() == values.astype("<f8").tobytes(), name
    finally:
        database.close()
