"""A session written as GPX or TCX reads back, by gpxpy and by our own importer, with the
session's totals: elapsed time, distance, heart rate and cadence."""

from __future__ import annotations

import json
from pathlib import Path

import gpxpy
import numpy as np
import pytest
from typer.testing import CliRunner

from retrostride.cli import app
from retrostride.errors import InputError
from retrostride.importers.activity import parse_activity_file
from retrostride.log.model import Session
from retrostride.services import log
from retrostride.services.export_track import TrackFormat, export_session, write_session
from retrostride.services.importing import import_files
from retrostride.services.session_summary import summarise
from retrostride.store.db import Database

RUN = Path("activity") / "fit" / "activity-small-fenix2-run.fit"  # 47 min, 9.0 km, GPS, HR
TREADMILL = Path("activity") / "fit" / "elevate-treadmill.fit"  # no positions


def _stored(db: Database, path: Path) -> Session:
    (result,) = import_files(db, [path]).results
    return log.get_session(db, result.session_ids[0])


def _span(session: Session) -> float:
    assert session.samples is not None
    t = session.samples.time_s
    return float(np.nanmax(t) - np.nanmin(t))


def _read_back(tmp_path: Path, session: Session, fmt: TrackFormat) -> tuple[Session, bytes]:
    written = export_session_file(session, fmt, tmp_path)
    (back,) = parse_activity_file(written).sessions
    return back, written.read_bytes()


def export_session_file(session: Session, fmt: TrackFormat, folder: Path) -> Path:
    written = write_session(session, fmt)
    path = folder / written.name
    path.write_bytes(written.data)
    return path


def test_gpx_reads_back_with_the_same_totals(
    db: Database, shared_data: Path, tmp_path: Path
) -> None:
    stored = _stored(db, shared_data / RUN)
    written = export_session(db, stored.id or 0, TrackFormat.GPX)
    assert written.name == f"session-{stored.id}.gpx"
    peer = gpxpy.parse(written.data.decode("utf-8"))
    assert stored.samples is not None
    positioned = np.isfinite(stored.samples.latitude_deg).sum()  # type: ignore[arg-type]
    assert peer.get_points_no() == positioned
    assert peer.get_duration() == pytest.approx(_span(stored), abs=1.0)
    assert peer.tracks[0].type == "running"
    path = tmp_path / written.name
    path.write_bytes(written.data)
    (back,) = parse_activity_file(path).sessions
    assert back.sport == "running"
    assert back.elapsed_s == pytest.approx(_span(stored), abs=1.0)
    # positions only: the track's length, as gpxpy measures it (0.5 %), near the device's 1 %
    assert back.distance_m == pytest.approx(peer.length_2d(), rel=5e-3)
    assert back.distance_m == pytest.approx(stored.distance_m, rel=1e-2)
    mine, theirs = summarise(back), summarise(stored)
    assert mine.avg_heart_rate_bpm == pytest.approx(theirs.avg_heart_rate_bpm, abs=0.5)
    # cadence is written per leg in whole strides: within one step per minute
    assert mine.avg_cadence_spm == pytest.approx(theirs.avg_cadence_spm, abs=1.0)


def test_tcx_reads_back_with_the_same_totals(
    db: Database, shared_data: Path, tmp_path: Path
) -> None:
    stored = _stored(db, shared_data / RUN)
    back, data = _read_back(tmp_path, stored, TrackFormat.TCX)
    assert b'Sport="Running"' in data
    assert back.sport == "running"
    assert back.elapsed_s == pytest.approx(_span(stored), abs=1.0)
    assert back.distance_m == pytest.approx(stored.distance_m, abs=0.05)
    assert len(back.segments) == len(stored.segments) == 4
    for mine, theirs in zip(back.segments, stored.segments, strict=True):
        assert mine.distance_m == pytest.approx(theirs.distance_m, abs=0.05)
        assert mine.moving_s == pytest.approx(theirs.moving_s, abs=1e-3)
    assert back.samples is not None and stored.samples is not None
    assert len(back.samples) == len(stored.samples)
    mine, theirs = summarise(back), summarise(stored)
    assert mine.avg_heart_rate_bpm == pytest.approx(theirs.avg_heart_rate_bpm, abs=0.5)
    assert mine.avg_cadence_spm == pytest.approx(theirs.avg_cadence_spm, abs=1.0)


def test_a_session_without_positions_is_tcx_only(
    db: Database, shared_data: Path, tmp_path: Path
) -> None:
    stored = _stored(db, shared_data / TREADMILL)
    with pytest.raises(InputError, match="positions"):
        write_session(stored, TrackFormat.GPX)
    back, _ = _read_back(tmp_path, stored, TrackFormat.TCX)
    assert back.distance_m == pytest.approx(stored.distance_m, abs=0.05)
    assert back.moving_s == pytest.approx(stored.moving_s, abs=1e-3)


def test_a_session_entered_by_hand_has_no_track(db: Database) -> None:
    session = Session(sport="walking", start_utc=None, elapsed_s=600.0, distance_m=700.0)
    for fmt in TrackFormat:
        with pytest.raises(InputError):
            write_session(session, fmt)


def test_the_cli_writes_the_file(database_url: str, shared_data: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    url = ["--database", database_url]
    assert runner.invoke(app, ["import", str(shared_data / RUN), *url]).exit_code == 0
    sid = str(json.loads(runner.invoke(app, ["sessions", "--json", *url]).output)[0]["id"])
    target = tmp_path / "out.tcx"
    result = runner.invoke(
        app, ["export-session", sid, "--format", "tcx", "--output", str(target), *url]
    )
    assert result.exit_code == 0, result.output
    (back,) = parse_activity_file(target).sessions
    assert back.distance_m == pytest.approx(9008.22, abs=0.05)  # the fenix 2 run's 9.0 km
    bad = runner.invoke(app, ["export-session", "999", *url])
    assert bad.exit_code == 1 and "999" in bad.output
