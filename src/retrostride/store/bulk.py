"""Insert many sessions at once (Core statements, executemany): seeding, restores, big imports.

Sessions and their segments only (no samples, no source files); ``local_date`` and ``direction``
are written as the ORM's listeners write them (:func:`store.models.session_local_date`,
:func:`log.direction.session_direction`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session as OrmSession

from retrostride.log.direction import session_direction
from retrostride.log.model import Session
from retrostride.science.locomotion import Direction, Setting
from retrostride.store import records, totals
from retrostride.store.models import SegmentRow, SessionRow, session_local_date
from retrostride.store.repository import _SCALARS, flags_to_json

_SEGMENT_FIELDS = (
    "start_offset_s",
    "elapsed_s",
    "moving_s",
    "distance_m",
    "speed_m_s",
    "grade_percent",
    "load_kg",
    "sled_kg",
    "heart_rate_bpm",
    "cadence_spm",
    "device_kcal",
    "side_stepping_s",
)


def insert_sessions(
    db: OrmSession, person_id: int, sessions: Sequence[Session], imported_at: datetime
) -> list[int]:
    """Insert ``sessions`` of one person in one statement per table; their ids, in order."""
    if not sessions:
        return []
    rows: list[dict[str, Any]] = []
    for s in sessions:
        row = {name: getattr(s, name) for name in _SCALARS}
        row.update(
            person_id=person_id,
            imported_at=imported_at,
            setting=Setting(s.setting).value,
            warnings_json=json.dumps(list(s.warnings)),
            flags_json=flags_to_json(s.flags),
            local_date=session_local_date(s.start_utc, s.utc_offset_s, imported_at),
            direction=session_direction(seg.direction for seg in s.segments).value,
        )
        rows.append(row)
    statement = insert(SessionRow).returning(
        SessionRow.id, sort_by_parameter_order=True
    )
    ids = [int(i) for i in db.execute(statement, rows).scalars()]
    segments = [
        {
            "session_id": sid,
            "position": position,
            "direction": Direction(seg.direction).value,
            **{name: getattr(seg, name) for name in _SEGMENT_FIELDS},
        }
        for sid, s in zip(ids, sessions, strict=True)
        for position, seg in enumerate(s.segments)
    ]
    if segments:
        db.execute(insert(SegmentRow), segments)
    totals.refresh(db.connection(), person_id, {row["local_date"] for row in rows})
    records.mark(db, person_id, ids)  # Core inserts: the ORM's listeners do not see them
    return ids
