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
    """One page of the person's sessions, ordered by start, then id; unknown starts last.

    Dated and undated sessions are read by two index-ordered queries (the index on
    ``(person_id, start_utc)``), so no request sorts the whole log.
    """
    mine = SessionRow.person_id == person_id
    total, dated = db.execute(
        select(func.count(), func.count(SessionRow.start_utc)).where(mine)
    ).one()
    direction = "desc" if newest_first else "asc"
    rows: list[Any] = []
    if offset < dated:
        rows = list(
            db.execute(
                select(*_LIST_COLUMNS)
                .where(mine, SessionRow.start_utc.is_not(None))
                .order_by(
                    getattr(SessionRow.start_utc, direction)(), getattr(SessionRow.id, direction)()
                )
                .limit(limit)
                .offset(offset)
            )
        )
    if len(rows) < limit and total > dated:
        rows += list(
            db.execute(
                select(*_LIST_COLUMNS)
                .where(mine, SessionRow.start_utc.is_(None))
                .order_by(getattr(SessionRow.id, direction)())
                .limit(limit - len(rows))
                .offset(max(0, offset - dated))
            )
        )
    directions: dict[int, set[str]] = {}
    if rows:
        for session_id, seg_direction in db.execute(
            select(SegmentRow.session_id, SegmentRow.direction)
            .where(SegmentRow.session_id.in_([r[0] for r in rows]))
            .distinct()
        ):
            directions.setdefault(session_id, set()).add(seg_direction)
    items = []
    for r in rows:
        item = dict(zip(_NAMES, r, strict=True))
        item["recovered"] = item["recovered"] is not None
        item["direction"] = direction_summary(directions.get(r[0], set()))
        items.append(item)
    return {"items": items, "total": int(total), "limit": limit, "offset": offset}


def session_detail(
    db: OrmSession, person_id: int, session_id: int, *, with_samples: bool
) -> dict[str, Any] | None:
    """The session as the export bundle writes it, or None when the person has no such session."""
    row = repo.get_session_row(db, person_id, session_id)
    if row is None:
        return None
    return session_to_json(repo.session_to_domain(db, row, with_samples=with_samples))
