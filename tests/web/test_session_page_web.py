"""A session's page: read once, and without the track's ends for anyone but the athlete (the
page's track and the GPX and TCX files of the session)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from lxml import etree
from sqlalchemy import event
from sqlalchemy.engine import Engine
from web_helpers import post_form, register, upload_fit

HIDE_M = 200.0
"""The default privacy zone [m] (services.track_privacy.DEFAULT_HIDE_M)."""
GPX = "{http://www.topografix.com/GPX/1/1}"
TCX = "{http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2}"


@contextmanager
def statements() -> Iterator[list[str]]:
    """Every SQL statement any engine runs inside the block."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", note)


def test_the_session_page_reads_the_session_once(browser: Any, shared_data: Path) -> None:
    register(browser, "ada@example.org")
    sid = upload_fit(browser, shared_data)
    browser.get(f"/athletes/me/sessions/{sid}")  # the first request warms every cache
    with statements() as seen:
        r = browser.get(f"/athletes/me/sessions/{sid}")
    assert r.status_code == 200 and "Track" in r.text and "Laps" in r.text

    def reads_of(table: str) -> list[str]:
        return [s for s in seen if re.search(rf"\bFROM {table}\b|\bJOIN {table}\b", s)]

    # one read model call: the session with its source file and samples, then its segments
    assert len(reads_of("session")) == 1, reads_of("session")
    assert len(reads_of("samples")) == 1, reads_of("samples")
    assert len(reads_of("segment")) == 1, reads_of("segment")
    assert len(reads_of("source_file")) == 1, reads_of("source_file")  # joined to the session


def _metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance [m] (mean Earth radius 6,371,008.8 m; Moritz 2000)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6_371_008.8 * math.asin(math.sqrt(min(1.0, a)))


def _gpx_points(data: bytes) -> list[tuple[float, float]]:
    root = etree.fromstring(data)
    return [(float(p.get("lat")), float(p.get("lon"))) for p in root.iter(f"{GPX}trkpt")]


def _tcx_points(data: bytes) -> tuple[int, list[tuple[float, float]]]:
    """(number of trackpoints, their positions)."""
    root = etree.fromstring(data)
    points = list(root.iter(f"{TCX}Trackpoint"))
    positions = [
        (float(p.findtext(f"{TCX}LatitudeDegrees") or "nan"),
         float(p.findtext(f"{TCX}LongitudeDegrees") or "nan"))
        for p in root.iter(f"{TCX}Position")
    ]
    return len(points), positions


def _track_points(html: str) -> int:
    """The number of points of the page's track (its first, whole polyline)."""
    track = html[html.index('<svg class="track"'):]
    found = re.search(r'<polyline points="([^"]*)"', track)
    assert found is not None
    return len(found.group(1).split())


def test_a_clinician_gets_the_track_without_its_ends(shared_track: Any) -> None:
    athlete, clinician = shared_track.athlete, shared_track.clinician
    sid, ada = shared_track.session_id, shared_track.athlete_id

    own_gpx = athlete.get(f"/api/athletes/me/sessions/{sid}/export?format=gpx")
    assert own_gpx.status_code == 200
    mine = _gpx_points(own_gpx.content)
    start, end = mine[0], mine[-1]

    def outside_the_zones(points: list[tuple[float, float]]) -> bool:
        return all(
            _metres(*p, *start) > HIDE_M and _metres(*p, *end) > HIDE_M for p in points
        )

    assert not outside_the_zones(mine)  # the athlete gets every point

    their_gpx = clinician.get(f"/api/athletes/{ada}/sessions/{sid}/export?format=gpx")
    assert their_gpx.status_code == 200
    theirs = _gpx_points(their_gpx.content)
    assert theirs and len(theirs) < len(mine) and outside_the_zones(theirs)

    own_n, own_positions = _tcx_points(
        athlete.get(f"/api/athletes/me/sessions/{sid}/export?format=tcx").content)
    their_n, their_positions = _tcx_points(
        clinician.get(f"/api/athletes/{ada}/sessions/{sid}/export?format=tcx").content)
    assert their_n == own_n  # every point's time and heart rate is kept
    assert not outside_the_zones(own_positions)
    assert their_positions and len(their_positions) < len(own_positions)
    assert outside_the_zones(their_positions)

    own_page = athlete.get(f"/athletes/me/sessions/{sid}")
    their_page = clinician.get(f"/athletes/{ada}/sessions/{sid}")
    assert own_page.status_code == 200 and their_page.status_code == 200
    assert _track_points(their_page.text) < _track_points(own_page.text)

    post_form(athlete, "/settings/track-privacy", {"hide_m": "0", "back": "/athletes/me/"})
    again = clinician.get(f"/api/athletes/{ada}/sessions/{sid}/export?format=gpx")
    assert _gpx_points(again.content) == mine
    assert _track_points(clinician.get(f"/athletes/{ada}/sessions/{sid}").text) == (
        _track_points(own_page.text))
