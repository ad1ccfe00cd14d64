"""Rows written by hand into a database at an old migration, for the upgrade tests: a person,
sessions and segments, in whichever columns that revision has (SQL literals by column)."""

from __future__ import annotations

from sqlalchemy import Connection, text

SESSION_DEFAULTS = {
    "person_id": "1",
    "sport": "'walking'",
    "offset_assumed": "false",
    "imported_at": "'2024-06-07 10:00:00'",
    "setting": "'overground'",
    "notes": "''",
    "warnings_json": "'[]'",
}
"""The columns every revision's session has, with the values the tests share."""


def add_person(conn: Connection, person_id: int = 1, name: str = "ana") -> None:
    conn.execute(
        text(
            "INSERT INTO person (id, name, home_time_zone, created_at) "
            "VALUES (:id, :name, 'UTC', '2024-01-01 00:00:00')"
        ),
        {"id": person_id, "name": name},
    )


def add_session(conn: Connection, session_id: int, **columns: str) -> None:
    """Session ``session_id``; ``columns``: SQL literals over :data:`SESSION_DEFAULTS`
    (``start_utc="'2024-05-01 10:00:00'"``, ``terrain="'road'"``, ``local_date=...``)."""
    values = SESSION_DEFAULTS | columns
    conn.execute(
        text(
            f"INSERT INTO session (id, {', '.join(values)}) "
            f"VALUES (:id, {', '.join(values.values())})"
        ),
        {"id": session_id},
    )


def add_segment(
    conn: Connection, session_id: int, direction: str = "backward", position: int = 0,
    segment_id: int | None = None,
) -> None:
    """A segment of ``session_id`` at ``position`` (its id chosen by the database unless
    ``segment_id``)."""
    names = "session_id, position, start_offset_s, direction"
    params: dict[str, object] = {"sid": session_id, "p": position, "d": direction}
    if segment_id is not None:
        names, params["id"] = f"id, {names}", segment_id
    conn.execute(
        text(f"INSERT INTO segment ({names}) VALUES ("
             f"{':id, ' if segment_id is not None else ''}:sid, :p, 0.0, :d)"),
        params,
    )
