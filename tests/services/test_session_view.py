"""services.session_view: a stored session and its view from one read of the read model, equal
to the session the log's ORM path loads; a privacy zone changes its positions only."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrostride.log.model import Samples
from retrostride.services import log, people
from retrostride.services.importing import import_files
from retrostride.services.session_view import Axis, session_view
from retrostride.store.db import Database

RUN = Path("activity") / "fit" / "activity-small-fenix2-run.fit"  # 47 min, 9.0 km, GPS, HR


def _same_samples(a: Samples | None, b: Samples | None) -> None:
    assert a is not None and b is not None
    assert set(a.channels()) == set(b.channels())
    for name, values in a.channels().items():  # stored arrays: bit for bit, NaN where missing
        np.testing.assert_array_equal(values, b.channels()[name], err_msg=name)


def test_the_view_reads_what_the_log_stores(db: Database, shared_data: Path) -> None:
    (result,) = import_files(db, [shared_data / RUN]).results
    sid = result.session_ids[0]
    pid = people.person_id(db, log.DEFAULT_PERSON)
    expected = log.get_session(db, sid)
    session, view = session_view(db, pid, sid, "km", Axis.DISTANCE)
    _same_samples(session.samples, expected.samples)
    expected.samples = session.samples = None
    assert session == expected  # every field, segments, source, warnings and flags
    assert view.series is not None and view.series.axis is Axis.DISTANCE
    assert view.track is not None and view.has_samples
    assert view.splits and view.summary.avg_speed_m_s == pytest.approx(
        expected.distance_m / (expected.moving_s or expected.elapsed_s), rel=0.05
    )
    with pytest.raises(log.SessionNotFound):
        session_view(db, pid + 1, sid, "km")  # another person's id: not found


def test_a_privacy_zone_changes_the_positions_only(db: Database, shared_data: Path) -> None:
    (result,) = import_files(db, [shared_data / RUN]).results
    sid = result.session_ids[0]
    pid = people.person_id(db, log.DEFAULT_PERSON)
    whole, whole_view = session_view(db, pid, sid, "km")
    zoned, zoned_view = session_view(db, pid, sid, "km", hide_track_ends_m=200.0)
    assert whole.samples is not None and zoned.samples is not None
    assert whole.samples.latitude_deg is not None and zoned.samples.latitude_deg is not None
    hidden = np.isfinite(whole.samples.latitude_deg) & ~np.isfinite(zoned.samples.latitude_deg)
    assert hidden[0] and hidden[-1] and 0 < hidden.sum() < hidden.size
    np.testing.assert_array_equal(zoned.samples.time_s, whole.samples.time_s)
    assert zoned_view.track is not None and whole_view.track is not None
    assert np.isfinite(zoned_view.track[1]).sum() < np.isfinite(whole_view.track[1]).sum()
    assert zoned_view.summary == whole_view.summary  # speed, HR, elevation: not positions
