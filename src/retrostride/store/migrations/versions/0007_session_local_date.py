"""``session.local_date``: the day a session counts on, indexed with the person for the stats.

Revision ID: 0007_session_local_date
Revises: 0006_credentials

Filled here for existing sessions (local start day, else the import day) and kept on every
write by the store (``store.models.session_local_date``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_session_local_date"
down_revision = "0006_credentials"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("session") as batch:
        batch.add_column(sa.Column("local_date", sa.Date(), nullable=True))
    op.create_index("ix_session_person_local_date", "session", ["person_id", "local_date"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "UPDATE session SET local_date = CASE WHEN start_utc IS NOT NULL THEN "
            "CAST(start_utc + make_interval(secs => COALESCE(utc_offset_s, 0)) AS date) "
            "ELSE CAST(imported_at AS date) END"
        )
    else:
        op.execute(
            "UPDATE session SET local_date = CASE WHEN start_utc IS NOT NULL THEN "
            "date(start_utc, COALESCE(utc_offset_s, 0) || ' seconds') "
            "ELSE date(imported_at) END"
        )


def downgrade() -> None:
    op.drop_index("ix_session_person_local_date", table_name="session")
    with op.batch_alter_table("session") as batch:
        batch.drop_column("local_date")
