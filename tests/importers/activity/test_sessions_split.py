"""What makes a session: tracks on other days or hours apart, records past the summary,
lap start times that disagree with their points."""

from __future__ import annotations

from pathlib import Path

import pytest

from fitmaker import UINT32, walk_fit
from retrostride.importers.activity import parse_activity_file


def _track(name: str, day: int, hour: int, n: int = 10) -> str:
    points = "".join(
        f'<trkpt lat="{46 + 0.001 * i:.3f}" lon="14.5">'
        f"<time>2024-05-{day:02d}T{hour:02d}:{i:02d}:00Z</time></trkpt>"
        for i in range(n)
    )
    return f"<trk><name>{name}</name><type>hiking</type><trkseg>{points}</trkseg></trk>"


def _gpx(*tracks: str) -> str:
    return (
        '<?xml version="1.0"?><gpx version="1.1" creator="t" '
        'xmlns="http://www.topografix.com/GPX/1/1">' + "".join(tracks) + "</gpx>"
    )


STEP_M = 111.2  # 0.001 degree of latitude [m] (haversine, mean Earth radius)


def test_tracks_of_three_days_are_three_sessions_in_any_order(tmp_path: Path) -> None:
    path = tmp_path / "three-days.gpx"
    path.write_text(_gpx(_track("Day 2", 2, 9), _track("Day 1", 1, 9), _track("Day 3", 3, 9)))
    parsed = parse_activity_file(path, home_time_zone="UTC")
    assert [s.title for s in parsed.sessions] == ["Day 1", "Day 2", "Day 3"]
    for day, session in enumerate(parsed.sessions, start=1):
        assert session.start_utc is not None and session.start_utc.day == day
        assert session.elapsed_s == pytest.approx(540.0, abs=1e-6)
        assert session.distance_m == pytest.approx(9 * STEP_M, rel=2e-3)
        assert session.group is None  # separate walks, not parts of one activity
    assert not any("backwards" in w for w in parsed.warnings)


@pytest.mark.parametrize(
    ("second", "expected"),
    [
        (_track("b", 1, 10), 1),  # same morning, 51 min after the first ended
        (_track("b", 1, 14), 2),  # same day, more than 3 h later
    ],
)
def test_tracks_hours_apart_split(tmp_path: Path, second: str, expected: int) -> None:
    path = tmp_path / "day.gpx"
    path.write_text(_gpx(_track("a", 1, 9), second))
    assert len(parse_activity_file(path, home_time_zone="UTC").sessions) == expected


def test_a_track_starting_after_local_midnight_is_another_session(tmp_path: Path) -> None:
    path = tmp_path / "night.gpx"
    # 22:00-22:09 UTC and 00:00 UTC: in Ljubljana (UTC+2 in May) 00:00 and 02:00, the same
    # local date, and only 1 h 51 min apart: one session; in UTC another date: two.
    path.write_text(_gpx(_track("a", 1, 22), _track("b", 2, 0)))
    assert len(parse_activity_file(path, home_time_zone="UTC").sessions) == 2
    assert len(parse_activity_file(path, home_time_zone="Europe/Ljubljana").sessions) == 1


def test_records_past_the_session_message_decide_elapsed_and_distance(tmp_path: Path) -> None:
    """The summary stops 15 min early and has no distance; the records run on."""
    path = tmp_path / "early.fit"
    n, step = 100, 30  # 2970 s, 1.2 m/s
    path.write_bytes(
        walk_fit(n_records=n, step_s=step, session={7: (UINT32, 2070_000), 9: (UINT32, -1)})
    )
    parsed = parse_activity_file(path)
    (session,) = parsed.sessions
    assert session.elapsed_s == pytest.approx(2970.0, abs=1e-6)
    assert session.distance_m == pytest.approx(2970 * 1.2, abs=0.01)
    assert any("records run to 2970 s" in w for w in parsed.warnings)


def test_a_summary_that_agrees_with_its_records_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "fine.fit"
    path.write_bytes(walk_fit(n_records=100, step_s=30))
    parsed = parse_activity_file(path)
    assert parsed.sessions[0].elapsed_s == pytest.approx(2970.0, abs=1e-6)
    assert not any("records r" in w for w in parsed.warnings)


def _tcx(lap_start: str) -> str:
    points = "".join(
        f"<Trackpoint><Time>2024-05-01T10:0{i}:00Z</Time><DistanceMeters>{i * 60}"
        "</DistanceMeters></Trackpoint>"
        for i in range(5)
    )
    return (
        '<?xml version="1.0"?><TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        'TrainingCenterDatabase/v2"><Activities><Activity Sport="Running"><Id>2024-05-01T10:00:00Z'
        f'</Id><Lap StartTime="{lap_start}"><TotalTimeSeconds>240</TotalTimeSeconds>'
        f"<DistanceMeters>240</DistanceMeters><Track>{points}</Track></Lap></Activity>"
        "</Activities></TrainingCenterDatabase>"
    )


def test_a_lap_start_hours_from_its_points_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "offset.tcx"
    path.write_text(_tcx("2024-05-01T03:52:00Z"))
    parsed = parse_activity_file(path)
    assert any("6 h 08 min apart" in w for w in parsed.warnings), parsed.warnings
    assert parsed.sessions[0].elapsed_s == pytest.approx(240.0, abs=1e-6)
    path.write_text(_tcx("2024-05-01T09:59:30Z"))  # 30 s: within a minute, not reported
    assert not any("apart" in w for w in parse_activity_file(path).warnings)
