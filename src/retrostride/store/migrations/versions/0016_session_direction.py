"""``session.direction``: each session's direction, kept on write (``store.directions``).

Revision ID: 0016_session_direction
Revises: 0015_track_privacy

Indexed with the person and the start, for the session list's direction filter. Filled here
for the existing sessions from their segments by the one rule
(``log.direction.session_direction``); a session without segments stays ``unknown``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_session_direction"
down_revision = "0015_track_privacy"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("session") as batch:
        batch.add_column(
            sa.Column("direction", sa.String(16), nullable=False, server_default="unknown")
        )
    op.create_index(
        "ix_session_person_direction_start", "session", ["person_id", "direction", "start_utc"]
    )
    from retrostride.store import directions

    connection = op.get_bind()
    ids = [
        int(i)
        for (i,) in connection.execute(sa.text("SELECT DISTINCT session_id FROM segment"))
    ]
    directions.refresh(connection, ids)


def downgrade() -> None:
    op.drop_index("ix_session_person_direction_start", table_name="session")
    with op.batch_alter_table("session") as batch:
        batch.drop_column("direction")
