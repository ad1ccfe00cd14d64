"""Progress pictures (matplotlib, Agg backend): pure functions taking data and a path.

Each writes PNG or SVG (by the path's suffix) and returns the path. The CLI and the web app
call the same functions.
"""

from retrostride.plots.outcomes import plot_outcome
from retrostride.plots.training import plot_adherence, plot_weekly_volume

__all__ = ["plot_adherence", "plot_outcome", "plot_weekly_volume"]
