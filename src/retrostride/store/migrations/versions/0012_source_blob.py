"""``source_blob``: the exact bytes of each imported file, so that the export bundle carries them.

Revision ID: 0012_source_blob
Revises: 0011_two_factor_access_log

Files imported before this revision keep only their identity (name, format, SHA-256, size).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_source_blob"
down_revision = "0011_two_factor_access_log"
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
