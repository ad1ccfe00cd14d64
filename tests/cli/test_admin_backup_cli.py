"""``retrostride admin backup FILE``: a consistent copy of a live SQLite database, restorable."""

from __future__ import annotations

import shutil
import sqlite3
import warnings
from pathlib import Path

from typer.testing import CliRunner

from retrostride.cli import app
from retrostride.services.accounts import AccountRules, register
from retrostride.store.db import open_database

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with")
    from fastapi.testclient import TestClient

runner = CliRunner()
PASSWORD = "correct horse battery"


def test_backup_of_a_live_database_restores(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'live.sqlite'}"
    database = open_database(url)
    try:
        register(
            database, AccountRules(argon2_time_cost=1, argon2_memory_kib=1024),
            email="ada@example.org", password=PASSWORD, role="athlete",
        )
        # Live: a reader holds a snapshot open while the copy is taken, and the account's
        # row is still in the write-ahead log (not yet checkpointed into the main file).
        with database.reading() as reader:
            reader.connection()
            result = runner.invoke(
                app, ["admin", "backup", str(tmp_path / "copy.sqlite"), "--database", url]
            )
        assert result.exit_code == 0, result.output
    finally:
        database.close()
    copy = tmp_path / "copy.sqlite"
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not (tmp_path / "copy.sqlite-wal").exists()
    # Restore: the copy in place of a database file, served, and the account logs in.
    restored = tmp_path / "restored.sqlite"
    shutil.copy(copy, restored)
    from retrostride.api.settings import Settings
    from retrostride.server import create_app

    settings = Settings(
        database_url=f"sqlite:///{restored}", secure_cookies=False, argon2_time_cost=1,
        argon2_memory_kib=1024,
    )
    with TestClient(create_app(settings)) as client:
        r = client.post("/api/auth/login", json={"email": "ada@example.org", "password": PASSWORD})
        assert r.status_code == 200, r.text
    again = runner.invoke(app, ["admin", "backup", str(copy), "--database", url])
    assert again.exit_code == 2 and "never overwritten" in again.output


def test_postgresql_is_pointed_to_pg_dump() -> None:
    from retrostride.services.backup import BackupRefused, backup

    class Pg:
        is_sqlite = False

    try:
        backup(Pg(), Path("x"))  # type: ignore[arg-type]
    except BackupRefused as exc:
        assert "pg_dump" in str(exc)
    else:
        raise AssertionError("no refusal")
