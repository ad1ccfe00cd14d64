"""Shared figure handling: Agg-backed figures without pyplot's global state (safe in a web
server's threads), suffix checks and saving."""

from __future__ import annotations

from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from retrostride.errors import InputError

FORMATS = (".png", ".svg")


def check_path(path: Path) -> Path:
    if path.suffix.lower() not in FORMATS:
        raise InputError("--plot", str(path), "a file name ending in .png or .svg")
    return path


def new_figure() -> Figure:
    fig = Figure(figsize=(7.0, 4.0), dpi=100)
    FigureCanvasAgg(fig)
    return fig


def save(fig: Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, format=path.suffix.lower().lstrip("."))
    return path
