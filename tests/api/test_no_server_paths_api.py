"""No answer names a server path: not the upload folder or the database's, not the temporary
folder, not the installed packages nor the source tree (issue 17, headers and leaks).

Every kind of answer is asked for: API errors (404, 401, request validation, domain 422s),
refused activity files of each format and their jobs, refused and accepted gait recordings,
the account export, the web pages' error pages and the bundle import's 422 messages.
"""

from __future__ import annotations

import io
import sysconfig
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
from api_helpers import WALK, TestClient, signup
from test_gait_upload_bounds_api import HOSTILE, _csv

import retrostride
from retrostride.api.settings import Settings
from retrostride.server import create_app


def _zip(name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(name, content)
    return out.getvalue()


ACTIVITY_FILES: list[tuple[str, bytes]] = [
    ("damaged.fit", b"\x0e\x10\x00\x00junk"),
    ("broken.gpx", b"<gpx><trk>"),
    ("empty.tcx", b"<?xml version='1.0'?><TrainingCenterDatabase/>"),
    ("table.csv", b"a,b\n1,2\n"),
    ("inner.zip", _zip("a.fit", b"\x0e\x10junkjunk")),
    ("nested.zip", _zip("in.zip", _zip("b.gpx", b"<gpx"))),
    ("notes.txt", b"hello"),
]


def _server_paths(folder: Path) -> list[str]:
    """Folders of this server whose names must not reach a caller."""
    roots = {
        str(folder),
        str(folder.resolve()),
        tempfile.gettempdir(),
        sysconfig.get_paths()["purelib"],
        str(Path(retrostride.__file__).resolve().parents[1]),  # the source tree
    }
    return sorted(r for r in roots if len(r) > 1)


@pytest.fixture
def leaky(tmp_path: Path) -> TestClient:
    """An application whose database and uploads live in this test's own folder."""
    app = create_app(
        Settings(
            database_url=f"sqlite:///{tmp_path / 'server.sqlite'}",
            secure_cookies=False,
            argon2_time_cost=1,
            argon2_memory_kib=1024,
            upload_dir=str(tmp_path / "uploads"),
        )
    )
    with TestClient(app) as client:
        yield client


def test_no_answer_names_a_server_path(leaky: TestClient, tmp_path: Path) -> None:
    ada = signup(leaky, "ada@example.org")
    answers: list[tuple[str, int, str]] = []

    def keep(label: str, response: object) -> None:
        answers.append((label, response.status_code, response.text))  # type: ignore[attr-defined]

    # API errors
    keep("unknown session", ada.get("/api/athletes/me/sessions/99999"))
    keep("no token", leaky.get("/api/athletes/me/sessions"))
    keep("bad json", ada.post("/api/athletes/me/sessions", content=b"{", headers={
        "Content-Type": "application/json"}))
    keep("bad field", ada.post("/api/athletes/me/sessions", json={**WALK, "elapsed_s": -1}))
    keep("unknown program", ada.get("/api/programs/nope"))
    keep("not multipart", ada.post("/api/athletes/me/uploads", content=b"x"))
    # refused activity files, answered at once and as jobs
    files = [("files", (name, content)) for name, content in ACTIVITY_FILES]
    keep("refused files", ada.post("/api/athletes/me/uploads", params={"wait": "true"},
                                   files=files))
    keep("upload list", ada.get("/api/athletes/me/uploads"))
    # gait recordings: every hostile variant, and one analysed
    for label, content, _field in HOSTILE[::4]:  # one of each kind: CSV header, MAT, zip
        keep(label, ada.post("/api/athletes/me/gait-analyses",
                             files=[("file", ("rec.bin", content))]))
    keep("analysed", ada.post("/api/athletes/me/gait-analyses",
                              files=[("file", ("walk.csv", _csv({}, np.arange(2000) / 100)))]))
    keep("export", ada.get("/api/account/export"))
    # web pages and their messages
    keep("no page", leaky.get("/no-such-page"))
    keep("unknown session page", ada.get("/athletes/me/sessions/99999"))
    keep("bad bundle", ada.post("/settings/import", content=b"{\"format\": 1}"))
    keep("description", leaky.get("/openapi.json"))

    assert {status for _, status, _ in answers} >= {200, 401, 404, 422}, answers
    assert any(label == "analysed" and status == 200 for label, status, _ in answers)
    for root in _server_paths(tmp_path):
        leaks = [(label, status) for label, status, text in answers if root in text]
        assert leaks == [], (root, leaks)
