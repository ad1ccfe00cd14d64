"""Uploads over HTTP: many files, the log's import rules, limits, content checks, progress."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path
from typing import Any

from api_helpers import TestClient, signup

from retrostride.api.receive import client_label


def _files(*items: tuple[str, bytes]) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (name, data, "application/octet-stream")) for name, data in items]


def _upload(caller: Any, *items: tuple[str, bytes], **params: str) -> Any:
    return caller.post(
        "/api/athletes/me/uploads", params={"wait": "true"} | params, files=_files(*items)
    )


def test_batch_imports_the_good_and_reports_the_bad(client: TestClient, shared_data: Path) -> None:
    ada = signup(client, "ada@example.org")
    act = shared_data / "activity"
    r = _upload(
        ada,
        ("walk.fit", (act / "fit" / "garmin-fenix-5-walk.fit").read_bytes()),
        ("empty.fit", (act / "broken" / "elevate-empty.fit").read_bytes()),
        ("._empty.fit", (act / "broken" / "elevate-appledouble-._empty.fit").read_bytes()),
        ("run.fit", (act / "broken" / "strava-android-app-201.10-b1218918.fit").read_bytes()),
        ("bolt.fit", (act / "broken" / "elemnt-bolt-no-application-id-inside-developer-data-id.fit")
         .read_bytes()),
        ("Mojstrovka.gpx", (act / "gpx" / "gpxpy-Mojstrovka.gpx").read_bytes()),
        ("photo.fit", b"\x89PNG\r\n\x1a\n" + bytes(200)),  # named .fit, is not one
    )
    assert r.status_code == 200, r.text
    job = r.json()
    assert job["status"] == "done" and job["files_total"] == job["files_done"] == 7
    by_name = {x["name"]: x for x in job["results"]}
    assert by_name["walk.fit"]["outcome"] == "imported"
    assert by_name["Mojstrovka.gpx"]["outcome"] == "imported"
    assert by_name["empty.fit"]["outcome"] == "refused"
    assert "empty" in by_name["empty.fit"]["message"]
    assert by_name["._empty.fit"]["outcome"] == "refused"
    assert by_name["photo.fit"]["outcome"] == "refused"
    damaged = by_name["run.fit"]
    assert damaged["outcome"] == "refused" and damaged["salvageable"] is True
    # The API's own words for the remedy: its parameter, never the CLI's option.
    assert damaged["remedy"] == "salvage" and "salvage=true" in damaged["hint"]
    assert "--" not in damaged["message"] + damaged["hint"]
    assert by_name["empty.fit"]["remedy"] is None and by_name["empty.fit"]["hint"] is None
    quirk = by_name["bolt.fit"]
    assert quirk["outcome"] == "imported" and quirk["warnings"]  # quirk: imported, with warning
    assert job["failed"] == 4
    assert ada.get("/api/athletes/me/sessions").json()["total"] == 3
    # No server path leaks into what the client sees.
    assert "retrostride-upload-" not in r.text

    # The same file again is a duplicate; the damaged one is salvaged on request.
    again = _upload(ada, ("walk-again.fit", (act / "fit" / "garmin-fenix-5-walk.fit").read_bytes()))
    assert again.json()["results"][0]["outcome"] == "duplicate"
    salvaged = _upload(
        ada,
        ("run.fit", (act / "broken" / "strava-android-app-201.10-b1218918.fit").read_bytes()),
        salvage="true",
    ).json()["results"][0]
    assert salvaged["outcome"] == "salvaged" and salvaged["session_ids"]
    detail = ada.get(f"/api/athletes/me/sessions/{salvaged['session_ids'][0]}").json()
    assert detail["recovered"]


def test_zip_archive_and_client_names(client: TestClient, shared_data: Path) -> None:
    ada = signup(client, "ada@example.org")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(shared_data / "activity" / "fit" / "garmin-fenix-5-run.fit", "a/run.fit")
        archive.write(shared_data / "activity" / "fit" / "garmin-fenix-5-bike.fit", "b/bike.fit")
    r = _upload(ada, ("../../etc/export.zip", buffer.getvalue()))
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert sorted(x["outcome"] for x in results) == ["imported", "imported"]
    assert all(x["name"].startswith("export.zip/") for x in results), results


def test_a_zip_with_a_bad_entry_keeps_its_good_entries(
    client: TestClient, shared_data: Path
) -> None:
    """Per-entry outcomes over HTTP: a real watch file and one whose developer fields have no
    name are imported, a cut-off copy of a real file is refused by name, with its reason only."""
    from fitmaker import DEVELOPER_DATA_ID, FIELD_DESCRIPTION, UINT8, UINT16, walk_fit

    ada = signup(client, "ada@example.org")
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
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a/run.fit", (fit / "garmin-fenix-5-run.fit").read_bytes())
        archive.writestr("b/walk.fit", walk[: len(walk) // 2])
        archive.writestr("c/runscribe.fit", no_name)
    r = _upload(ada, ("export.zip", buffer.getvalue()))
    assert r.status_code == 200, r.text
    outcomes = {x["name"]: x for x in r.json()["results"]}
    assert outcomes["export.zip/a/run.fit"]["outcome"] == "imported"
    assert outcomes["export.zip/c/runscribe.fit"]["outcome"] == "imported"
    cut = outcomes["export.zip/b/walk.fit"]
    assert cut["outcome"] == "refused" and "damaged FIT file" in cut["message"]
    assert "Error" not in cut["message"]
    assert ada.get("/api/athletes/me/sessions").json()["total"] == 2


def test_client_labels_never_carry_paths_or_control_characters() -> None:
    assert client_label(b"..\\..\\x\\a\x00b\x1b.fit", 0) == "ab.fit"
    assert client_label(b"/etc/passwd", 3) == "passwd"
    assert client_label(b"../", 3) == "file-4"
    assert len(client_label(b"x" * 1000, 0)) == 200


def test_limits_and_malformed_uploads(app_factory: Any, shared_data: Path) -> None:
    client = app_factory(max_upload_bytes=10_000, max_upload_files=2)
    ada = signup(client, "ada@example.org")
    big = (shared_data / "activity" / "fit" / "2013-02-06-12-11-14.fit").read_bytes()  # 17.9 kB
    small = (shared_data / "activity" / "fit" / "garmin-fenix-5-walk.fit").read_bytes()
    r = _upload(ada, ("big.fit", big))
    assert r.status_code == 413 and "big.fit" in r.json()["detail"]
    r = _upload(ada, ("a.fit", small), ("b.fit", small), ("c.fit", small))
    assert r.status_code == 413
    assert ada.get("/api/athletes/me/sessions").json()["total"] == 0  # nothing half-imported
    assert ada.post("/api/athletes/me/uploads", json={"files": []}).status_code == 422
    r = ada.post(
        "/api/athletes/me/uploads",
        content=b"--xyz\r\nContent-Disposition: form-data; name=files; filename=a.fit\r\n\r\nab",
        headers={"Content-Type": "multipart/form-data; boundary=xyz"},
    )
    assert r.status_code == 422
    r = ada.post(
        "/api/athletes/me/uploads",
        data={"note": "no file here"},
        files=[("other", ("", b"", "text/plain"))],
    )
    assert r.status_code in (413, 422)


def test_progress_of_a_background_job(client: TestClient, shared_data: Path) -> None:
    ada = signup(client, "ada@example.org")
    names = ["garmin-fenix-5-walk.fit", "garmin-fenix-5-run.fit", "garmin-fenix-5-bike.fit"]
    r = ada.post(
        "/api/athletes/me/uploads",
        files=_files(*[(n, (shared_data / "activity" / "fit" / n).read_bytes()) for n in names]),
    )
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["files_total"] == 3 and job["status"] in ("queued", "importing", "done")
    url = r.headers["Location"]
    seen = [job["files_done"]]
    for _ in range(600):
        job = ada.get(url).json()
        seen.append(job["files_done"])
        if job["status"] not in ("queued", "importing"):
            break
        time.sleep(0.05)
    assert job["status"] == "done" and job["files_done"] == 3
    assert seen == sorted(seen)
    assert [j["id"] for j in ada.get("/api/athletes/me/uploads").json()] == [job["id"]]
