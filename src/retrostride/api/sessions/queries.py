"""Read queries of the session list and detail, on the read-only session (see api.database).

The list is one page query, one count and one query for the page's segment directions (no
N+1); the detail is the store's repository plus the log's export serialisation.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session as OrmSession

from retrostride.services.export import session_to_json
from retrostride.store import repository as repo
from retrostride.store.models import SegmentRow, SessionRow

_LIST_COLUMNS = (
    SessionRow.id,
    SessionRow.sport,
    SessionRow.sub_sport,
    SessionRow.start_utc,
    SessionRow.utc_offset_s,
    SessionRow.offset_assumed,
    SessionRow.imported_at,
    SessionRow.elapsed_s,
    SessionRow.moving_s,
    SessionRow.distance_m,
    SessionRow.setting,
    SessionRow.terrain,
    SessionRow.title,
    SessionRow.rpe,
    SessionRow.pain_before,
    SessionRow.pain_after,
    SessionRow.energy_kcal,
    SessionRow.energy_source,
    SessionRow.recovered,
)
_NAMES = tuple(c.key for c in _LIST_COLUMNS)


def direction_summary(directions: set[str]) -> str:
    """One direction for a session: its segments' common one, ``mixed``, or ``unknown``."""
    known = directions - {"unknown"}
    if not known:
        return "unknown"
    return next(iter(known)) if len(known) == 1 else "mixed"


def session_page(
    db: OrmSession, person_id: int, *, limit: int, offset: int, newest_first: bool
) -> dict[str, Any]:
    """One page of the person's sessions, ordered by start (unknown starts last), then id."""
    start = SessionRow.start_utc
    order = (
        (start.is_(None), start.desc(), SessionRow.id.desc())
        if newest_first
        else (start.is_(None), start.asc(), SessionRow.id.asc())
    )
    rows = db.execute(
        select(*_LIST_COLUMNS)
        .where(SessionRow.person_id == person_id)
        .order_by(*order)
        .limit(limit)
        .offset(offset)
    ).all()
    total = db.scalar(
        select(func.count()).select_from(SessionRow).where(SessionRow.person_id == person_id)
    )
    directions: dict[int, set[str]] = {}
    if rows:
        for session_id, direction in db.execute(
            select(SegmentRow.session_id, SegmentRow.direction)
            .where(SegmentRow.session_id.in_([r[0] for r in rows]))
            .distinct()
        ):
            directions.setdefault(session_id, set()).add(direction)
    items = []
    for r in rows:
        item = dict(zip(_NAMES, r, strict=True))
        item["recovered"] = item["recovered"] is not None
        item["direction"] = direction_summary(directions.get(r[0], set()))
        items.append(item)
    return {"items": items, "total": int(total or 0), "limit": limit, "offset": offset}


def session_detail(
    db: OrmSession, person_id: int, session_id: int, *, with_samples: bool
) -> dict[str, Any] | None:
    """The session as the export bundle writes it, or None when the person has no such session."""
    row = repo.get_session_row(db, person_id, session_id)
    if row is None:
        return None
    return session_to_json(repo.session_to_domain(db, row, with_samples=with_samples))
