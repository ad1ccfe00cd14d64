"""Training pictures: weekly volume by direction, and adherence week by week."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from retrostride.plots._figure import check_path, new_figure, save

_COLOURS = {"backward": "#1f5f8b", "forward": "#9bc4e2", "other": "#cccccc"}


def plot_weekly_volume(weeks: Sequence[dict[str, float]], path: Path, *, title: str) -> Path:
    """Stacked bars of minutes per week by direction (``backward``, ``forward``, ``other``)."""
    check_path(path)
    fig = new_figure()
    ax = fig.add_subplot(1, 1, 1)
    x = list(range(1, len(weeks) + 1))
    bottom = [0.0] * len(weeks)
    for key in ("backward", "forward", "other"):
        heights = [w.get(key, 0.0) for w in weeks]
        ax.bar(x, heights, bottom=bottom, color=_COLOURS[key], label=key)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    ax.set_xlabel("week")
    ax.set_ylabel("minutes")
    ax.set_xticks(x)
    ax.set_title(title)
    ax.legend(fontsize=8)
    return save(fig, path)


def plot_adherence(
    planned: Sequence[int], completed: Sequence[int], path: Path, *, title: str
) -> Path:
    """Planned and completed sessions per week, with cumulative adherence (%) on a second axis."""
    check_path(path)
    if len(planned) != len(completed):
        raise ValueError("planned and completed need one value per week")
    fig = new_figure()
    ax = fig.add_subplot(1, 1, 1)
    x = list(range(1, len(planned) + 1))
    ax.bar([i - 0.2 for i in x], planned, width=0.4, color="#cccccc", label="planned")
    ax.bar([i + 0.2 for i in x], completed, width=0.4, color="#1f5f8b", label="done")
    ax.set_xlabel("week")
    ax.set_ylabel("sessions")
    ax.set_xticks(x)
    cumulative = []
    due = done = 0
    for p, c in zip(planned, completed, strict=True):
        due += p
        done += c
        cumulative.append(100.0 * done / due if due else 0.0)
    ax2 = ax.twinx()
    ax2.plot(x, cumulative, color="#f2b134", marker="o", label="adherence so far (%)")
    ax2.set_ylim(0, 105)
    ax2.set_ylabel("adherence (%)")
    ax.set_title(title)
    ax.legend(loc="upper left", fontsize=8)
    ax2.legend(loc="upper right", fontsize=8)
    return save(fig, path)
