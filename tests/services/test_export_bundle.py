"""Bundles written before the ground was named ``surface`` still read: ``retrostride-bundle``
versions 2 and 3, ``retrostride-log`` and ``retrostride-account`` version 1, all of which name it
``terrain``; the current version writes ``surface`` only and refuses ``terrain``.
Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from retrostride.errors import InputError
from retrostride.log.model import Session
from retrostride.services import export_bundle
from retrostride.services import log as log_service
from retrostride.store.db import Database

OLD_LOG: dict[str, Any] = {
    "format": "retrostride-log",
    "version": 1,
    "exported_at": "2026-11-01T09:00:00+00:00",
    "person": {
        "name": "me", "home_time_zone": "Europe/Berlin", "height_m": 1.7, "birth_year": 1980,
        "sex": None, "body_mass": [{"on": "2026-01-01", "mass_kg": 70.0}],
    },
    "sessions": [
        {
            "id": 7, "sport": "walking", "sub_sport": None,
            "start_utc": "2026-10-30T07:00:00+00:00", "utc_offset_s": 3600,
            "offset_assumed": False, "imported_at": "2026-10-30T08:00:00+00:00",
            "elapsed_s": 1800.0, "moving_s": 1800.0, "distance_m": 1800.0,
            "setting": "overground", "terrain": "loose-sand", "device": None, "title": "Beach",
            "notes": "", "rpe": 4.0, "pain_before": None, "pain_after": None,
            "device_kcal": None, "energy_kcal": None, "energy_source": None,
            "energy_model_version": None, "group": None, "recovered": None,
            "warnings": [], "flags": [], "source": None, "samples": None,
            "segments": [
                {"start_offset_s": 0.0, "elapsed_s": 1800.0, "moving_s": 1800.0,
                 "distance_m": 1800.0, "direction": "backward", "speed_m_s": 1.0,
                 "grade_percent": 0.0, "load_kg": None, "sled_kg": None,
                 "heart_rate_bpm": None, "cadence_spm": None, "device_kcal": None},
            ],
        }
    ],
    "import_log": [],
}
"""A session as ``retrostride-log`` version 1 wrote it (the ground under ``terrain``)."""


def _restored_surface(db: Database, document: dict[str, Any], person: str) -> str | None:
    bundle = export_bundle.parse_bundle(json.loads(json.dumps(document)))
    report = export_bundle.restore_bundle(db, bundle, person)
    assert report.sessions == 1
    (session,) = log_service.list_sessions(db, person)
    return session.surface


@pytest.mark.parametrize("version", [2, 3])
def test_a_bundle_of_version_2_or_3_reads_its_terrain_as_surface(
    db: Database, version: int
) -> None:
    old = {"format": "retrostride-bundle", "version": version, "log": OLD_LOG}
    assert _restored_surface(db, old, "someone") == "loose-sand"


def test_a_log_and_an_account_file_of_version_1_read_their_terrain_as_surface(
    db: Database,
) -> None:
    assert _restored_surface(db, OLD_LOG, "from log v1") == "loose-sand"
    account = {
        "format": "retrostride-account", "version": 1,
        "account": {"email": "a@example.org", "display_name": "A", "role": "athlete"},
        "log": OLD_LOG,
    }
    assert _restored_surface(db, account, "from account v1") == "loose-sand"


def test_the_current_bundle_writes_surface_and_refuses_terrain(db: Database) -> None:
    log_service.add_session(
        db, Session(sport="walking", start_utc=None, elapsed_s=60.0, surface="swamp"), "me"
    )
    document = export_bundle.export_bundle(db, "me")
    assert document["version"] == export_bundle.FORMAT_VERSION == 4
    assert document["log"]["version"] == 2
    (session,) = document["log"]["sessions"]
    assert session["surface"] == "swamp" and "terrain" not in session
    assert "terrain" not in json.dumps(document)
    tampered = json.loads(json.dumps(document))
    tampered["log"]["sessions"][0]["terrain"] = tampered["log"]["sessions"][0].pop("surface")
    with pytest.raises(InputError, match="terrain"):
        export_bundle.parse_bundle(tampered)
