"""One bundle both ways: "Download my data" -> Import on another server, nothing lost;
tampered or foreign files refused naming the field, with nothing written; older files read."""

from __future__ import annotations

import base64
import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner
from web_helpers import csrf, make_client, post_form, register, web_settings

from retrostride.cli import app as cli_app
from retrostride.server import create_app
from retrostride.services import log as log_service


def _fill(browser: Any, shared_data: Path) -> None:
    register(browser, "ada@example.org", name="Ada")
    post_form(browser, "/settings/profile", {"mass": "64", "birth_year": "1970"})
    post_form(browser, "/settings", {"speed_unit": "mph", "mass_unit": "lb",
                                     "time_zone": "Europe/Paris", "date_format": "iso"})
    path = shared_data / "activity" / "fit" / "garmin-fenix-5-walk.fit"
    r = browser.post("/api/athletes/me/uploads?wait=true&direction=backward",
                     files=[("files", ("walk.fit", path.read_bytes(), "application/octet-stream"))],
                     headers={"X-CSRF-Token": csrf(browser)})
    assert r.status_code == 200, r.text
    r = post_form(browser, "/athletes/me/sessions/new", {
        "sport": "sled_drag", "setting": "overground", "surface": "artificial-turf",
        "start": "2026-03-02T07:30", "seg-0-duration": "12", "seg-0-direction": "backward",
        "seg-0-speed": "1.5", "seg-0-sled": "40", "rpe": "6", "action": "save"})
    assert r.status_code == 303, r.text
    for day, value in (("2026-01-05", "410"), ("2026-02-05", "450")):
        post_form(browser, "/athletes/me/assessments",
                  {"measure": "six_minute_walk", "on": day, "value": value})
    form = browser.get("/athletes/me/program").text
    answers = {name: "no" for name in set(re.findall(r'name="(q-[\w-]+)"', form))}
    r = post_form(browser, "/athletes/me/program",
                  {"program_id": "knee-oa", "start": "2026-01-05", **answers})
    assert r.status_code == 303, r.text


def _download(client: Any) -> dict[str, Any]:
    r = client.get("/settings/export")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    return dict(r.json())


def _import(client: Any, document: Any, merge: bool = False) -> Any:
    body = document if isinstance(document, bytes) else json.dumps(document).encode()
    return client.post(f"/settings/import{'?merge=true' if merge else ''}", content=body,
                       headers={"X-CSRF-Token": csrf(client),
                                "Content-Type": "application/json"})


def _comparable(document: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(document)
    out.pop("exported_at")
    out["log"].pop("exported_at")
    out["log"]["person"].pop("name")
    out["account"].pop("email")
    out["account"].pop("display_name")  # the account imported into keeps its own name
    for g in out["grants"]:
        g.pop("created_at")
    return out


def test_round_trip_to_another_server(
    browser: Any, tmp_path: Path, shared_data: Path
) -> None:
    _fill(browser, shared_data)
    clinic = make_client(browser.app)
    register(clinic, "doc@example.org", role="clinician")
    shared = post_form(browser, "/sharing", {"action": "invite", "can_write": "on"})
    code = shared.text.split('id="invite-code">')[1].split("<")[0].strip()
    post_form(clinic, "/sharing", {"action": "redeem", "code": code})
    first = _download(browser)
    assert first["format"] == "retrostride-bundle" and first["version"] == 4
    original = (shared_data / "activity" / "fit" / "garmin-fenix-5-walk.fit").read_bytes()
    assert [(f["name"], base64.b64decode(f["data_base64"])) for f in first["files"]] == [
        ("walk.fit", original)]  # the uploaded file itself, under its sanitised name
    assert len(first["log"]["sessions"]) == 2 and len(first["assessments"]) == 2
    assert first["enrolments"][0]["screening_answers"]
    assert first["grants"] == [{"clinician_email": "doc@example.org", "can_write": True,
                                "created_at": first["grants"][0]["created_at"]}]
    assert first["account"]["preferences"]["mass_unit"] == "lb"
    assert "password" not in json.dumps(first)

    other = create_app(web_settings(f"sqlite:///{tmp_path / 'other.sqlite'}"))
    with make_client(other) as there:
        doctor = make_client(other)
        register(doctor, "doc@example.org", role="clinician")
        register(there, "ada.new@example.org", name="")
        r = _import(there, first)
        assert r.status_code == 200, r.text
        assert "Imported 2 session(s), 2 assessment(s), 1 program enrolment(s) and 1 sharing" \
            in r.json()["message"]
        again = _download(there)
        assert _comparable(again) == _comparable(first)  # the original file's bytes included
        samples = [s["samples"] for s in again["log"]["sessions"] if s["samples"]]
        assert samples and samples == [s["samples"] for s in first["log"]["sessions"]
                                       if s["samples"]]
        assert "ada.new" in doctor.get("/clinic").text  # the grant came back
        # into a log with sessions: refused unless merged; merging adds nothing twice
        assert _import(there, first).status_code == 409
        merged = _import(there, first, merge=True)
        assert merged.status_code == 200 and "Imported 0 session(s), 0 assessment(s)" \
            in merged.json()["message"]


def _tampered(good: dict[str, Any]) -> list[tuple[str, Any]]:
    def edit(path: list[Any], value: Any) -> dict[str, Any]:
        doc = copy.deepcopy(good)
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return doc

    session = ["log", "sessions", 0]
    return [
        ("version", edit(["version"], 99)),
        ("format", edit(["format"], "gpx")),
        ("rpe", edit([*session, "rpe"], 11)),
        ("start_utc", edit([*session, "start_utc"], "yesterday")),
        ("direction", edit([*session, "segments", 0, "direction"], "sideways")),
        ("speed_m_s", edit([*session, "segments", 0, "speed_m_s"], -1)),
        ("mass_kg", edit(["log", "person", "body_mass", 0, "mass_kg"], 5000)),
        ("home_time_zone", edit(["log", "person", "home_time_zone"], "Mars/Olympus")),
        ("measure", edit(["assessments", 0, "measure"], "telepathy")),
        ("samples", edit([*session, "samples"], {"time_s": [0, 1], "speed_m_s": [1.0]})),
        ("sha256", edit([*session, "source"], {"name": "x", "format": "fit", "sha256": "zz",
                                               "size_bytes": 3})),
        ("unknown field", edit(["log", "extra"], 1)),
        ("program status", edit(["enrolments", 0, "status"], "hacked")),
        ("file bytes changed", edit(["files", 0, "data_base64"], base64.b64encode(
            base64.b64decode(good["files"][0]["data_base64"])[:-1] + b"\0").decode())),
        ("file bytes not base64", edit(["files", 0, "data_base64"], "not base64!")),
        ("file size", edit(["files", 0, "size_bytes"], -1)),
        ("truncated", json.dumps(good).encode()[:-40]),
        ("truncated in a file", json.dumps(good).encode()[
            : json.dumps(good).index('"data_base64"') + 40]),
        ("not an object", [1, 2]),
    ]


def test_tampered_truncated_or_unknown_files_restore_nothing(
    browser: Any, tmp_path: Path, shared_data: Path
) -> None:
    _fill(browser, shared_data)
    good = _download(browser)
    other = create_app(web_settings(f"sqlite:///{tmp_path / 'other.sqlite'}"))
    with make_client(other) as there:
        register(there, "eve@example.org")
        for name, document in _tampered(good):
            r = _import(there, document)
            assert r.status_code == 422, (name, r.text)
            assert r.json()["message"].startswith("Nothing was imported"), name
            if name.startswith("file bytes"):
                assert "files.0" in r.json()["message"], r.json()["message"]
        assert log_service.list_sessions(other.state.database, "eve@example.org") == []
        assert _download(there)["files"] == []
        assert _import(there, good).status_code == 200


def test_older_files_and_the_cli_read_the_same_bundle(
    browser: Any, tmp_path: Path, shared_data: Path
) -> None:
    _fill(browser, shared_data)
    account_v1 = browser.get("/api/account/export").json()
    assert account_v1["format"] == "retrostride-account"
    other = create_app(web_settings(f"sqlite:///{tmp_path / 'v1.sqlite'}"))
    with make_client(other) as there:
        register(there, "v1@example.org")
        r = _import(there, account_v1)
        assert r.status_code == 200 and "Imported 2 session(s), 2 assessment(s), 1 program" \
            in r.json()["message"]
    # the account file's retrostride-log through the CLI, and the CLI's export is the web's bundle
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    log_v1 = tmp_path / "log.json"
    log_v1.write_text(json.dumps(account_v1["log"]), encoding="utf-8")
    runner = CliRunner()
    out = runner.invoke(cli_app, ["restore", str(log_v1), "--database", url, "--person", "p"])
    assert out.exit_code == 0 and "restored 2 session(s)" in out.output, out.output
    bundle = tmp_path / "bundle.json"
    out = runner.invoke(cli_app, ["export", str(bundle), "--database", url, "--person", "p"])
    assert out.exit_code == 0, out.output
    written = json.loads(bundle.read_text(encoding="utf-8"))
    assert written["format"] == "retrostride-bundle"
    assert [s["samples"] for s in written["log"]["sessions"]] == \
        [s["samples"] for s in account_v1["log"]["sessions"]]
    url2 = f"sqlite:///{tmp_path / 'cli2.sqlite'}"
    out = runner.invoke(cli_app, ["restore", str(bundle), "--database", url2])
    assert out.exit_code == 0 and "restored 2 session(s)" in out.output, out.output
    # the web's bundle, original file included, through the CLI and back
    web = tmp_path / "web.json"
    web.write_text(json.dumps(_download(browser)), encoding="utf-8")
    url3 = f"sqlite:///{tmp_path / 'cli3.sqlite'}"
    out = runner.invoke(cli_app, ["restore", str(web), "--database", url3, "--person", "q"])
    assert out.exit_code == 0 and "restored 2 session(s)" in out.output, out.output
    out = runner.invoke(cli_app, ["export", str(bundle), "--database", url3, "--person", "q"])
    assert out.exit_code == 0, out.output
    original = (shared_data / "activity" / "fit" / "garmin-fenix-5-walk.fit").read_bytes()
    files = json.loads(bundle.read_text(encoding="utf-8"))["files"]
    assert [(f["name"], base64.b64decode(f["data_base64"])) for f in files] == [
        ("walk.fit", original)]
    (tmp_path / "bad.json").write_text('{"format": "retrostride-bundle", "version": 7}')
    out = runner.invoke(cli_app, ["restore", str(tmp_path / "bad.json"), "--database", url2])
    assert out.exit_code != 0 and "version" in out.output


pytestmark = pytest.mark.shared_data
