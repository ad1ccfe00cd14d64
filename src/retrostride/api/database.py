"""The request's database sessions: a writable one, and a read-only one for lookups and lists.

On SQLite the store's engine starts every transaction with ``BEGIN IMMEDIATE`` (one writer at a
time, so that concurrent importers queue instead of failing). Reads must not take that lock: it
would serialise every request, and a lookup holding it would block the service call of the same
request. So authentication, the privacy policy and the list and detail views read through a
second engine whose connections are ``query_only`` and begin deferred transactions (WAL lets
them run beside a writer). On PostgreSQL the read engine's connections are read-only
(``default_transaction_read_only``) and in autocommit mode: each statement reads its own
snapshot, exactly as in a READ COMMITTED transaction, without a BEGIN and a ROLLBACK round trip
per request; they are not pinged before use (another round trip per request), so after the
database server restarts, the first request of each server process fails once (SQLAlchemy then
replaces the whole pool).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import sessionmaker

from retrostride.store.db import SQLITE_BUSY_TIMEOUT_MS, Database

READ_ONLY = "retrostride_read_only"
"""Key of the pool record's ``info`` (``Connection.info``) marking the read engine's connections:
what they see changes only through other connections' commits (see api.sessions.queries)."""


def _mark_read_only(_dbapi_connection: Any, record: Any) -> None:
    record.info[READ_ONLY] = True


def _reader_on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA query_only = ON")
    cursor.close()


def _reader_on_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN")  # deferred: a consistent snapshot without the write lock


READER_POOL_SIZE = 40
"""Connections of the read engine: as many as FastAPI's thread pool has threads (40), so that a
request never waits for a connection another waiting request holds."""


def reader_sessions(database: Database) -> sessionmaker[OrmSession]:
    """Read-only sessions on ``database`` (see the module's docstring)."""
    pool = {"pool_size": READER_POOL_SIZE, "max_overflow": 0, "pool_timeout": 60}
    engine: Engine
    if not database.is_sqlite:
        engine = create_engine(
            database.engine.url,
            isolation_level="AUTOCOMMIT",
            connect_args={"options": "-c default_transaction_read_only=on"},
            **pool,
        )
        event.listen(engine, "connect", _mark_read_only)
        return sessionmaker(engine, expire_on_commit=False)
    engine = create_engine(
        database.engine.url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **pool
    )
    event.listen(engine, "connect", _reader_on_connect)
    event.listen(engine, "connect", _mark_read_only)
    event.listen(engine, "begin", _reader_on_begin)
    return sessionmaker(engine, expire_on_commit=False)


def database(request: Request) -> Database:
    """The application's open database."""
    db: Database = request.app.state.database
    return db


def db_session(request: Request) -> Iterator[OrmSession]:
    """A writable ORM session; routers commit what they change, the rest is rolled back."""
    with request.app.state.database.sessions() as session:
        yield session


async def read_session(request: Request) -> AsyncIterator[OrmSession]:
    """A read-only ORM session (never blocks on, nor blocks, a writer).

    Async on purpose: creating a session does no I/O (it connects on first use, in whichever
    thread the work runs) and closing one only hands its connection back to the pool, so this
    saves two thread-pool hops per request.
    """
    session: OrmSession = request.app.state.read_sessions()
    try:
        yield session
    finally:
        session.close()


def read_engine(request: Request) -> Engine:
    """The read-only engine (connections as :func:`read_session`'s, without an ORM session)."""
    engine: Engine = request.app.state.read_sessions.kw["bind"]
    return engine


Db = Annotated[OrmSession, Depends(db_session)]
ReadDb = Annotated[OrmSession, Depends(read_session)]
AppDatabase = Annotated[Database, Depends(database)]
