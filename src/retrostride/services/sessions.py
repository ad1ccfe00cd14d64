"""Sessions as every surface shows them: a page of the list, one session's detail.

The one read path (``store.session_reads``) behind the API's list and detail, the pages and the
CLI's ``sessions`` and ``show``. Reads only (``Database.reading``: never the write lock).
The detail is the session's one JSON form (the export bundle's ``session_to_json`` layout):
:func:`session_detail_json` writes it for the API and the CLI's ``--json`` alike.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from retrostride.errors import InputError
from retrostride.log.listing import SessionFilter, SessionPage, SortKey
from retrostride.services import track_privacy
from retrostride.services.log import SessionNotFound
from retrostride.store import session_reads
from retrostride.store.db import Database
from retrostride.store.models import SessionRow

__all__ = [
    "SessionFilter",
    "SessionNotFound",
    "SessionPage",
    "SortKey",
    "all_session_details",
    "session_detail",
    "session_detail_json",
    "session_page",
    "sports_of",
]


def session_page(
    database: Database,
    person_id: int,
    *,
    limit: int,
    offset: int = 0,
    newest_first: bool = True,
    after: str | None = None,
    wanted: SessionFilter | None = None,
    sports: list[str] | None = None,
) -> SessionPage:
    """One page of the person's sessions, ordered by start then id; unknown starts last.
    ``after``: the previous page's ``next_after`` (an index seek: a deep page costs what the
    first does; an ``offset`` walks the index up to it).

    With ``wanted``: only the sessions matching it, ordered by its sort key (``newest_first``
    then means largest first), sessions lacking the key last, paged by ``offset`` (``after``
    is ignored). Raises ``InputError`` (field ``date_to``) when the date range is reversed.

    ``sports``: a list to fill, in the same read, with the sports of the person's log
    (:func:`sports_of`: what the list's sport filter offers).
    """
    _check(wanted)
    with database.reading() as db:
        conn = db.connection()
        page = _page(conn, person_id, limit, offset, newest_first, after, wanted)
        if sports is not None:
            sports[:] = session_reads.sports_of(conn, person_id)
        return page


def _check(wanted: SessionFilter | None) -> None:
    if (
        wanted is not None
        and wanted.date_from is not None
        and wanted.date_to is not None
        and wanted.date_to < wanted.date_from
    ):
        raise InputError(
            "date_to",
            wanted.date_to.isoformat(),
            f"a day on or after date_from ({wanted.date_from.isoformat()})",
        )


def _page(
    db: session_reads.Reader,
    person_id: int,
    limit: int,
    offset: int,
    newest_first: bool,
    after: str | None,
    wanted: SessionFilter | None,
) -> SessionPage:
    if wanted is not None:
        return session_reads.filtered_page(
            db, person_id, wanted, limit=limit, offset=offset, descending=newest_first
        )
    return session_reads.session_page(
        db, person_id, limit=limit, offset=offset, newest_first=newest_first, after=after
    )


def sports_of(database: Database, person_id: int) -> list[str]:
    """The sports in the person's log, alphabetical (what a sport filter offers)."""
    with database.reading() as db:
        return session_reads.sports_of(db, person_id)


def _privacy_zone(hide_m: float) -> session_reads.SamplesFilter | None:
    """Removes the positions within ``hide_m`` [m] of the track's ends (None: nothing to do)."""
    if hide_m <= 0:
        return None

    def hide(samples: dict[str, Any]) -> None:
        lat, lon = samples.get("latitude_deg"), samples.get("longitude_deg")
        if lat is None or lon is None:
            return
        samples["latitude_deg"], samples["longitude_deg"] = track_privacy.hide_positions(
            lat, lon, hide_m
        )

    return hide


def session_detail(
    database: Database,
    person_id: int,
    session_id: int,
    *,
    with_samples: bool = True,
    hide_track_ends_m: float = 0.0,
) -> dict[str, Any]:
    """The session as JSON-ready values (times ISO 8601, samples as lists, NaN as None);
    ``hide_track_ends_m``: a privacy zone [m] around the track's ends, for anyone but the
    athlete (``services.track_privacy``).

    Raises :class:`SessionNotFound` when the person has no such session.
    """
    with database.reading() as db:
        out = session_reads.session_detail(
            db, person_id, session_id, with_samples=with_samples,
            samples_filter=_privacy_zone(hide_track_ends_m),
        )
    if out is None:
        raise SessionNotFound(session_id)
    return out


def session_detail_json(
    database: Database,
    person_id: int,
    session_id: int,
    *,
    with_samples: bool = True,
    hide_track_ends_m: float = 0.0,
) -> bytes:
    """:func:`session_detail` as JSON bytes (UTF-8), the samples written straight from their
    arrays. Raises :class:`SessionNotFound` when the person has no such session."""
    with database.reading() as db:
        out = session_reads.session_detail_json(
            db, person_id, session_id, with_samples=with_samples,
            samples_filter=_privacy_zone(hide_track_ends_m),
        )
    if out is None:
        raise SessionNotFound(session_id)
    return out


def all_session_details(database: Database, person_id: int) -> list[dict[str, Any]]:
    """Every session of the person as :func:`session_detail` without samples, oldest start
    first, unknown starts last (the CLI's whole-log listing; a page should use
    :func:`session_page`)."""
    when = SessionRow.start_utc
    query = (
        select(SessionRow.id)
        .where(SessionRow.person_id == person_id)
        .order_by(when.is_(None), when, SessionRow.id)
    )
    with database.reading() as db:
        details = [
            session_reads.session_detail(db, person_id, int(i), with_samples=False)
            for i in db.scalars(query)
        ]
    return [d for d in details if d is not None]
