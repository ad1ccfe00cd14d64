"""IMU loaders on the real shared recordings, and their refusals of bad files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrostride.errors import FileRefused
from retrostride.gait.recording import FootPair, Frame, Placement, Recording
from retrostride.importers.imu import (
    detect_format,
    load_generic_csv,
    load_recording,
    mounting_matrix,
    write_generic_csv,
)

G = 9.80665


@pytest.fixture(scope="module")
def imu(shared_data: Path) -> Path:
    return shared_data / "imu"


def test_mobilise_d_converted_into_body_frame(imu: Path) -> None:
    recs = load_recording(imu / "mobgap-lab" / "HA" / "001" / "data.mat")
    assert isinstance(recs, list) and len(recs) == 3
    for rec in recs:
        assert rec.placement is Placement.LOWER_BACK and rec.frame is Frame.BODY
        mean = rec.acc_m_s2.mean(axis=0)
        # z is up: gravity reads about +1 g; x and y carry only tilt
        assert 8.5 < mean[2] < 10.5
        assert abs(mean[0]) < 3.0 and abs(mean[1]) < 3.0
        assert rec.gyr_rad_s is not None and np.abs(rec.gyr_rad_s).max() < 10  # rad/s, not deg/s
        assert rec.sensor_height_m == pytest.approx(0.964, rel=1e-12)  # 96.4 cm in the file
        # the INDIP reference lands in `reference`, never in the channels
        assert rec.reference["indip"] and rec.acc_m_s2.shape[1] == 3
    wb = recs[0].reference["indip"][0]
    assert wb["cadence_spm"] == pytest.approx(100.51, abs=0.01)
    # Stride_InitialContacts are samples at 100 Hz in the file: seconds here
    assert wb["stride_initial_contacts_s"][0, 0] == pytest.approx(5.05, abs=1e-9)


def test_mobilised_stride_contacts_in_seconds_with_missing_contacts(imu: Path) -> None:
    """INDIP's stride contacts are samples even where a missing one (NaN) makes the array
    float; Stereophoto's are seconds: every bout's stride contacts lie at the bout (INDIP has
    one stride ending 0.6 s after its bout's End, so 2 s of slack; samples would be 100x)."""
    recs = load_recording(imu / "mobgap-lab" / "MS" / "001" / "data.mat")
    assert isinstance(recs, list)
    free_living = next(r for r in recs if "Test11" in r.reference["test"])
    with_nan = 0
    for system in ("indip", "stereophoto"):
        for wb in free_living.reference[system]:
            ics = wb["stride_initial_contacts_s"]
            finite = ics[np.isfinite(ics)]
            with_nan += int(np.isnan(ics).any())
            assert finite.size and wb["start_s"] - 0.05 <= finite.min()
            assert finite.max() <= wb["end_s"] + 2.0
    assert with_nan >= 3  # the file has bouts with missing contacts in both systems
    nan_bout = next(
        wb for wb in free_living.reference["indip"] if abs(wb["start_s"] - 45.35) < 1e-9
    )
    assert np.nanmin(nan_bout["stride_initial_contacts_s"]) == pytest.approx(45.35, abs=1e-9)


def test_phone_oxford_ground_truth_only_in_reference(imu: Path) -> None:
    rec = load_recording(imu / "phone-oxford" / "user2_hand_1506421987098.csv")
    assert isinstance(rec, Recording)
    assert rec.frame is Frame.DEVICE and rec.placement is Placement.PHONE
    assert rec.acc_m_s2.shape[1] == 3
    assert 99 < rec.sampling_rate_hz < 103  # timestamps are nanoseconds
    assert rec.reference["steps_ground_truth"] == 340
    assert rec.reference["steps_hardware"] == 338
    assert np.median(np.linalg.norm(rec.acc_m_s2, axis=1)) == pytest.approx(G, abs=1.0)


def test_geneactiv_header_and_units(imu: Path) -> None:
    path = imu / "geneactiv-lumbar" / "gaitpy-demo_data-geneactiv-lumbar.csv"
    assert detect_format(path) == "geneactiv"
    rec = load_recording(path)
    assert isinstance(rec, Recording)
    assert rec.sampling_rate_hz == 50.0  # the header's figure, read as written: exact
    assert rec.frame is Frame.DEVICE  # mounting not recorded
    assert np.median(np.linalg.norm(rec.acc_m_s2, axis=1)) == pytest.approx(G, abs=0.8)
    assert rec.start_utc is not None and rec.start_utc.hour == 14  # 10:25 at GMT -04


def test_gaitmap_pair_and_reference(imu: Path) -> None:
    pair = load_recording(imu / "gaitmap-foot" / "imu_sample.csv")
    assert isinstance(pair, FootPair)
    assert pair.sampling_rate_hz == 204.8  # the loader's stated default, copied: exact
    assert pair.left.acc_m_s2[:200, 2].mean() == pytest.approx(9.4, abs=0.5)
    assert len(pair.reference["left_events"]["ic_s"]) == 28
    lengths = pair.reference["left_stride_length_m"]["length_m"]
    assert 1.2 < np.median(lengths) < 1.5


def test_generic_csv_round_trip(tmp_path: Path, imu: Path) -> None:
    rec = load_recording(imu / "mobgap-lab" / "MS" / "001" / "data.mat")[0]
    path = tmp_path / "rec.csv"
    write_generic_csv(rec, path)
    assert detect_format(path) == "retrostride-csv"
    back = load_generic_csv(path)
    assert back.sampling_rate_hz == rec.sampling_rate_hz  # the header keeps "100": exact
    np.testing.assert_allclose(back.acc_m_s2, rec.acc_m_s2, rtol=1e-4, atol=1e-4)


def test_generic_csv_units_and_mounting(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text(
        "# sampling_rate_hz: 50\nacc_x_g,acc_y_g,acc_z_g,gyr_x_deg_s,gyr_y_deg_s,"
        "gyr_z_deg_s\n" + "0,1,0,0,0,90\n" * 10
    )
    rec = load_generic_csv(path, mounting="+z,+x,+y")
    assert rec.frame is Frame.BODY
    np.testing.assert_allclose(rec.acc_m_s2[0], [0, 0, G], rtol=1e-12, atol=1e-12)
    assert rec.gyr_rad_s is not None
    np.testing.assert_allclose(rec.gyr_rad_s[0], [np.pi / 2, 0, 0], rtol=1e-12, atol=1e-12)


def test_mounting_rejects_mirror_and_repeats() -> None:
    assert np.linalg.det(mounting_matrix("+z,+x,+y")) == pytest.approx(1.0, abs=1e-12)
    with pytest.raises(ValueError, match="mirror"):
        mounting_matrix("x,y,-z")
    with pytest.raises(ValueError, match="once"):
        mounting_matrix("x,x,z")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"hello,world\n1,2\n", "unrecognised IMU file"),
        (b"MATLAB 5.0 MAT-file, truncated", "MAT-file"),
        (b"time_s,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2\n0,1,2,3\n0.01,1,x,3\n", "not numeric"),
        (b"time_s,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2\n", "header only"),
        (
            b"time_s,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2\n0.02,1,2,3\n0.01,1,2,3\n0.03,1,2,3\n",
            "backwards",
        ),
        (
            b"6408038877844,-1.16,4.93,10.03,0,0,0\n6408049729969,-0.47,nan,9.54,0,0,0\n",
            "missing or non-numeric",
        ),
    ],
)
def test_bad_files_are_refused_with_the_file_named(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(FileRefused, match=message) as info:
        load_recording(path)
    assert str(path) in str(info.value)


def test_truncated_gaitmap_file_refused(tmp_path: Path, imu: Path) -> None:
    text = (imu / "gaitmap-foot" / "imu_sample.csv").read_text().splitlines()
    path = tmp_path / "imu_sample.csv"
    path.write_text("\n".join([text[0], "axis,acc_x,acc_x,acc_y", *text[2:20]]))
    with pytest.raises(FileRefused, match=r"two-header-row|lacks the columns"):
        load_recording(path)
