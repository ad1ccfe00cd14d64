"""The gait page without a browser: upload (a plain multipart form), the job's page, attaching.

The form carries the login's CSRF token as a field; the route reads it after the file, so a
request without it must keep nothing (no job, no received file). Recordings: the GENEActiv
lower-back file of the shared data (about 168 s of walking).
"""

from __future__ import annotations

import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from web_helpers import csrf, make_client, post_form, register, web_settings

from retrostride.gait.recording import Recording
from retrostride.importers.imu import load_recording
from retrostride.importers.imu.generic_csv import write_generic_csv
from retrostride.server import create_app

GENEACTIV = Path("imu") / "geneactiv-lumbar" / "gaitpy-demo_data-geneactiv-lumbar.csv"


@pytest.fixture
def gait_app(tmp_path: Path) -> Iterator[tuple[Any, Path]]:
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    app = create_app(web_settings(f"sqlite:///{tmp_path / 'web.sqlite'}",
                                  upload_dir=str(uploads)))
    with make_client(app):
        yield app, uploads


def _upload(client: Any, data: bytes, name: str, token: str | None, **fields: str) -> Any:
    form = {**fields, **({"csrf_token": token} if token is not None else {})}
    return client.post("/athletes/me/gait", data=form, files={"file": (name, data)},
                       follow_redirects=False)


def _finished(client: Any, location: str) -> None:
    """Wait for the job (run by the server's own workers) to end: at most 2 minutes."""
    for _ in range(1200):
        state = client.get(f"{location}/status").json()
        if state["finished"]:
            return
        time.sleep(0.1)
    raise AssertionError(f"{location} did not finish")


def test_an_upload_without_the_csrf_token_keeps_nothing(
    gait_app: tuple[Any, Path], shared_data: Path
) -> None:
    app, uploads = gait_app
    client = make_client(app)
    register(client, "ada@example.org")
    data = (shared_data / GENEACTIV).read_bytes()
    for token in (None, "wrong"):
        r = _upload(client, data, "walk.csv", token)
        assert r.status_code == 403, r.text
    assert list(uploads.iterdir()) == []
    assert "None yet" in client.get("/athletes/me/gait").text
    anonymous = make_client(app)
    r = _upload(anonymous, data, "walk.csv", "x")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert list(uploads.iterdir()) == []


def test_upload_analyse_and_attach_without_javascript(
    gait_app: tuple[Any, Path], shared_data: Path
) -> None:
    app, uploads = gait_app
    client = make_client(app)
    register(client, "ada@example.org")
    r = client.post(
        "/api/athletes/me/sessions",
        json={"sport": "walking", "start_utc": "2026-05-01T07:00:00+00:00", "elapsed_s": 600,
              "distance_m": 500, "setting": "overground"},
        headers={"X-CSRF-Token": csrf(client)},
    )
    assert r.status_code == 201, r.text
    session_id = r.json()["id"]
    r = _upload(client, (shared_data / GENEACTIV).read_bytes(), "lumbar walk.csv",
                csrf(client), placement="lower-back", mounting="")
    assert r.status_code == 303, r.text
    location = r.headers["location"]
    assert location.startswith("/athletes/me/gait/")
    _finished(client, location)
    assert list(uploads.iterdir()) == []  # the recording went with the job
    page = client.get(location).text
    assert "Gait analysis of lumbar walk.csv" in page
    assert "Walking bouts" in page and "<svg" in page and "<table" in page
    assert "Attach to a session" in page
    # the analysis's warning in the form's words: its label, never the domain's field name
    assert "\u201cSensor height\u201d" in page and "sensor_height_m" not in page
    r = post_form(client, f"{location}/attach", {"session": "999999", "offset": "0"})
    assert r.status_code == 422 and "no session 999999" in r.text
    r = post_form(client, f"{location}/attach", {"session": str(session_id), "offset": "x"})
    assert r.status_code == 422 and "Offset" in r.text
    r = post_form(client, f"{location}/attach", {"session": str(session_id), "offset": "0"})
    assert r.status_code == 303, r.text
    page = client.get(r.headers["location"]).text
    assert f"is attached to <a href=\"/athletes/me/sessions/{session_id}\">" in page
    detail = client.get(f"/api/athletes/me/sessions/{session_id}").json()
    assert detail["segments"][0]["cadence_spm"] is not None
    assert "lumbar walk.csv" in client.get("/athletes/me/gait").text


def test_a_refused_recording_says_why(gait_app: tuple[Any, Path]) -> None:
    app, _ = gait_app
    client = make_client(app)
    register(client, "ada@example.org")
    r = _upload(client, b"x\n", "notes.csv", csrf(client), sensor_height="9")
    assert r.status_code == 422 and "Sensor height: 9" in r.text  # refused before queueing
    assert "None yet" in r.text
    r = _upload(client, b"this is not a recording\n", "notes.csv", csrf(client))
    assert r.status_code == 303
    _finished(client, r.headers["location"])
    page = client.get(r.headers["location"]).text
    assert "The recording was not analysed" in page
    other = make_client(app)
    register(other, "bob@example.org")
    assert other.get(r.headers["location"]).status_code == 404  # not Bob's


def _formats(shared_data: Path, tmp_path: Path) -> dict[str, bytes]:
    """One recording of each format the IMU loaders read: the shared data's, and made here."""
    imu = shared_data / "imu"
    out = {
        "lumbar.csv": (shared_data / GENEACTIV).read_bytes(),
        "phone.csv": (imu / "phone-oxford" / "user2_hand_1506421987098.csv").read_bytes(),
        "feet.csv": (imu / "gaitmap-foot" / "imu_sample.csv").read_bytes(),
        "data.mat": (imu / "mobgap-lab" / "HA" / "001" / "data.mat").read_bytes(),
    }
    phone = load_recording(imu / "phone-oxford" / "user2_hand_1506421987098.csv")
    assert isinstance(phone, Recording)
    write_generic_csv(phone, tmp_path / "generic.csv")
    out["generic.csv"] = (tmp_path / "generic.csv").read_bytes()
    t = np.arange(len(phone)) / 100.0
    rows = [f"{int(1.6e18 + round(s * 1e9))},{s:.9f},{v[2]:.6f},{v[1]:.6f},{v[0]:.6f}"
            for s, v in zip(t[:6000], phone.acc_m_s2[:6000], strict=True)]
    with zipfile.ZipFile(tmp_path / "logger.zip", "w") as zf:
        zf.writestr("TotalAcceleration.csv", "time,seconds_elapsed,z,y,x\n" + "\n".join(rows))
        zf.writestr("Metadata.csv", "version,device name,recording time,platform\n3,x,t,android\n")
    out["logger.zip"] = (tmp_path / "logger.zip").read_bytes()
    header = ('"Time (s)","Acceleration x (m/s^2)","Acceleration y (m/s^2)",'
              '"Acceleration z (m/s^2)"')
    out["phyphox.csv"] = ("\n".join([header] + [
        f"{s:.9f},{v[0]:.6f},{v[1]:.6f},{v[2]:.6f}"
        for s, v in zip(t[:6000], phone.acc_m_s2[:6000], strict=True)
    ]) + "\n").encode()
    return out


def test_every_format_the_cli_reads_is_analysed_on_the_page(
    gait_app: tuple[Any, Path], shared_data: Path, tmp_path: Path
) -> None:
    app, _ = gait_app
    client = make_client(app)
    register(client, "ada@example.org")
    pages = {}
    for name, data in _formats(shared_data, tmp_path).items():
        r = _upload(client, data, name, csrf(client))
        assert r.status_code == 303, (name, r.text)
        pages[name] = r.headers["location"]
    for name, location in pages.items():
        _finished(client, location)
        page = client.get(location).text
        assert "The recording was not analysed" not in page, (name, page)
        assert "Walking bouts" in page and "gait-chart" in page, name


def test_the_signal_chart_is_drawn_by_the_one_chart_engine() -> None:
    """The gait page's chart: both signals as bands, bouts shaded by direction, contacts as
    ticks, with the description and the read-out numbers of ``web.charts``."""
    from retrostride.web.pages_gait import signal_chart

    signal = {
        "duration_s": 20.0, "bin_s": 0.5, "unit": "m/s2",
        "series": [
            {"label": "vertical", "min": [-1.0] * 40, "max": [1.0] * 40},
            {"label": "forward", "min": [-0.5] * 40, "max": [0.5] * 40},
        ],
    }
    bouts = [
        {"start_s": 2.0, "end_s": 9.0, "direction": "backward", "n_steps": 12,
         "initial_contacts_s": [2.5, 3.0, 3.5], "final_contacts_s": [2.7, 3.2]},
        {"start_s": 11.0, "end_s": 18.0, "direction": "sideways", "n_steps": 10,
         "initial_contacts_s": [11.5], "final_contacts_s": [None, 11.7]},
    ]
    chart = str(signal_chart(signal, bouts, "1"))
    assert '<figure class="rs-chart gait-chart"' in chart and 'role="img"' in chart
    assert chart.count('class="rs-spread"') == 2 and chart.count('class="rs-ticks"') == 2
    assert "2 walking bouts (backward, sideways), 22 steps in bouts" in chart
    assert "initial contacts: 4" in chart and "final contacts: 3" in chart
    assert 'fill="#2c6e49"' in chart  # side-stepping has its own colour
    assert "Signal of trial 1 (m/s2)" in chart
    assert str(signal_chart({"series": []}, [], "1")) == ""
