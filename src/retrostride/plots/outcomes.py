"""An outcome measure over time with its minimal-important-change band around the baseline."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from retrostride.plots._figure import check_path, new_figure, save


def plot_outcome(
    points: Sequence[tuple[date, float]],
    path: Path,
    *,
    title: str,
    unit: str,
    mic: float | None = None,
    mic_label: str = "minimal important change",
    lower_is_better: bool | None = True,
) -> Path:
    """Values over dates; a shaded band of +-``mic`` around the baseline (the first value).

    A change that leaves the band in the better direction reaches the MIC. Without a MIC the
    plot says that none is published. ``lower_is_better=None``: neither direction is better
    (body mass), and the title says none.
    """
    check_path(path)
    if not points:
        raise ValueError("no points to plot")
    fig = new_figure()
    ax = fig.add_subplot(1, 1, 1)
    days = [d for d, _ in points]
    values = [v for _, v in points]
    ax.plot(days, values, marker="o", color="#1f5f8b", label=title)  # type: ignore[arg-type]
    baseline = values[0]
    ax.axhline(baseline, color="#555555", linewidth=0.8, linestyle="--", label="baseline")
    if mic is not None:
        ax.axhspan(
            baseline - mic,
            baseline + mic,
            color="#f2b134",
            alpha=0.25,
            label=f"{mic_label} (±{mic:g} {unit})",
        )
    else:
        ax.text(
            0.01,
            0.02,
            "no minimal important change published for this population",
            transform=ax.transAxes,
            fontsize=8,
            color="#555555",
        )
    if lower_is_better is None:
        ax.set_title(title)
    else:
        better = "lower is better" if lower_is_better else "higher is better"
        ax.set_title(f"{title} ({better})")
    ax.set_ylabel(unit)
    ax.legend(loc="best", fontsize=8)
    fig.autofmt_xdate()
    return save(fig, path)
