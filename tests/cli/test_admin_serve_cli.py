"""``retrostride admin`` and ``retrostride serve``: administrators from the CLI only; a server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retrostride.cli import app
from retrostride.errors import InputError
from retrostride.services.accounts import AccountRules, register, set_admin
from retrostride.store.accounts import AccountRow
from retrostride.store.db import open_database

runner = CliRunner()


def test_admin_grant_revoke_and_invite(database_url: str) -> None:
    database = open_database(database_url)
    try:
        register(
            database, AccountRules(argon2_time_cost=1, argon2_memory_kib=1024),
            email="ada@example.org", password="correct horse battery", role="athlete",
        )
        result = runner.invoke(
            app, ["admin", "grant", "Ada@example.org", "--database", database_url]
        )
        assert result.exit_code == 0, result.output
        with database.sessions() as db:
            assert db.query(AccountRow).one().is_admin is True
        result = runner.invoke(
            app, ["admin", "revoke", "ada@example.org", "--database", database_url]
        )
        assert result.exit_code == 0
        with database.sessions() as db:
            assert db.query(AccountRow).one().is_admin is False
        result = runner.invoke(
            app, ["admin", "grant", "nobody@example.org", "--database", database_url]
        )
        assert result.exit_code == 2 and "EMAIL" in result.output
        # the service names the domain field; only the CLI says its argument's name
        with pytest.raises(InputError) as refused:
            set_admin(database, "nobody@example.org", True)
        assert refused.value.field == "email"
        result = runner.invoke(
            app, ["admin", "invite", "--role", "clinician", "--database", database_url]
        )
        assert result.exit_code == 0 and len(result.output.strip()) >= 40
    finally:
        database.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_on_loopback_with_its_openapi(tmp_path: Path) -> None:
    port = _free_port()
    url = f"sqlite:///{tmp_path / 'serve.sqlite'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("RETROSTRIDE_")}
    server = subprocess.Popen(
        [
            sys.executable, "-c", "from retrostride.cli import main; main()",
            "serve", "--port", str(port), "--database", url,
        ],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        document = None
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/openapi.json") as r:
                    document = r.read()
                break
            except OSError:
                if server.poll() is not None:
                    break
                time.sleep(0.1)
        assert document is not None, server.stdout.read() if server.stdout else ""
        assert b'"/api/athletes/{athlete_id}/sessions"' in document
    finally:
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=30)
    # the newcomer is told where to go (make run's main job prints the address)
    assert f"retrostride is running at http://127.0.0.1:{port}".encode() in output
    assert b"retrostride demo" in output
