"""Each session's direction kept on write: ``session.direction``, from its segments by the one
rule (:func:`retrostride.log.direction.session_direction`), in the transaction that changes them.

The session list filters and shows this column (indexed with the person and the start), so no
read computes a direction. ORM writes are seen by an ``after_flush`` listener: it notes the
sessions the flush added or changed and those whose segments it added, changed or deleted, then
reads those sessions' segment directions (one query per 500 sessions), applies the rule in Python
and writes the column (one ``UPDATE`` per session whose direction changed), before anything can
read or commit. Writers that bypass the ORM call :func:`refresh` themselves, or (``store.bulk``)
write the rule's value with the rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, bindparam, event, inspect, select, update
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm.attributes import set_committed_value

from retrostride.log.direction import session_direction
from retrostride.store.models import SegmentRow, SessionRow

_ses = SessionRow.__table__.c
_seg = SegmentRow.__table__.c
_CHUNK = 500
"""Session ids per statement (well under every backend's limit of bound parameters)."""

_SET = (
    update(SessionRow)
    .where(_ses.id == bindparam("sid"))
    .values(direction=bindparam("new_direction"))
)


def refresh(conn: Connection | OrmSession, session_ids: Iterable[int]) -> dict[int, str]:
    """Write the rule's direction of these sessions where it differs from the stored one;
    returns the sessions written with their new direction."""
    ids = sorted(set(session_ids))
    changed: dict[int, str] = {}
    for first in range(0, len(ids), _CHUNK):
        chunk = ids[first : first + _CHUNK]
        stored = dict(conn.execute(select(_ses.id, _ses.direction).where(_ses.id.in_(chunk))).all())
        seen: dict[int, list[str]] = defaultdict(list)
        for sid, direction in conn.execute(
            select(_seg.session_id, _seg.direction).where(_seg.session_id.in_(chunk))
        ):
            seen[int(sid)].append(str(direction))
        for sid, old in stored.items():
            new = session_direction(seen.get(int(sid), ())).value
            if new != old:
                changed[int(sid)] = new
    if changed:
        conn.execute(_SET, [{"sid": sid, "new_direction": d} for sid, d in changed.items()])
    return changed


KEEP = True
"""Whether the ORM listener keeps the column (a test switches it off to see its check fail)."""


@event.listens_for(OrmSession, "after_flush")
def _keep(db: OrmSession, _context: Any) -> None:
    if not KEEP:
        return
    touched: set[int] = set()
    for obj in db.new:  # a changed session's direction changes only with its segments
        if isinstance(obj, SessionRow) and obj.id is not None:
            touched.add(obj.id)
    for obj in (*db.new, *db.dirty, *db.deleted):
        if isinstance(obj, SegmentRow):  # its session now and any it was moved from
            history = inspect(obj).attrs.session_id.history
            touched.update(i for i in (obj.session_id, *history.deleted) if i is not None)
    if not touched:
        return
    changed = refresh(db.connection(), touched)
    for sid, direction in changed.items():  # the ORM's copy of the row says what was written
        row = db.identity_map.get(db.identity_key(SessionRow, sid))
        if isinstance(row, SessionRow):
            set_committed_value(row, "direction", direction)
