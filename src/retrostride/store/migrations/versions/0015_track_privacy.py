"""``track_privacy``: an account's privacy zone radius around the ends of its GPS tracks.

Revision ID: 0015_track_privacy
Revises: 0014_person_records
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_track_privacy"
down_revision = "0014_person_records"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "track_privacy",
        sa.Column(
            "account_id",
            sa.Integer(),
            sa.ForeignKey("account.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("hide_m", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("track_privacy")
