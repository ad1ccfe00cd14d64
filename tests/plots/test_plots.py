"""The progress pictures are written as real PNG and SVG files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from retrostride.errors import InputError
from retrostride.plots import plot_adherence, plot_outcome, plot_weekly_volume

POINTS = [(date(2026, 3, 2), 6.0), (date(2026, 3, 23), 5.0), (date(2026, 4, 13), 4.0)]


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_outcome_with_and_without_mic(tmp_path: Path, suffix: str) -> None:
    with_mic = plot_outcome(POINTS, tmp_path / f"a{suffix}", title="Pain", unit="points", mic=1.0)
    without = plot_outcome(
        POINTS, tmp_path / f"b{suffix}", title="6MWT", unit="m", lower_is_better=False
    )
    for path in (with_mic, without):
        head = path.read_bytes()[:400]
        assert head.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in head
    if suffix == ".svg":
        assert b"no minimal important change" in without.read_bytes()


def test_volume_and_adherence(tmp_path: Path) -> None:
    weeks = [{"backward": 30.0, "forward": 10.0}, {"backward": 20.0, "other": 5.0}]
    assert plot_weekly_volume(weeks, tmp_path / "v.png", title="v").stat().st_size > 1000
    assert plot_adherence([3, 3, 3], [3, 1, 0], tmp_path / "a.svg", title="a").stat().st_size > 1000
    with pytest.raises(ValueError):
        plot_adherence([3], [1, 2], tmp_path / "x.png", title="x")


def test_only_png_or_svg(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"\.png or \.svg"):
        plot_outcome(POINTS, tmp_path / "a.jpg", title="Pain", unit="points")
