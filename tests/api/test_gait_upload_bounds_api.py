"""Hostile and malformed gait uploads answer 422 naming the file's field, never 500 (issue 17).

The files are made here. The same variants through the CLI exit 2 and never blame ``--mounting``.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
import scipy.io
from api_helpers import TestClient, signup
from typer.testing import CliRunner

from retrostride.cli import app

URL = "/api/athletes/me/gait-analyses"


def _csv(meta: dict[str, str], t: np.ndarray | None = None) -> bytes:
    t = np.arange(300) / 100 if t is None else t
    lines = ["# retrostride-imu-csv 1"] + [f"# {k}: {v}" for k, v in meta.items()]
    lines.append("time_s,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2")
    lines += [f"{x:.6f},0.1,0.2,9.8" for x in t]
    return ("\n".join(lines) + "\n").encode()


def _mat(lower_back_fs: object = 100.0, indip: dict[str, object] | None = None) -> bytes:
    n = 300
    trial: dict[str, object] = {
        "SU": {
            "LowerBack": {
                "Acc": np.tile([1.0, 0.0, 0.0], (n, 1)),
                "Gyr": np.zeros((n, 3)),
                "Fs": {"Acc": lower_back_fs, "Gyr": lower_back_fs},
            }
        }
    }
    if indip is not None:
        trial["Standards"] = {"INDIP": indip}
    out = io.BytesIO()
    scipy.io.savemat(out, {"data": {"TimeMeasure1": {"Test5": {"Trial1": trial}}}})
    return out.getvalue()


def _zip_bomb() -> bytes:
    rows = "time,seconds_elapsed,z,y,x\n" + "1600000000000000000,1.0,9.8,0.1,0.2\n" * 200_000
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("Accelerometer.csv", rows)
    return out.getvalue()


HOSTILE: list[tuple[str, bytes, str]] = [
    ("time in ns steps", _csv({}, np.arange(300) * 1e7), "time_s column"),
    ("rate 0", _csv({"sampling_rate_hz": "0"}), "sampling_rate_hz"),
    ("rate 5", _csv({"sampling_rate_hz": "5"}), "sampling_rate_hz"),
    ("rate 1e9", _csv({"sampling_rate_hz": "1e9"}), "sampling_rate_hz"),
    ("rate NaN", _csv({"sampling_rate_hz": "NaN"}), "sampling_rate_hz"),
    ("unknown frame", _csv({"frame": "sideways"}), "frame"),
    ("mirrored mounting", _csv({"mounting": "+x,+y,-z"}), "mounting in the file header"),
    ("garbage mounting", _csv({"mounting": "q,w,e"}), "mounting in the file header"),
    ("unknown foot side", _csv({"placement": "foot", "side": "middle"}), "side"),
    ("Mobilise-D Fs 0", _mat(0.0), "SU.LowerBack.Fs"),
    ("Mobilise-D Fs array", _mat(np.array([100.0, 50.0])), "SU.LowerBack.Fs must be one number"),
    (
        "INDIP bout without Start",
        _mat(indip={"Fs": 100.0, "MicroWB": {"End": 2.0}}),
        "MicroWB(1).Start is missing",
    ),
    (
        "INDIP Start array",
        _mat(indip={"Fs": 100.0, "MicroWB": {"Start": np.ones(4), "End": 2.0}}),
        "MicroWB(1).Start must be one number",
    ),
    ("zip bomb entry", _zip_bomb(), "zip bomb"),
]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_hostile_recordings_answer_422_naming_the_field(client: TestClient) -> None:
    ada = signup(client, "ada@example.org")
    for label, content, field in HOSTILE:
        r = ada.post(URL, files=[("file", ("rec.bin", content, "application/octet-stream"))])
        assert r.status_code == 422, (label, r.status_code, r.text)
        assert field in r.json()["detail"], (label, r.text)
        assert "retrostride-gait-" not in r.text
    # a bad mounting of the caller's own is its query parameter, not the file
    r = ada.post(URL, params={"mounting": "+x,+y,-z"}, files=[("file", ("r.csv", _csv({})))])
    assert r.status_code == 422 and "mounting" in r.text


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_recording_with_a_long_gap_is_analysed_per_segment(client: TestClient) -> None:
    ada = signup(client, "ada@example.org")
    t = np.concatenate([np.arange(1000) / 100, 250_000 + np.arange(1000) / 100])
    r = ada.post(URL, files=[("file", ("gap.csv", _csv({}, t), "text/csv"))])
    assert r.status_code == 200, r.text
    assert len(r.json()["results"]) == 2
    # the analysis ran as a job of the queue (a child process with limits), not as an upload
    assert ada.get("/api/athletes/me/uploads").json() == []


@pytest.mark.parametrize(("label", "content", "field"), HOSTILE[:10])
def test_the_cli_exits_2_naming_the_file_not_mounting(
    tmp_path: Path, label: str, content: bytes, field: str
) -> None:
    path = tmp_path / "rec.bin"
    path.write_bytes(content)
    result = CliRunner().invoke(app, ["gait", "analyze", str(path)])
    assert result.exit_code == 2, (label, result.output)
    assert "rec.bin" in result.output and "--mounting" not in result.output, label
