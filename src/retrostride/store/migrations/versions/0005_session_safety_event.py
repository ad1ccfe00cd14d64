"""A session's safety event: the worst stumble, near-fall or fall reported with it.

Revision ID: 0005_session_safety_event
Revises: 0004_account_preferences
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_session_safety_event"
down_revision = "0004_account_preferences"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("session") as batch:
        batch.add_column(sa.Column("safety_event", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("session") as batch:
        batch.drop_column("safety_event")
