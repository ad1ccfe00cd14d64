"""The request's database: the open :class:`Database`, a writable ORM session and a read-only one.

The connections and their rules (writes ``BEGIN IMMEDIATE`` on SQLite, reads never the write
lock) live in :mod:`retrostride.services.database`; these are only FastAPI's dependencies.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session as OrmSession

from retrostride.services.database import Database


async def database(request: Request) -> Database:
    """The application's open database (async: no I/O, so no thread-pool hop)."""
    db: Database = request.app.state.database
    return db


def db_session(request: Request) -> Iterator[OrmSession]:
    """A writable ORM session; routers commit what they change, the rest is rolled back."""
    with request.app.state.database.sessions() as session:
        yield session


async def read_session(request: Request) -> AsyncIterator[OrmSession]:
    """A read-only ORM session (``Database.reading``: never blocks on, nor blocks, a writer).

    Async on purpose: creating a session does no I/O (it connects on first use, in whichever
    thread the work runs) and closing one only hands its connection back to the pool, so this
    saves two thread-pool hops per request.
    """
    db: Database = request.app.state.database
    with db.reading() as session:
        yield session


def read_engine(request: Request) -> Engine:
    """The read-only engine (connections as :func:`read_session`'s, without an ORM session)."""
    db: Database = request.app.state.database
    return db.read_engine


Db = Annotated[OrmSession, Depends(db_session)]
ReadDb = Annotated[OrmSession, Depends(read_session)]
AppDatabase = Annotated[Database, Depends(database)]
