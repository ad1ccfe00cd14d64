"""Strava's bulk export: ``activities.csv`` gives each activity file its title, sport,
description and gear.

Layout (Strava Support, "Exporting your Data and Bulk Export", article 216918437): a zip with
``activities.csv`` at its top, one row per activity, and the files themselves under
``activities/`` (``.fit.gz``, ``.gpx``, ``.tcx.gz`` ...). The columns read here, by their header:
``Activity Name``, ``Activity Type``, ``Activity Description``, ``Activity Gear`` and
``Filename`` (the file's path inside the export). The header repeats some names (``Elapsed
Time``, ``Distance``); only the first of each is kept, and only the named columns are used.

No row is dropped silently: a row without a file (an activity entered by hand on Strava) is
named in one warning, a row whose file is missing from the export is reported as a refused
entry (``archive``), each by its title, type and date (``Activity Date``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from retrostride.log.model import Session

MAX_CSV_BYTES = 64 * 1024 * 1024
"""Largest activities.csv read [bytes] (a row is about 1 kB: far above any real export)."""

_SPORTS = {
    "walk": "walking",
    "run": "running",
    "trail run": "running",
    "virtual run": "running",
    "hike": "hiking",
    "ride": "cycling",
    "virtual ride": "cycling",
    "e-bike ride": "cycling",
    "mountain bike ride": "cycling",
    "gravel ride": "cycling",
    "swim": "swimming",
}
"""Strava activity types (as the export writes them) -> retrostride sports; others are kept
in lower case."""


@dataclass(frozen=True, slots=True)
class StravaActivity:
    """What activities.csv says about one activity file."""

    title: str | None
    sport: str | None
    description: str | None
    gear: str | None
    date: str | None = None
    """``Activity Date`` as Strava writes it (e.g. "Jun 11, 2017, 2:32:51 PM")."""
    raw_type: str | None = None

    def label(self) -> str:
        """The row in words: "'Lake loop' (Hike, Apr 1, 2012, 9:00:00 AM)"."""
        what = ", ".join(x for x in (self.raw_type, self.date) if x)
        title = f"'{self.title}'" if self.title else "an untitled activity"
        return f"{title} ({what})" if what else title


@dataclass(frozen=True, slots=True)
class StravaList:
    """activities.csv read: rows by the file they name, and the rows that name none."""

    by_file: dict[str, StravaActivity]
    without_file: list[StravaActivity]


def read_activities_csv(data: bytes) -> StravaList | None:
    """The rows by Filename (inside the export, '/'-separated), and those without one; None
    when the CSV is not Strava's list (no ``Filename`` column)."""
    text = data.decode("utf-8-sig", errors="replace")
    rows = csv.reader(io.StringIO(text))
    header = next(rows, None)
    if header is None:
        return None
    first: dict[str, int] = {}
    for i, name in enumerate(header):
        first.setdefault(name.strip(), i)
    if "Filename" not in first:
        return None

    def cell(row: list[str], name: str) -> str | None:
        i = first.get(name)
        value = row[i].strip() if i is not None and i < len(row) else ""
        return value or None

    out = StravaList({}, [])
    for row in rows:
        if not any(value.strip() for value in row):
            continue
        raw_sport = cell(row, "Activity Type")
        activity = StravaActivity(
            title=cell(row, "Activity Name"),
            sport=_SPORTS.get(raw_sport.lower(), raw_sport.lower()) if raw_sport else None,
            description=cell(row, "Activity Description"),
            gear=cell(row, "Activity Gear"),
            date=cell(row, "Activity Date"),
            raw_type=raw_sport,
        )
        filename = cell(row, "Filename")
        if filename:
            out.by_file[filename.replace("\\", "/").lstrip("/")] = activity
        else:
            out.without_file.append(activity)
    return out


def apply(session: Session, activity: StravaActivity, *, sport: bool) -> None:
    """Fill the session from its row: the title and (``sport``: for a file of one session) the
    sport replace the file's; the description and gear go into the notes."""
    if activity.title:
        session.title = activity.title
    if activity.sport and sport:
        session.sport = activity.sport
    notes = [session.notes] if session.notes else []
    if activity.description:
        notes.append(activity.description)
    if activity.gear:
        notes.append(f"Gear: {activity.gear}")
    session.notes = "\n".join(notes)
