"""The database: one declarative ``Base``, the URL, and opening with migrations applied.

For engineers adding tables (programs, gait): import :class:`Base` from here and reference the
person table as ``ForeignKey("person.id", ondelete="CASCADE")``. ``Base``, the table name
``person`` and its integer primary key ``id`` are stable. Add your Alembic revision to
``retrostride/store/migrations/versions/`` chained after ``0001_log`` (``down_revision =
"0001_log"``); :func:`open_database` applies every revision automatically.

SQLite (the default, a file in the user's data directory) runs in WAL mode with foreign keys on
and a busy timeout, so that a second process waits for a writer instead of failing. PostgreSQL is
used through psycopg 3; ``postgresql://`` URLs are accepted and mean ``postgresql+psycopg://``.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, create_engine, event, text
from sqlalchemy.engine import Connection, Dialect, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

ENV_DATABASE_URL = "RETROSTRIDE_DATABASE_URL"
SQLITE_BUSY_TIMEOUT_MS = 60_000
"""How long a SQLite connection waits for another process's write lock [ms]."""
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_PG_MIGRATION_LOCK_KEY = 0x7265_7472_6F73  # "retros": serialises concurrent migrations


class Base(DeclarativeBase):
    """The one declarative base of every retrostride table."""


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC ``datetime`` stored as a naive UTC timestamp (same on every backend)."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: give a timezone-aware UTC time")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def default_sqlite_path() -> Path:
    """The default SQLite file, in the user's data directory (platformdirs)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("retrostride")) / "retrostride.sqlite"


def database_url() -> str:
    """``RETROSTRIDE_DATABASE_URL`` if set, else the default SQLite file's URL."""
    url = os.environ.get(ENV_DATABASE_URL, "").strip()
    return url or f"sqlite:///{default_sqlite_path()}"


def normalise_url(url: str) -> str:
    """Map ``postgresql://`` and ``postgres://`` onto the psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


READ_ONLY = "retrostride_read_only"
"""Key of the pool record's ``info`` (``Connection.info``) marking the read engine's connections:
what they see changes only through other connections' commits (see store.session_reads)."""

READER_POOL_SIZE = 40
"""Connections of the read engine: as many as a web server's thread pool has threads (40), so
that a request never waits for a connection another waiting request holds."""


@dataclass(slots=True)
class Database:
    """An open database: the writer engine with its session factory, and a read-only engine.

    Write with :meth:`transaction` (on SQLite ``BEGIN IMMEDIATE``: writers queue on the busy
    timeout instead of failing), read with :meth:`reading` (never the write lock; see
    :func:`create_read_engine`). The read engine is created on first use.
    """

    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    _readers: sessionmaker[Session] | None = field(default=None, repr=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """One ORM session in one transaction: committed on success, rolled back on any error."""
        with self.sessions.begin() as session:
            yield session

    @property
    def readers(self) -> sessionmaker[Session]:
        """The factory of read-only ORM sessions (see :meth:`reading`)."""
        if self._readers is None:
            self._readers = sessionmaker(create_read_engine(self), expire_on_commit=False)
        return self._readers

    @property
    def read_engine(self) -> Engine:
        """The read-only engine (connections as :meth:`reading`'s, without an ORM session)."""
        engine: Engine = self.readers.kw["bind"]
        return engine

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        """One read-only ORM session: never takes, nor waits for, the write lock.

        On SQLite a deferred ``BEGIN`` (a consistent snapshot; WAL lets it run beside a writer)
        on a ``query_only`` connection; on PostgreSQL a read-only connection in autocommit mode.
        Anything written through it fails; it is rolled back when the block ends.
        """
        session = self.readers()
        try:
            yield session
        finally:
            session.close()

    def close(self) -> None:
        if self._readers is not None:
            self.read_engine.dispose()
        self.engine.dispose()


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy emit BEGIN itself (pysqlite's implicit transactions skip DDL and SELECT).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    # BEGIN IMMEDIATE takes the write lock up front, so two writers queue on busy_timeout
    # instead of failing with "database is locked" when a reader upgrades to a writer.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_database_engine(url: str) -> Engine:
    """An engine for ``url`` with retrostride's connection settings, without migrating."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


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


def create_read_engine(database: Database) -> Engine:
    """The read-only engine of ``database``.

    SQLite: ``query_only`` connections that begin deferred transactions (WAL lets them read
    beside a writer). PostgreSQL: read-only connections (``default_transaction_read_only``) in
    autocommit mode: each statement reads its own snapshot, exactly as in a READ COMMITTED
    transaction, without a BEGIN and a ROLLBACK round trip per request; they are not pinged
    before use (another round trip), so after the database server restarts the first read of
    each process fails once (SQLAlchemy then replaces the whole pool).
    """
    pool: dict[str, Any] = {"max_overflow": 0, "pool_timeout": 60}
    engine: Engine
    url = database.engine.url
    if not database.is_sqlite:
        engine = create_engine(
            url,
            isolation_level="AUTOCOMMIT",
            connect_args={"options": "-c default_transaction_read_only=on"},
            pool_size=READER_POOL_SIZE,
            **pool,
        )
        event.listen(engine, "connect", _mark_read_only)
        return engine
    if url.database in (None, "", ":memory:"):
        # A private in-memory database exists only on the writer's connection: read there.
        return database.engine
    engine = create_engine(
        url,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        pool_size=READER_POOL_SIZE,
        **pool,
    )
    event.listen(engine, "connect", _reader_on_connect)
    event.listen(engine, "connect", _mark_read_only)
    event.listen(engine, "begin", _reader_on_begin)
    return engine


def _alembic_config(connection: Connection) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine, revision: str = "heads") -> None:
    """Apply every pending Alembic revision (up to ``revision``); safe when several processes
    open at once.

    SQLite serialises through ``BEGIN IMMEDIATE`` (the whole upgrade is one write transaction);
    PostgreSQL through a transaction-scoped advisory lock. DDL is transactional on both, so an
    interrupted upgrade leaves the previous schema.
    """
    from alembic import command

    with _migration_connection(engine) as connection:
        command.upgrade(_alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema back to ``revision`` (for an operator going back a release), keeping data."""
    from alembic import command

    with _migration_connection(engine) as connection:
        command.downgrade(_alembic_config(connection), revision)


@contextlib.contextmanager
def _migration_connection(engine: Engine) -> Iterator[Connection]:
    """One transaction for a migration, with SQLite's foreign keys off while it runs.

    SQLite cannot drop or change a column of an older schema in place, so a batch migration
    copies the table, drops the old one and renames the copy. With foreign keys on, ``DROP
    TABLE`` first deletes the table's rows, and ``ON DELETE CASCADE`` deletes their children: a
    session's segments would be lost. SQLite's documented procedure for such changes
    (sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema Changes") turns foreign
    keys off outside the transaction, checks them with ``PRAGMA foreign_key_check`` before
    committing, and turns them on again; the pragma is a no-op inside a transaction.
    """
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        raw = connection.connection.dbapi_connection if sqlite else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    connection.execute(
                        text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK_KEY}
                    )
                before = _orphans(connection) if sqlite else []
                yield connection
                after = _orphans(connection) if sqlite else []
                if len(after) > len(before):
                    raise RuntimeError(
                        f"the migration would leave {len(after) - len(before)} rows whose parent "
                        f"is missing (table {after[-1][0]}); nothing was changed"
                    )
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys = ON")


def _orphans(connection: Connection) -> list[Any]:
    """SQLite's rows whose foreign key names no parent (``PRAGMA foreign_key_check``)."""
    return list(connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall())


_REVISION_LINE = re.compile(
    r"^(down_revision|revision)\s*(?::[^=]*)?=\s*(?:\"([^\"]*)\"|'([^']*)'|None)", re.MULTILINE
)


def schema_heads() -> frozenset[str]:
    """The head revisions of the migration files, read from their text (Alembic not imported).

    A revision is a head when no other revision names it as its ``down_revision``.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for kind, double, single in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            name = double or single
            if name:
                (revisions if kind == "revision" else parents).add(name)
    return frozenset(revisions - parents)


def schema_is_current(engine: Engine) -> bool:
    """Whether the database is at the migrations' heads: one query of ``alembic_version``."""
    # A raw connection: on SQLite no BEGIN (IMMEDIATE) is sent, so the check never takes the
    # write lock; the pool rolls back whatever PostgreSQL began.
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT version_num FROM alembic_version")
        found = {row[0] for row in cursor.fetchall()}
        cursor.close()
    except engine.dialect.loaded_dbapi.Error:  # no table yet: a new database
        return False
    finally:
        connection.close()
    return found == schema_heads()


def open_database(url: str | None = None, *, migrate_schema: bool = True) -> Database:
    """Open (creating if needed) the database at ``url`` (default :func:`database_url`).

    With ``migrate_schema`` the schema version is checked with one query and Alembic runs only
    when it differs from the migrations' heads (a new or older database).
    """
    from retrostride.store import totals  # noqa: F401  (its flush events keep the period totals)

    url = normalise_url(url or database_url())
    engine = create_database_engine(url)
    if migrate_schema and not schema_is_current(engine):
        migrate(engine)
    return Database(url=url, engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)
