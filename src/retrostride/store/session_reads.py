"""The read model of sessions: one page of a person's list, one session's detail.

The one read path for session lists and details: ``services.sessions`` exposes it and the API,
the pages and the CLI all show what it returns. It runs on a read-only connection
(``Database.reading``) or, for a writer that must see its own changes, any connection.

Hot paths: the statements are built once, here, with bound parameters, so SQLAlchemy finds
their compiled form in its cache without rebuilding a statement per request, and they select
columns of the tables (Core), so no ORM object is loaded. The list is one count, one or two
index-ordered page queries on ``(person_id, start_utc)``; each row's direction is the
session's ``direction`` column, kept on write (``store.directions``), so a direction filter is
an index range of ``(person_id, direction, start_utc)``; the detail is two queries (the session
with its source file and samples blob, then its segments), serialised as the log's export
bundle writes a session.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import (
    Connection,
    Select,
    Text,
    bindparam,
    cast,
    func,
    select,
    tuple_,
)
from sqlalchemy.orm import Session as OrmSession

from retrostride.errors import InputError
from retrostride.log.listing import SessionFilter, SessionPage, SessionSummary, SortKey
from retrostride.log.model import (
    SEGMENT_FIELDS,
    SESSION_FIELDS,
    Flag,
    Samples,
    Segment,
    Session,
    SourceFile,
)
from retrostride.science.locomotion import Direction, Setting
from retrostride.store.db import READ_ONLY
from retrostride.store.models import (
    PeriodTotalRow,
    SamplesRow,
    SegmentRow,
    SessionRow,
    SourceFileRow,
)
from retrostride.store.samples import decode_samples

Reader = OrmSession | Connection
"""Where the queries run: an ORM session or a Core connection (the API's hot routes)."""

_session = SessionRow.__table__.c
_segment = SegmentRow.__table__.c
_source = SourceFileRow.__table__.c
_samples = SamplesRow.__table__.c

_LIST_COLUMNS = (
    _session.id,
    _session.sport,
    _session.sub_sport,
    _session.start_utc,
    _session.utc_offset_s,
    _session.offset_assumed,
    _session.imported_at,
    _session.elapsed_s,
    _session.moving_s,
    _session.distance_m,
    _session.setting,
    _session.surface,
    _session.title,
    _session.rpe,
    _session.pain_before,
    _session.pain_after,
    _session.energy_kcal,
    _session.energy_source,
    _session.recovered,
    _session.direction,
)
_NAMES = tuple(c.key for c in _LIST_COLUMNS)
_N = len(_NAMES)


_SNAPSHOT = cast(func.pg_current_snapshot(), Text)
"""PostgreSQL: the snapshot a statement reads (equal snapshots see equal data)."""


def _page_query(*, dated: bool, descending: bool, snapshot: bool, after: bool) -> Select[Any]:
    """A page of dated or undated rows; ``after``: only rows past the cursor's (start, id).

    The page's keys are chosen first (an index-ordered scan of the index alone that skips
    ``offset`` rows), then only the page's rows are read."""

    def order(column: Any) -> Any:
        return column.desc() if descending else column.asc()

    def past(row: Any, cursor: Any) -> Any:
        return row < cursor if descending else row > cursor

    keys = select(_session.id.label("key_id"), _session.start_utc.label("key_start"))
    if dated:
        keys = keys.where(
            _session.person_id == bindparam("person_id"), _session.start_utc.is_not(None)
        ).order_by(order(_session.start_utc), order(_session.id))
        if after:
            start = bindparam("after_start", type_=_session.start_utc.type)
            keys = keys.where(
                past(tuple_(_session.start_utc, _session.id), tuple_(start, bindparam("after_id")))
            )
    else:
        keys = keys.where(
            _session.person_id == bindparam("person_id"), _session.start_utc.is_(None)
        ).order_by(order(_session.id))
        if after:
            keys = keys.where(past(_session.id, bindparam("after_id")))
    page = keys.limit(bindparam("limit")).offset(bindparam("offset")).subquery("page_keys")
    extra = (_SNAPSHOT,) if snapshot else ()
    query = select(*_LIST_COLUMNS, *extra)
    query = query.join_from(SessionRow.__table__, page, page.c.key_id == _session.id)
    if dated:
        return query.order_by(order(page.c.key_start), order(page.c.key_id))
    return query.order_by(order(page.c.key_id))


_PAGES = {
    (snapshot, dated, descending, after): _page_query(
        dated=dated, descending=descending, snapshot=snapshot, after=after
    )
    for snapshot in (True, False)
    for dated in (True, False)
    for descending in (True, False)
    for after in (True, False)
}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def cursor(start_utc: datetime | None, session_id: int) -> str:
    """The cursor after a session: ``d<start in microseconds since 1970 UTC>_<id>`` for a dated
    session, ``u<id>`` for one of unknown start."""
    if start_utc is None:
        return f"u{session_id}"
    micros = (start_utc - _EPOCH) // timedelta(microseconds=1)
    return f"d{micros}_{session_id}"


def cursor_of(row: SessionSummary) -> str:
    """The cursor after ``row`` (see :func:`cursor`)."""
    return cursor(row.start_utc, row.id)


def parse_cursor(text: str) -> tuple[datetime | None, int]:
    """(start, id) of a cursor from :func:`cursor_of`; :class:`InputError` for anything else."""
    match = re.fullmatch(r"d(-?\d{1,16})_(\d{1,18})|u(\d{1,18})", text)
    if match is None:
        raise InputError("after", text, "a cursor from a page's next_after, like d1714548600_12")
    if match.group(3) is not None:
        return None, int(match.group(3))
    return _EPOCH + timedelta(microseconds=int(match.group(1))), int(match.group(2))
_COUNT = select(func.count()).where(_session.person_id == bindparam("person_id"))
_totals = PeriodTotalRow.__table__.c
_KEPT_COUNT = select(func.coalesce(func.sum(_totals.sessions), 0)).where(
    _totals.person_id == bindparam("person_id"), _totals.kind == "month"
)
"""The person's sessions counted from the month totals kept on write (``store.totals``: every
session counts in the month of its ``local_date``): one index range of a row a month, not
one entry a session."""
_KEPT_COUNT_WITH_SNAPSHOT = select(func.coalesce(func.sum(_totals.sessions), 0), _SNAPSHOT).where(
    _totals.person_id == bindparam("person_id"), _totals.kind == "month"
)
_COUNT_UNDATED = select(func.count()).where(
    _session.person_id == bindparam("person_id"), _session.start_utc.is_(None)
)
_CURSOR_ROW = tuple_(
    bindparam("after_start", type_=_session.start_utc.type), bindparam("after_id")
)
_COUNT_DATED_PAST = {
    descending: select(func.count()).where(
        _session.person_id == bindparam("person_id"),
        _session.start_utc.is_not(None),
        (tuple_(_session.start_utc, _session.id) < _CURSOR_ROW)
        if descending
        else (tuple_(_session.start_utc, _session.id) > _CURSOR_ROW),
    )
    for descending in (True, False)
}

COUNT_CACHE_SIZE = 1024
"""People whose session count a cache remembers (then it starts afresh)."""
_PG_COUNTS: dict[tuple[str, int], tuple[str, int]] = {}
"""PostgreSQL: (database URL, person id) -> (snapshot, count), for the whole process."""


def _sqlite_data_version(conn: Connection) -> int:
    """SQLite's ``PRAGMA data_version`` of the connection's open read transaction: it changes
    when another connection commits (the read engine's connections never write)."""
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute("PRAGMA data_version")
        row = cursor.fetchone()
        assert row is not None
        return int(row[0])
    finally:
        cursor.close()


def _session_count(conn: Connection, person_id: int, snapshot: str | None) -> int:
    """The person's number of sessions, remembered for as long as the data is unchanged.

    Read connections sum the month totals kept on write (:data:`_KEPT_COUNT`: a row a month);
    a count of the sessions visits one index entry a session (100,000 cost 5-15 ms on
    PostgreSQL), and the token that lets a count be reused changes with any commit anywhere:
    on PostgreSQL the cluster's snapshot (``snapshot`` is the page query's one; kept per
    process), which other databases of the same server move several times a second; on
    SQLite the connection's ``data_version`` within its read transaction, per connection. An
    equal token means equal data, so the total is exact. A connection that may write (and
    sees its own changes) counts the sessions themselves.
    """
    params = {"person_id": person_id}
    if not conn.info.get(READ_ONLY):  # a connection that may write sees its own changes
        return int(conn.execute(_COUNT, params).scalar_one())
    if conn.dialect.name == "postgresql":
        key = (str(conn.engine.url), person_id)
        hit = _PG_COUNTS.get(key)
        if snapshot is not None and hit is not None and hit[0] == snapshot:
            return hit[1]
        total, counted_at = conn.execute(_KEPT_COUNT_WITH_SNAPSHOT, params).one()
        if len(_PG_COUNTS) >= COUNT_CACHE_SIZE:
            _PG_COUNTS.clear()
        _PG_COUNTS[key] = (str(counted_at), int(total))
        return int(total)
    if conn.dialect.name != "sqlite":
        return int(conn.execute(_COUNT, params).scalar_one())
    version = _sqlite_data_version(conn)  # in the transaction the page query opened
    cache: dict[int, tuple[int, int]] = conn.info.setdefault("retrostride_counts", {})
    hit_sqlite = cache.get(person_id)
    if hit_sqlite is not None and hit_sqlite[0] == version:
        return hit_sqlite[1]
    total = int(conn.execute(_KEPT_COUNT, params).scalar_one())
    if len(cache) >= COUNT_CACHE_SIZE:
        cache.clear()
    cache[person_id] = (version, total)
    return total


_RECOVERED = _NAMES.index("recovered")


def _summary(row: Any) -> SessionSummary:
    values = list(row[:_N])
    values[_RECOVERED] = values[_RECOVERED] is not None
    return SessionSummary(*values)


def session_page(
    db: Reader,
    person_id: int,
    *,
    limit: int,
    offset: int,
    newest_first: bool,
    after: str | None = None,
) -> SessionPage:
    """One page of the person's sessions, ordered by start, then id; unknown starts last.

    Dated and undated sessions are read by index-ordered queries (the index on
    ``(person_id, start_utc)``), so no request sorts the whole log; the total is counted only
    when the data changed (see :func:`_session_count`), the undated sessions (an index range,
    usually empty) only when the page reaches past the dated ones. ``after`` (a cursor, the
    previous page's ``next_after``) starts the page past that row by an index seek; ``offset``
    then skips rows after it (usually 0). Without a cursor the offset walks the index from the
    start, so a deep page costs in proportion to its offset.
    """
    conn = db.connection() if isinstance(db, OrmSession) else db
    snapshot = conn.dialect.name == "postgresql"
    params: dict[str, Any] = {"person_id": person_id, "limit": limit, "offset": offset}
    if after is not None:
        start, params["after_id"] = parse_cursor(after)
        params["after_start"] = start
    rows: list[Any] = []
    if after is None or params["after_start"] is not None:
        rows = list(conn.execute(_PAGES[snapshot, True, newest_first, after is not None], params))
    total = _session_count(conn, person_id, str(rows[0][-1]) if snapshot and rows else None)
    if len(rows) < limit and (after is not None or offset + len(rows) < total):
        undated = int(conn.execute(_COUNT_UNDATED, {"person_id": person_id}).scalar_one())
        if undated:
            params["limit"] = limit - len(rows)
            in_undated = after is not None and params["after_start"] is None
            if after is None:
                params["offset"] = max(0, offset - (total - undated))
            elif not in_undated and offset:  # the offset counts the dated rows past the cursor
                past = conn.execute(_COUNT_DATED_PAST[newest_first], params).scalar_one()
                params["offset"] = max(0, offset - int(past))
            elif not in_undated:
                params["offset"] = 0
            rows += list(conn.execute(_PAGES[snapshot, False, newest_first, in_undated], params))
    items = [_summary(r) for r in rows]
    more = len(items) == limit and (after is not None or offset + limit < total)
    return SessionPage(items, total, limit, offset, cursor_of(items[-1]) if more else None)


# ------------------------------------------------------------------ filtered and sorted lists

DURATION = func.coalesce(_session.moving_s, _session.elapsed_s)
"""The list's duration: moving time where known, else elapsed time [s]."""


def _filter_conditions(person_id: int, wanted: SessionFilter) -> list[Any]:
    """The WHERE conditions of ``wanted`` (one person's sessions)."""
    conditions: list[Any] = [_session.person_id == person_id]
    if wanted.sport is not None:
        conditions.append(_session.sport == wanted.sport)
    if wanted.setting is not None:
        conditions.append(_session.setting == wanted.setting.value)
    if wanted.date_from is not None:
        conditions.append(_session.local_date >= wanted.date_from)
    if wanted.date_to is not None:
        conditions.append(_session.local_date <= wanted.date_to)
    if wanted.direction is not None:  # kept on write (store.directions)
        conditions.append(_session.direction == wanted.direction.value)
    return conditions


def _sort_columns(wanted: SessionFilter, descending: bool) -> list[Any]:
    """ORDER BY: the key with missing values last, then the id in the same direction."""
    key = {
        SortKey.DATE: _session.start_utc,
        SortKey.DURATION: DURATION,
        SortKey.DISTANCE: _session.distance_m,
    }[wanted.sort]
    ordered = key.desc() if descending else key.asc()
    return [key.is_(None), ordered, _session.id.desc() if descending else _session.id.asc()]


def filtered_page(
    db: Reader,
    person_id: int,
    wanted: SessionFilter,
    *,
    limit: int,
    offset: int,
    descending: bool,
) -> SessionPage:
    """One page of the person's sessions matching ``wanted``, ordered by its sort key.

    One count and one page query, both in SQL on the person's rows (the index on
    ``(person_id, local_date)`` serves a date range, the one on ``(person_id, direction,
    start_utc)`` a direction by date); the page's keys are chosen first (by date: from the index
    alone), then only the page's rows are fetched.
    """
    if wanted.is_plain:
        return session_page(db, person_id, limit=limit, offset=offset, newest_first=descending)
    conn = db.connection() if isinstance(db, OrmSession) else db
    conditions = _filter_conditions(person_id, wanted)
    total = int(conn.execute(select(func.count()).where(*conditions)).scalar_one())
    order = _sort_columns(wanted, descending)
    keys = (
        select(_session.id.label("key_id"))
        .where(*conditions)
        .order_by(*order)
        .limit(limit)
        .offset(offset)
        .subquery("page_keys")
    )
    query = (
        select(*_LIST_COLUMNS)
        .join_from(SessionRow.__table__, keys, keys.c.key_id == _session.id)
        .order_by(*order)
    )
    return SessionPage([_summary(r) for r in conn.execute(query)], total, limit, offset)


def _sports_query() -> Any:
    """The person's distinct sports by a loose index scan of ``ix_session_person_sport``: the
    smallest sport, then repeatedly the smallest one above the last (one index seek per sport,
    however many sessions; a ``DISTINCT`` visits every session of the person)."""
    mine = _session.person_id == bindparam("person_id")
    found = select(func.min(_session.sport).label("sport")).where(mine).cte(
        "sports", recursive=True
    )
    after = select(func.min(_session.sport)).where(mine, _session.sport > found.c.sport)
    found = found.union_all(
        select(after.scalar_subquery()).where(found.c.sport.is_not(None))
    )
    return select(found.c.sport).where(found.c.sport.is_not(None))


_SPORTS = _sports_query()


def sports_of(db: Reader, person_id: int) -> list[str]:
    """The sports of the person's log, in alphabetical order (the list's sport filter)."""
    return sorted(str(s) for s in db.execute(_SPORTS, {"person_id": person_id}).scalars())


# ----------------------------------------------------------------------------- one session

_DETAIL_COLUMNS = tuple(
    _session.group_key.label("group") if name == "group" else _session[name]
    for name in SESSION_FIELDS
)
_DETAIL = (
    select(
        *_DETAIL_COLUMNS,
        _session.warnings_json,
        _session.flags_json,
        _source.name,
        _source.format,
        _source.sha256,
        _source.size_bytes,
        _samples.n_points,
        _samples.channels,
        _samples.codec,
        _samples.data,
    )
    .select_from(SessionRow.__table__)
    .outerjoin(SourceFileRow.__table__, _source.id == _session.source_file_id)
    .outerjoin(SamplesRow.__table__, _samples.session_id == _session.id)
    .where(_session.id == bindparam("session_id"), _session.person_id == bindparam("person_id"))
)
_DETAIL_NO_SAMPLES = (
    select(
        *_DETAIL_COLUMNS,
        _session.warnings_json,
        _session.flags_json,
        _source.name,
        _source.format,
        _source.sha256,
        _source.size_bytes,
    )
    .select_from(SessionRow.__table__)
    .outerjoin(SourceFileRow.__table__, _source.id == _session.source_file_id)
    .where(_session.id == bindparam("session_id"), _session.person_id == bindparam("person_id"))
)
_SEGMENTS = (
    select(*(_segment[name] for name in SEGMENT_FIELDS))
    .where(_segment.session_id == bindparam("session_id"))
    .order_by(_segment.position)
)
_NS = len(SESSION_FIELDS)


def _value(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _detail(
    db: Reader, person_id: int, session_id: int, with_samples: bool
) -> dict[str, Any] | None:
    """The session's detail with numpy sample arrays (NaN kept), or None."""
    params = {"session_id": session_id, "person_id": person_id}
    row = db.execute(_DETAIL if with_samples else _DETAIL_NO_SAMPLES, params).first()
    if row is None:
        return None
    out: dict[str, Any] = {
        name: _value(value) for name, value in zip(SESSION_FIELDS, row[:_NS], strict=True)
    }
    out["warnings"] = list(json.loads(row[_NS]))
    out["flags"] = list(json.loads(row[_NS + 1] or "[]"))
    name, fmt, sha256, size_bytes = row[_NS + 2 : _NS + 6]
    out["source"] = (
        None
        if name is None
        else {"name": name, "format": fmt, "sha256": sha256, "size_bytes": size_bytes}
    )
    out["segments"] = [
        {name: _value(v) for name, v in zip(SEGMENT_FIELDS, seg, strict=True)}
        for seg in db.execute(_SEGMENTS, {"session_id": session_id})
    ]
    samples = None
    if with_samples and row[_NS + 6] is not None:
        n_points, channels, codec, data = row[_NS + 6 : _NS + 10]
        samples = decode_samples(n_points, channels, codec, data).channels()
    out["samples"] = samples
    return out


def session_of(db: Reader, person_id: int, session_id: int) -> Session | None:
    """The stored session as the domain's :class:`Session`, samples decoded, read by the same
    two queries as :func:`session_detail` (a page that shows a session reads it once); None when
    the person has no such session."""
    out = _detail(db, person_id, session_id, True)
    if out is None:
        return None
    fields = {name: out[name] for name in SESSION_FIELDS}
    fields["setting"] = Setting(fields["setting"])
    return Session(
        **fields,
        segments=[
            Segment(**{**seg, "direction": Direction(seg["direction"])})
            for seg in out["segments"]
        ],
        samples=None if out["samples"] is None else Samples(**out["samples"]),
        source=None if out["source"] is None else SourceFile(**out["source"]),
        warnings=out["warnings"],
        flags=[Flag.from_dict(f) for f in out["flags"]],
    )


SamplesFilter = Callable[[dict[str, Any]], None]
"""Changes a session's sample arrays in place before they are written (a privacy zone)."""


def session_detail(
    db: Reader,
    person_id: int,
    session_id: int,
    *,
    with_samples: bool,
    samples_filter: SamplesFilter | None = None,
) -> dict[str, Any] | None:
    """The session as the log's export bundle writes it (``services.export.session_to_json``:
    times as ISO 8601 text, samples as lists with NaN as None), or None when the person has no
    such session."""
    out = _detail(db, person_id, session_id, with_samples)
    if out is None:
        return None
    if samples_filter is not None and out["samples"] is not None:
        samples_filter(out["samples"])
    for name in ("start_utc", "imported_at"):
        value = out[name]
        if isinstance(value, datetime):
            out[name] = value.isoformat()
    if out["samples"] is not None:
        out["samples"] = {
            name: [None if v != v else v for v in values.tolist()]
            for name, values in out["samples"].items()
        }
    return out


def session_detail_json(
    db: Reader,
    person_id: int,
    session_id: int,
    *,
    with_samples: bool,
    samples_filter: SamplesFilter | None = None,
) -> bytes | None:
    """:func:`session_detail` as JSON bytes, the samples written straight from their arrays by
    orjson (NaN as null), or None when the person has no such session."""
    out = _detail(db, person_id, session_id, with_samples)
    if out is None:
        return None
    if samples_filter is not None and out["samples"] is not None:
        samples_filter(out["samples"])
    return orjson.dumps(out, option=orjson.OPT_SERIALIZE_NUMPY)
