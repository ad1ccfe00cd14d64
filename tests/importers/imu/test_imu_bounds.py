"""Reading bounds and validation of the IMU loaders (issue 17 item 1).

Every hostile file is made here, small: a declared size is patched into a zip's directory rather
than written out, and a compressed MAT variable is streamed through zlib. Each test names the
finding it covers; on the code before these bounds each of them failed (a 500-class exception,
a gigabyte allocation, or silent acceptance).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pytest
import scipy.io

from retrostride.errors import FileRefused, InputError
from retrostride.gait.recording import Recording
from retrostride.importers.imu import _bounds, generic_csv, load_generic_csv, load_recording
from retrostride.importers.imu._bounds import MatLimits, check_mat5

HEADER = "time,seconds_elapsed,z,y,x\n"


def _imu_csv(path: Path, t: np.ndarray, meta: dict[str, str] | None = None) -> Path:
    lines = ["# retrostride-imu-csv 1"] + [f"# {k}: {v}" for k, v in (meta or {}).items()]
    lines.append("time_s,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2")
    lines += [f"{x:.6f},0.1,0.2,9.8" for x in t]
    path.write_text("\n".join(lines) + "\n")
    return path


def _logger_rows(t: np.ndarray) -> str:
    return HEADER + "".join(
        f"{int(x * 1e9) + 1600000000000000000},{x:.4f},9.8,0.1,0.2\n" for x in t
    )


# --- time axes: gaps split, never interpolated across ------------------------------------------


def test_a_gap_splits_the_recording_instead_of_being_resampled(tmp_path: Path) -> None:
    """Finding: one 250,000-s gap made the resampler build a uniform axis over the whole span."""
    t = np.concatenate([np.arange(300) / 100, 1000.0 + np.arange(400) / 100])
    path = _imu_csv(tmp_path / "gap.csv", t)
    loaded = load_recording(path)
    assert isinstance(loaded, list) and [len(r) for r in loaded] == [300, 400]
    assert loaded[1].reference["segment"] == {"index": 2, "of": 2, "offset_s": 1000.0}
    with pytest.raises(FileRefused, match="splits into 2 segments"):
        load_generic_csv(path)


def test_an_irregular_axis_with_a_gap_is_resampled_per_segment(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    t0 = np.cumsum(rng.uniform(0.008, 0.012, 500))
    t = np.concatenate([t0, t0[-1] + 250_000 + t0])
    loaded = load_recording(_imu_csv(tmp_path / "gap.csv", t))
    assert isinstance(loaded, list) and len(loaded) == 2
    assert all(len(r) < 2 * 500 for r in loaded)


def test_a_sensor_logger_zip_with_a_gap_gives_segments_with_their_start(tmp_path: Path) -> None:
    t = np.concatenate([np.arange(200) / 50, 600 + np.arange(200) / 50])
    path = tmp_path / "logger.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("TotalAcceleration.csv", _logger_rows(t))
        zf.writestr("Gyroscope.csv", _logger_rows(t))
    loaded = load_recording(path)
    assert isinstance(loaded, list) and [len(r) for r in loaded] == [200, 200]
    assert loaded[0].start_utc is not None and loaded[1].start_utc is not None
    assert (loaded[1].start_utc - loaded[0].start_utc).total_seconds() == pytest.approx(
        600, abs=1e-3
    )
    assert loaded[1].gyr_rad_s is not None


def test_mostly_dropouts_cannot_inflate_the_grid(tmp_path: Path) -> None:
    """Most intervals at 1 kHz, a third just under the gap: the grid would be 1,600x the rows."""
    dt = np.tile([0.001, 0.001, 4.9], 150)
    path = _imu_csv(tmp_path / "holes.csv", np.concatenate([[0.0], np.cumsum(dt)]))
    with pytest.raises(FileRefused, match="too many dropouts"):
        load_recording(path)


# --- sampling rates ------------------------------------------------------------------------------


@pytest.mark.parametrize("rate", ["0", "5", "1e9", "nan", "fast"])
def test_a_header_rate_outside_10_to_2000_hz_is_refused_naming_the_field(
    tmp_path: Path, rate: str
) -> None:
    path = _imu_csv(tmp_path / "r.csv", np.arange(50) / 100, {"sampling_rate_hz": rate})
    with pytest.raises(FileRefused, match="sampling_rate_hz") as info:
        load_recording(path)
    assert "mounting" not in str(info.value)


def test_time_in_nanosecond_steps_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = _imu_csv(tmp_path / "ns.csv", np.arange(50) * 1e7)
    with pytest.raises(FileRefused, match=r"time_s column .* outside .*nanoseconds"):
        load_recording(path)


# --- header fields: the file is named, not the caller's --mounting ------------------------------


@pytest.mark.parametrize(
    ("meta", "field"),
    [
        ({"frame": "sideways"}, "frame"),
        ({"placement": "elbow"}, "placement"),
        ({"side": "middle"}, "side"),
        ({"mounting": "+x,+y,-z"}, "mounting in the file header.*mirror"),
        ({"mounting": "up,down,left"}, "mounting in the file header"),
        ({"sensor_height_m": "tall"}, "sensor_height_m"),
    ],
)
def test_bad_header_values_are_refusals_naming_the_field(
    tmp_path: Path, meta: dict[str, str], field: str
) -> None:
    path = _imu_csv(tmp_path / "h.csv", np.arange(50) / 100, meta)
    with pytest.raises(FileRefused, match=field):
        load_recording(path)


def test_the_callers_mounting_is_an_input_error_checked_before_the_file(tmp_path: Path) -> None:
    path = _imu_csv(tmp_path / "h.csv", np.arange(50) / 100, {"frame": "device"})
    with pytest.raises(InputError) as info:
        load_recording(path, mounting="+x,+y,-z")
    assert info.value.field == "mounting"


def test_rows_past_the_cap_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_bounds, "MAX_SAMPLES", 100)
    monkeypatch.setattr(generic_csv, "MAX_SAMPLES", 100)
    with pytest.raises(FileRefused, match="more than 100 data rows"):
        load_recording(_imu_csv(tmp_path / "long.csv", np.arange(101) / 100))
    assert len(load_generic_csv(_imu_csv(tmp_path / "ok.csv", np.arange(100) / 100))) == 100


# --- zip exports -----------------------------------------------------------------------------


def test_a_zip_entry_compressing_past_the_ratio_is_refused_unread(tmp_path: Path) -> None:
    """Finding: phone-export entries were read whole with no size or ratio check (1 GiB)."""
    t = np.arange(100) / 100
    rows = _logger_rows(t) + "".join(["1600000000000000000,1.0,9.8,0.1,0.2\n"] * 200_000)
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("Accelerometer.csv", rows)
    with pytest.raises(FileRefused, match="zip bomb"):
        load_recording(path)


def _patch_declared_size(path: Path, size: int) -> None:
    """Write ``size`` as the uncompressed size of the first entry in the zip's central directory."""
    data = bytearray(path.read_bytes())
    at = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, at + 24, size)
    path.write_bytes(bytes(data))


def test_a_zip_entry_declaring_a_gibibyte_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("TotalAcceleration.csv", _logger_rows(np.arange(100) / 100))
    _patch_declared_size(path, 1 << 30)
    with pytest.raises(FileRefused, match=r"would unpack to 1073\.7 MB"):
        load_recording(path)


def test_a_zip_entry_larger_than_declared_is_cut_at_its_declared_size(tmp_path: Path) -> None:
    path = tmp_path / "liar.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("TotalAcceleration.csv", _logger_rows(np.arange(100) / 100))
    _patch_declared_size(path, 100)
    with pytest.raises(FileRefused, match=r"TotalAcceleration\.csv"):
        load_recording(path)


# --- MATLAB files ----------------------------------------------------------------------------


def _mat_bomb(path: Path, rows: int) -> Path:
    """A MAT 5 file with one compressed (rows, 3) double matrix of zeros, streamed through zlib."""
    name = b"data"
    body = io.BytesIO()
    body.write(struct.pack("<II", 6, 8) + struct.pack("<II", 6, 0))  # flags: mxDOUBLE_CLASS
    body.write(struct.pack("<II", 5, 8) + struct.pack("<ii", rows, 3))  # dims
    body.write(struct.pack("<II", 1, len(name)) + name.ljust(8, b"\0"))
    nbytes = rows * 3 * 8
    body.write(struct.pack("<II", 9, nbytes))  # miDOUBLE
    head = body.getvalue()
    matrix_len = len(head) + nbytes
    deflate = zlib.compressobj(1)
    out = io.BytesIO()
    out.write(deflate.compress(struct.pack("<II", 14, matrix_len) + head))
    zeros = bytes(1 << 20)
    left = nbytes
    while left:
        out.write(deflate.compress(zeros[: min(left, len(zeros))]))
        left -= min(left, len(zeros))
    out.write(deflate.flush())
    header = b"MATLAB 5.0 MAT-file, hostile test".ljust(116, b" ") + bytes(8) + b"\x00\x01IM"
    packed = out.getvalue()
    path.write_bytes(header + struct.pack("<II", 15, len(packed)) + packed)
    return path


def test_a_compressed_mat_variable_past_the_limit_is_refused_before_loading(
    tmp_path: Path,
) -> None:
    """Finding: a 1 MB compressed MATLAB file took the server to 1.5 GB, then answered 500."""
    path = _mat_bomb(tmp_path / "data.mat", 12_000_000)  # 288 MB of zeros, ~0.3 MB on disk
    assert path.stat().st_size < 2_000_000
    with pytest.raises(FileRefused, match=r"MAT-file: .*(unpack|declare)"):
        load_recording(path)


def test_the_mat_walk_counts_arrays_and_declared_shapes(tmp_path: Path) -> None:
    small = _mat_bomb(tmp_path / "small.mat", 1000)
    check_mat5(small)
    assert scipy.io.loadmat(small)["data"].shape == (1000, 3)
    with pytest.raises(FileRefused, match=r"more than 0\.01 MB"):
        check_mat5(small, MatLimits(max_decoded_bytes=10_000))
    path = tmp_path / "many.mat"
    scipy.io.savemat(
        path, {"data": {f"f{i}": {"x": [1.0]} for i in range(50)}}, do_compression=True
    )
    with pytest.raises(FileRefused, match="more than 20 arrays"):
        check_mat5(path, MatLimits(max_arrays=20))


def _mobilise(
    path: Path, lower_back: dict[str, object], indip: dict[str, object] | None = None
) -> Path:
    trial: dict[str, object] = {"SU": {"LowerBack": lower_back}}
    if indip is not None:
        trial["Standards"] = {"INDIP": indip}
    scipy.io.savemat(path, {"data": {"TimeMeasure1": {"Test5": {"Trial1": trial}}}})
    return path


def _lower_back(fs: object = 100.0, n: int = 200) -> dict[str, object]:
    acc = np.tile([1.0, 0.0, 0.0], (n, 1))
    return {"Acc": acc, "Gyr": np.zeros((n, 3)), "Fs": {"Acc": fs, "Gyr": fs}}


@pytest.mark.parametrize(
    ("lower_back", "indip", "field"),
    [
        (_lower_back(fs=0.0), None, r"SU\.LowerBack\.Fs 0 Hz is outside"),
        (_lower_back(fs=5.0), None, r"SU\.LowerBack\.Fs 5 Hz is outside"),
        (_lower_back(fs=1e9), None, r"SU\.LowerBack\.Fs 1e\+09 Hz"),
        (_lower_back(fs=np.array([100.0, 100.0])), None, r"SU\.LowerBack\.Fs must be one number"),
        (
            _lower_back(),
            {"Fs": 100.0, "MicroWB": {"End": 2.0, "Start": np.array([1.0, 2.0])}},
            r"Standards\.INDIP\.MicroWB\(1\)\.Start must be one number",
        ),
        (
            _lower_back(),
            {"Fs": 100.0, "MicroWB": {"End": 2.0}},
            r"Standards\.INDIP\.MicroWB\(1\)\.Start is missing",
        ),
        (
            _lower_back(),
            {"Fs": np.ones(3), "MicroWB": {"Start": 1.0, "End": 2.0}},
            r"Standards\.INDIP\.Fs must be one number",
        ),
    ],
)
def test_malformed_mobilise_d_structures_are_refusals_naming_the_field(
    tmp_path: Path, lower_back: dict[str, object], indip: dict[str, object] | None, field: str
) -> None:
    path = _mobilise(tmp_path / "data.mat", lower_back, indip)
    with pytest.raises(FileRefused, match=field):
        load_recording(path)


def test_a_well_formed_mobilise_d_file_still_loads(tmp_path: Path) -> None:
    path = _mobilise(
        tmp_path / "data.mat", _lower_back(), {"Fs": 100.0, "MicroWB": {"Start": 0.5, "End": 1.5}}
    )
    loaded = load_recording(path)
    assert isinstance(loaded, Recording)
    assert loaded.reference["indip"][0]["start_s"] == pytest.approx(0.5, abs=1e-12)
