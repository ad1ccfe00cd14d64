"""The gait figure: signal, bouts coloured by direction, contacts, cadence; PNG and SVG."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from retrostride.errors import InputError
from retrostride.gait.pipeline import analyze
from retrostride.gait.recording import Recording
from retrostride.gait.result import GaitResult
from retrostride.gait.transforms import time_reversed
from retrostride.importers.imu import load_mobilised_mat, load_phone_oxford
from retrostride.plots.gait import DIRECTION_COLOURS, plot_gait_analysis
from retrostride.science.locomotion import Direction

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def forward_then_backward(shared_data: Path) -> tuple[Recording, GaitResult]:
    """The HA lab test 11 followed by its time-reversed copy (backward by construction)."""
    mat = shared_data / "imu" / "mobgap-lab" / "HA" / "001" / "data.mat"
    rec = max(load_mobilised_mat(mat), key=len)
    rev = time_reversed(rec)
    assert isinstance(rev, Recording) and rec.gyr_rad_s is not None and rev.gyr_rad_s is not None
    both = dataclasses.replace(
        rec,
        acc_m_s2=np.concatenate([rec.acc_m_s2, rev.acc_m_s2]),
        gyr_rad_s=np.concatenate([rec.gyr_rad_s, rev.gyr_rad_s]),
        reference={},
    )
    return both, analyze(both)


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_png_of_forward_and_backward_bouts(
    forward_then_backward: tuple[Recording, GaitResult], tmp_path: Path
) -> None:
    rec, result = forward_then_backward
    directions = {b.direction for b in result.bouts}
    assert {Direction.FORWARD, Direction.BACKWARD} <= directions
    out = plot_gait_analysis(rec, result, tmp_path / "figs" / "gait.png")
    width, height = _png_size(out)
    assert (width, height) == (1320, 660)  # 12 x 6 inches at 110 dpi


def test_svg_marks_bouts_contacts_and_both_directions(
    forward_then_backward: tuple[Recording, GaitResult], tmp_path: Path
) -> None:
    rec, result = forward_then_backward
    svg = plot_gait_analysis(rec, result, tmp_path / "gait.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    for direction in (Direction.FORWARD, Direction.BACKWARD):
        assert DIRECTION_COLOURS[direction] in svg
        assert f"{direction.value} bout" in svg
    assert "initial contact" in svg and "final contact" in svg
    # one marker use per initial contact (matplotlib draws markers as <use> of one path)
    n_ic = sum(b.initial_contacts_s.size for b in result.bouts)
    n_fc = sum(b.final_contacts_s.size for b in result.bouts)
    assert svg.count("<use ") >= n_ic + n_fc


def test_phone_recording_plots_the_norm(shared_data: Path, tmp_path: Path) -> None:
    rec = load_phone_oxford(shared_data / "imu" / "phone-oxford" / "user2_hand_1506421987098.csv")
    result = analyze(rec)
    svg = plot_gait_analysis(rec, result, tmp_path / "phone.svg").read_text()
    assert "acceleration norm" in svg
    assert f"{result.step_count} steps" in svg


def test_refuses_other_formats(
    forward_then_backward: tuple[Recording, GaitResult], tmp_path: Path
) -> None:
    rec, result = forward_then_backward
    with pytest.raises(InputError, match=r"--plot.*\.png or \.svg"):
        plot_gait_analysis(rec, result, tmp_path / "gait.pdf")


def test_foot_pair_marks_each_foot(shared_data: Path, tmp_path: Path) -> None:
    from retrostride.importers.imu import load_gaitmap_foot

    pair = load_gaitmap_foot(shared_data / "imu" / "gaitmap-foot" / "imu_sample.csv")
    result = analyze(pair)
    svg = plot_gait_analysis(pair, result, tmp_path / "feet.svg").read_text()
    assert "left foot" in svg and "right foot" in svg
    n_strides = sum(len(b.strides) for b in result.bouts)
    assert n_strides > 40
    assert svg.count("<use ") >= 2 * n_strides  # an IC and an FC marker per stride
