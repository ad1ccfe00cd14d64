"""Figures of :mod:`retrostride.plots` (matplotlib) rendered to SVG for inline use in a page."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from html import escape
from pathlib import Path

from markupsafe import Markup

_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.DOTALL)


def inline_svg(draw: Callable[[Path], Path], label: str) -> Markup:
    """Run a plotting function writing ``figure.svg`` and return its ``<svg>`` for a page.

    The figure gets ``role="img"`` and ``label`` as its accessible name; its fixed size is
    dropped so that CSS scales it to the screen (the viewBox keeps its proportions).
    """
    with tempfile.TemporaryDirectory(prefix="retrostride-fig-") as folder:
        text = draw(Path(folder) / "figure.svg").read_text(encoding="utf-8")
    text = _PROLOGUE.sub("", text, count=1)
    text = re.sub(
        r'<svg([^>]*?)\swidth="[^"]*"\sheight="[^"]*"',
        lambda m: f'<svg{m.group(1)} class="figure" role="img" aria-label="{escape(label)}"',
        text,
        count=1,
    )
    return Markup(text)
