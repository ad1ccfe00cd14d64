"""Alembic environment: runs on the connection :func:`retrostride.store.db.migrate` hands over.

Run from the command line it opens ``RETROSTRIDE_DATABASE_URL`` (or the default SQLite file).
"""

from __future__ import annotations

from alembic import context

import retrostride.store.models  # noqa: F401  (registers the log's tables on Base.metadata)
from retrostride.store.db import (
    Base,
    _migration_connection,
    create_database_engine,
    database_url,
)

target_metadata = Base.metadata


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    # From the command line: the same connection rules as store.db.migrate (SQLite's foreign
    # keys off while a batch migration recreates a table, so no child row is cascaded away).
    engine = create_database_engine(database_url())
    with _migration_connection(engine) as conn:
        _run(conn)
