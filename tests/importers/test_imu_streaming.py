"""Chunked IMU readers: the chunks of a file, joined, are the file; bad files are refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrostride.errors import FileRefused
from retrostride.gait.recording import Placement, Recording
from retrostride.importers.imu import load_generic_csv, load_mobilised_mat, write_generic_csv
from retrostride.importers.imu.streaming import iter_generic_csv_chunks, iter_npy_chunks


@pytest.fixture(scope="module")
def lab_recording(shared_data: Path) -> Recording:
    """The healthy adult's longest lab test (Mobilise-D Test11, about 2.3 min at 100 Hz)."""
    recs = load_mobilised_mat(shared_data / "imu" / "mobgap-lab" / "HA" / "001" / "data.mat")
    return max(recs, key=len)


def _joined(chunks: list[Recording]) -> tuple[np.ndarray, np.ndarray]:
    acc = np.concatenate([c.acc_m_s2 for c in chunks])
    gyr = np.concatenate([c.gyr_rad_s for c in chunks if c.gyr_rad_s is not None])
    return acc, gyr


def test_npy_chunks_join_to_the_array(lab_recording: Recording, tmp_path: Path) -> None:
    data = np.hstack([lab_recording.acc_m_s2, lab_recording.gyr_rad_s]).astype(np.float32)
    path = tmp_path / "week.npy"
    np.save(path, data)
    chunks = list(iter_npy_chunks(path, sampling_rate_hz=100.0, chunk_s=30.0))
    assert [len(c) for c in chunks[:-1]] == [3000] * (len(chunks) - 1)
    acc, gyr = _joined(chunks)
    # the chunks are slices of the file's own numbers: exact on purpose
    np.testing.assert_array_equal(acc, data[:, :3].astype(np.float64))
    np.testing.assert_array_equal(gyr, data[:, 3:].astype(np.float64))
    assert all(c.placement is Placement.LOWER_BACK and c.sampling_rate_hz == 100.0 for c in chunks)


def test_npy_accelerometer_only(lab_recording: Recording, tmp_path: Path) -> None:
    path = tmp_path / "acc.npy"
    np.save(path, lab_recording.acc_m_s2)
    chunks = list(iter_npy_chunks(path, sampling_rate_hz=100.0, chunk_s=45.0))
    assert all(c.gyr_rad_s is None for c in chunks)
    joined = np.concatenate([c.acc_m_s2 for c in chunks])
    np.testing.assert_array_equal(joined, lab_recording.acc_m_s2)  # slices of the file: exact


def test_npy_refuses_wrong_shape_and_truncation(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.npy"
    np.save(wrong, np.zeros((10, 4)))
    with pytest.raises(FileRefused, match=r"wrong\.npy.*\(n, 3\) or \(n, 6\)"):
        list(iter_npy_chunks(wrong, sampling_rate_hz=100.0))
    cut = tmp_path / "cut.npy"
    np.save(cut, np.ones((1000, 6)))
    cut.write_bytes(cut.read_bytes()[:-480])
    with pytest.raises(FileRefused, match=r"cut\.npy: the file ends early, at sample 990"):
        list(iter_npy_chunks(cut, sampling_rate_hz=100.0, chunk_s=5.0))
    text = tmp_path / "text.npy"
    text.write_text("not numpy")
    with pytest.raises(FileRefused, match=r"text\.npy: not a NumPy \.npy file"):
        list(iter_npy_chunks(text, sampling_rate_hz=100.0))


def test_csv_chunks_equal_the_whole_file(lab_recording: Recording, tmp_path: Path) -> None:
    path = tmp_path / "lab.csv"
    write_generic_csv(lab_recording, path)
    whole = load_generic_csv(path)
    chunks = list(iter_generic_csv_chunks(path, chunk_s=20.0))
    assert len(chunks) == int(np.ceil(len(whole) / 2000))
    acc, gyr = _joined(chunks)
    # the same text parsed and scaled in pieces: equal to float rounding
    np.testing.assert_allclose(acc, whole.acc_m_s2, rtol=1e-12, atol=1e-12)
    assert whole.gyr_rad_s is not None
    np.testing.assert_allclose(gyr, whole.gyr_rad_s, rtol=1e-12, atol=1e-12)
    assert chunks[0].sampling_rate_hz == pytest.approx(whole.sampling_rate_hz, rel=1e-12)
    assert chunks[0].placement is whole.placement


def test_csv_chunks_refuse_bad_rows_and_irregular_time(tmp_path: Path) -> None:
    head = (
        "# retrostride-imu-csv 1\n# sampling_rate_hz: 100\n"
        "time_s,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2\n"
    )
    rows = [f"{i / 100:.2f},0.1,0.2,9.8" for i in range(500)]
    bad = tmp_path / "bad.csv"
    bad.write_text(head + "\n".join([*rows[:300], "3.00,abc,0.2,9.8", *rows[301:]]) + "\n")
    with pytest.raises(FileRefused, match=r"bad\.csv: .*not numeric"):
        list(iter_generic_csv_chunks(bad, chunk_s=1.0))
    jumpy = tmp_path / "jumpy.csv"
    times = [i / 100 for i in range(500)]
    times[250:] = [t + 0.5 for t in times[250:]]
    jumpy.write_text(head + "\n".join(f"{t:.2f},0.1,0.2,9.8" for t in times) + "\n")
    with pytest.raises(FileRefused, match=r"jumpy\.csv: the time axis is irregular in data row"):
        list(iter_generic_csv_chunks(jumpy, chunk_s=1.0))


def test_csv_chunks_check_the_header_as_the_whole_file_reader_does(tmp_path: Path) -> None:
    """One reading of the header for both readers: its values are checked (a sensor height of
    9 m is refused, naming it) and carried (the side) alike."""
    rows = "\n".join(f"{i / 100:.2f},0.1,0.2,9.8" for i in range(300)) + "\n"
    columns = "time_s,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2\n"
    tall = tmp_path / "tall.csv"
    tall.write_text("# retrostride-imu-csv 1\n# sensor_height_m: 9\n" + columns + rows)
    for read in (load_generic_csv, lambda p: list(iter_generic_csv_chunks(p, chunk_s=1.0))):
        with pytest.raises(FileRefused, match=r"tall\.csv: sensor_height_m '9' in the file header"):
            read(tall)
    left = tmp_path / "left.csv"
    left.write_text("# retrostride-imu-csv 1\n# placement: foot\n# side: Left\n" + columns + rows)
    chunks = list(iter_generic_csv_chunks(left, chunk_s=1.0))
    whole = load_generic_csv(left)
    assert whole.side == "left" and {c.side for c in chunks} == {"left"}
    assert {c.placement for c in chunks} == {whole.placement} == {Placement.FOOT}
