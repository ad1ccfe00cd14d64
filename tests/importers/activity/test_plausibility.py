"""Impossible totals in a file are flagged: taken out of the totals, named in a warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from fitmaker import UINT16, walk_fit
from retrostride.importers.activity import parse_activity_file
from retrostride.importers.activity.plausibility import check_totals
from retrostride.log.model import Segment, Session


def _tcx(sport: str, n_points: int, lap_s: float, lap_m: float, kcal: float) -> str:
    points = "".join(
        f"<Trackpoint><Time>2024-05-01T10:{i // 60:02d}:{i % 60:02d}Z</Time>"
        f"<DistanceMeters>{i * 1.5}</DistanceMeters></Trackpoint>"
        for i in range(n_points)
    )
    return (
        '<?xml version="1.0"?><TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        f'TrainingCenterDatabase/v2"><Activities><Activity Sport="{sport}"><Id>'
        '2024-05-01T10:00:00Z</Id><Lap StartTime="2024-05-01T10:00:00Z">'
        f"<TotalTimeSeconds>{lap_s}</TotalTimeSeconds><DistanceMeters>{lap_m}</DistanceMeters>"
        f"<Calories>{kcal}</Calories><Track>{points}</Track></Lap></Activity></Activities>"
        "</TrainingCenterDatabase>"
    )


def test_a_lap_with_half_a_million_kcal_is_flagged(tmp_path: Path) -> None:
    path = tmp_path / "ride.tcx"
    path.write_text(_tcx("Biking", 2701, 2700, 4050, 547469))
    parsed = parse_activity_file(path)
    (session,) = parsed.sessions
    assert session.device_kcal is None and session.segments[0].device_kcal is None
    assert session.elapsed_s == pytest.approx(2700.0, abs=1e-6)
    assert any("547,469 kcal is impossible" in w for w in session.warnings), session.warnings


def test_lap_totals_beyond_their_points_are_flagged(tmp_path: Path) -> None:
    """Lap totals 3,312 s and 18.7 km while the points span 142 s (132 m/s)."""
    path = tmp_path / "lap.tcx"
    path.write_text(_tcx("Running", 143, 3312, 18700, 300))
    (session,) = parse_activity_file(path).sessions
    assert session.elapsed_s == pytest.approx(142.0, abs=1e-6)
    assert session.moving_s is None and session.distance_m is None
    text = " ".join(session.warnings)
    assert "moving time of 3,312 s is impossible (longer than the elapsed 142 s)" in text
    assert "distance of 18,700 m is impossible (131.7 m/s" in text
    assert session.device_kcal == pytest.approx(300.0, abs=1e-9)  # 300 kcal in 142 s: possible


def test_moving_time_a_rounding_above_elapsed_is_clamped() -> None:
    session = Session(sport="running", start_utc=None, elapsed_s=1992.0, moving_s=1992.78)
    assert check_totals(session) == []
    assert session.moving_s == pytest.approx(1992.0, abs=1e-9)


def test_a_walk_faster_than_any_race_walk_is_flagged() -> None:
    session = Session(sport="walking", start_utc=None, elapsed_s=1000.0, distance_m=6000.0)
    session.segments = [Segment(0.0, elapsed_s=1000.0, distance_m=6000.0, speed_m_s=6.0)]
    warnings = check_totals(session)
    assert session.distance_m is None and session.segments[0].distance_m is None
    assert session.segments[0].speed_m_s is None
    assert len(warnings) == 3 and all("walking speed" in w for w in warnings)
    running = Session(sport="running", start_utc=None, elapsed_s=1000.0, distance_m=6000.0)
    assert check_totals(running) == [] and running.distance_m == pytest.approx(6000.0)


def test_fit_session_kcal_above_any_human_output_is_flagged(tmp_path: Path) -> None:
    path = tmp_path / "kcal.fit"
    path.write_bytes(walk_fit(n_records=271, step_s=10, session={11: (UINT16, 60000)}))
    (session,) = parse_activity_file(path).sessions
    assert session.device_kcal is None
    assert session.elapsed_s == pytest.approx(2700.0, abs=1e-6)
    assert any("60,000 kcal" in w and "25 MET" in w for w in session.warnings)
