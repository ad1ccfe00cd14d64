"""``session.flags_json``: device values outside their physical limits, kept as the file gave them.

A JSON list of flags (``where``, ``field``, ``value``, ``unit``, ``bound``, ``count``; see
``log.model.Flag``); ``[]`` for existing sessions.

Revision ID: 0010_session_flags
Revises: 0009_segment_side_stepping
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_session_flags"
down_revision = "0009_segment_side_stepping"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("session") as batch:
        batch.add_column(sa.Column("flags_json", sa.Text(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("session") as batch:
        batch.drop_column("flags_json")
