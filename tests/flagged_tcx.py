"""A made-up TCX run whose device values break physical limits (heart rate, cadence)."""

from __future__ import annotations


def flagged_run_tcx(n_points: int = 301, bad_heart_rate: int = 310, bad_every: int = 50) -> str:
    """A 300 s slow run at 1.3 m/s, heart rate 110 bpm except every ``bad_every``-th point
    (``bad_heart_rate``); the lap's average heart rate 320 bpm and cadence 400 (TCX's
    per-minute cadence) are impossible."""
    points = "".join(
        f"<Trackpoint><Time>2024-05-01T10:{i // 60:02d}:{i % 60:02d}Z</Time>"
        f"<DistanceMeters>{i * 1.3:.1f}</DistanceMeters>"
        f"<HeartRateBpm><Value>{bad_heart_rate if i % bad_every == 7 else 110}</Value>"
        "</HeartRateBpm></Trackpoint>"
        for i in range(n_points)
    )
    return (
        '<?xml version="1.0"?><TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        'TrainingCenterDatabase/v2"><Activities><Activity Sport="Running"><Id>'
        '2024-05-01T10:00:00Z</Id><Lap StartTime="2024-05-01T10:00:00Z">'
        f"<TotalTimeSeconds>{n_points - 1}</TotalTimeSeconds>"
        f"<DistanceMeters>{(n_points - 1) * 1.3:.1f}</DistanceMeters>"
        "<AverageHeartRateBpm><Value>320</Value></AverageHeartRateBpm>"
        f"<Cadence>400</Cadence><Track>{points}</Track></Lap></Activity></Activities>"
        "</TrainingCenterDatabase>"
    )
