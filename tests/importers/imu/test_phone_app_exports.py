"""Sensor Logger and phyphox layouts, written from a real phone recording (no real export of
either app is in the shared data): the loaders must give back the same samples in SI units."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

from retrostride.errors import FileRefused
from retrostride.gait.recording import Frame, Recording
from retrostride.importers.imu import detect_format, load_recording, load_sensor_logger


@pytest.fixture(scope="module")
def phone(shared_data: Path) -> Recording:
    rec = load_recording(shared_data / "imu" / "phone-oxford" / "user2_hand_1506421987098.csv")
    assert isinstance(rec, Recording)
    return rec


def _sensor_logger_csv(rec: Recording, values: np.ndarray) -> str:
    t = np.arange(len(rec)) / 100.0  # written as if sampled at exactly 100 Hz
    rows = [
        f"{int(1.6e18 + round(s * 1e9))},{s:.9f},{v[2]:.6f},{v[1]:.6f},{v[0]:.6f}"
        for s, v in zip(t[:2000], values[:2000], strict=True)
    ]
    return "time,seconds_elapsed,z,y,x\n" + "\n".join(rows) + "\n"


def test_sensor_logger_android_zip(tmp_path: Path, phone: Recording) -> None:
    path = tmp_path / "recording.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("TotalAcceleration.csv", _sensor_logger_csv(phone, phone.acc_m_s2))
        zf.writestr("Metadata.csv", "version,device name,recording time,platform\n3,x,t,android\n")
    assert detect_format(path) == "sensor-logger"
    rec = load_recording(path)
    assert isinstance(rec, Recording) and rec.frame is Frame.DEVICE
    assert rec.sampling_rate_hz == pytest.approx(100.0, rel=1e-6)
    np.testing.assert_allclose(rec.acc_m_s2[:1000], phone.acc_m_s2[:1000], rtol=0, atol=1e-4)


def test_sensor_logger_ios_signs_flipped(tmp_path: Path, phone: Recording) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    # iOS: user acceleration and gravity in the inertial-force convention (opposite signs)
    gravity = np.tile(np.median(phone.acc_m_s2, axis=0), (len(phone), 1))
    (folder / "Accelerometer.csv").write_text(
        _sensor_logger_csv(phone, -(phone.acc_m_s2 - gravity))
    )
    (folder / "Gravity.csv").write_text(_sensor_logger_csv(phone, -gravity))
    (folder / "Metadata.csv").write_text("version,platform\n3,ios\n")
    rec = load_sensor_logger(folder)
    np.testing.assert_allclose(rec.acc_m_s2[:1000], phone.acc_m_s2[:1000], rtol=0, atol=1e-4)


def test_phyphox_csv_and_comma_decimal(tmp_path: Path, phone: Recording) -> None:
    t = np.arange(2000) / 100.0
    a = phone.acc_m_s2[:2000]
    head = '"Time (s)","Acceleration x (m/s^2)","Acceleration y (m/s^2)","Acceleration z (m/s^2)"'
    body = "\n".join(f"{s:.9f},{x:.6f},{y:.6f},{z:.6f}" for s, (x, y, z) in zip(t, a, strict=True))
    path = tmp_path / "Raw Data.csv"
    path.write_text(head + "\n" + body + "\n")
    assert detect_format(path) == "phyphox"
    rec = load_recording(path)
    assert isinstance(rec, Recording)
    np.testing.assert_allclose(rec.acc_m_s2[:1000], a[:1000], rtol=0, atol=1e-5)
    semi = tmp_path / "semicolon.csv"
    semi.write_text(head.replace(",", ";") + "\n" + body.replace(",", ";").replace(".", ",") + "\n")
    rec2 = load_recording(semi)
    assert isinstance(rec2, Recording)
    np.testing.assert_allclose(rec2.acc_m_s2[:1000], a[:1000], rtol=0, atol=1e-5)


def test_phyphox_linear_acceleration_refused(tmp_path: Path) -> None:
    path = tmp_path / "linear.csv"
    path.write_text(
        '"Time (s)","Linear Acceleration x (m/s^2)","Linear Acceleration y (m/s^2)",'
        '"Linear Acceleration z (m/s^2)"\n0,0,0,0\n0.01,0,0,0\n'
    )
    with pytest.raises(FileRefused, match="gravity"):
        load_recording(path)
