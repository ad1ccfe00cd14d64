"""A flagged device value is stored with its warning and never used for energy."""

from __future__ import annotations

from pathlib import Path

from retrostride.services import log
from retrostride.services.importing import Outcome, import_files
from retrostride.services.session_energy import ENERGY_FROM_DEVICE
from retrostride.store.db import Database


def test_an_impossible_device_kcal_is_stored_flagged_and_not_used(
    db: Database, tmp_path: Path
) -> None:
    points = "".join(
        f"<Trackpoint><Time>2024-05-01T10:{i // 60:02d}:{i % 60:02d}Z</Time>"
        f"<DistanceMeters>{i * 1.3}</DistanceMeters></Trackpoint>"
        for i in range(0, 2701, 10)
    )
    path = tmp_path / "walk.tcx"
    path.write_text(
        '<?xml version="1.0"?><TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        'TrainingCenterDatabase/v2"><Activities><Activity Sport="Walking"><Id>'
        '2024-05-01T10:00:00Z</Id><Lap StartTime="2024-05-01T10:00:00Z">'
        "<TotalTimeSeconds>2700</TotalTimeSeconds><DistanceMeters>3510</DistanceMeters>"
        f"<Calories>547469</Calories><Track>{points}</Track></Lap></Activity></Activities>"
        "</TrainingCenterDatabase>"
    )
    (result,) = import_files(db, [path]).results
    assert result.outcome is Outcome.IMPORTED
    assert any("547,469 kcal" in w for w in result.warnings)
    stored = log.get_session(db, result.session_ids[0])
    assert stored.device_kcal is None
    assert stored.energy_source != ENERGY_FROM_DEVICE
    assert any("547,469 kcal" in w and "flagged" in w for w in stored.warnings)
