"""Which tracks of a GPX file make one session: days and long gaps split them.

A device or an app (MapSource day-tracks, a multi-day hike) may write several walks into one
file. Tracks become separate sessions when one starts more than ``SPLIT_GAP_S`` after the
previous one ended, or on another local date than the session so far began. Tracks without
times stay with the first session (which warns that they are ignored).
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from retrostride.importers.activity._points import PointTable, resolve_times

SPLIT_GAP_S = 3 * 3600.0
"""A pause longer than this between two tracks ends a session (retrostride's rule)."""


def split_tracks(table: PointTable, home_time_zone: str) -> list[list[int]]:
    """Track indices per session, in time order; one list when nothing splits the file."""
    tracks = [int(g) for g in np.unique(table.group)]
    if len(tracks) < 2:
        return [tracks]
    times = resolve_times(table, home_time_zone)
    if not times.timed:
        return [tracks]
    offset = float(times.utc_offset_s or 0)
    spans: list[tuple[float, float, int]] = []
    untimed: list[int] = []
    for g in tracks:
        utc = times.utc_s[(table.group == g) & np.isfinite(times.utc_s)]
        if utc.size:
            spans.append((float(utc.min()), float(utc.max()), g))
        else:
            untimed.append(g)
    spans.sort()
    groups: list[list[int]] = []
    day = None
    end = -np.inf
    for start, stop, g in spans:
        start_day = datetime.fromtimestamp(start + offset, UTC).date()
        if groups and start - end <= SPLIT_GAP_S and start_day == day:
            groups[-1].append(g)
            end = max(end, stop)
            continue
        groups.append([g])
        day, end = start_day, stop
    if not groups:
        return [tracks]
    groups[0].extend(untimed)
    return [sorted(group) for group in groups]
