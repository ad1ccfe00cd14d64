"""``source_blob``: the exact bytes of each imported file, so that the export bundle carries them.

Revision ID: 0013_source_blob
Revises: 0012_period_totals

Files imported before this revision keep only their identity (name, format, SHA-256, size).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_source_blob"
down_revision = "0012_period_totals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "source_blob",
        sa.Column(
            "source_file_id",
            sa.Integer(),
            sa.ForeignKey("source_file.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("source_blob")
