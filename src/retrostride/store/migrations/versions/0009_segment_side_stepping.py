"""``segment.side_stepping_s``: side-stepping a gait analysis found dominating a segment [s].

Revision ID: 0009_segment_side_stepping
Revises: 0008_job_queue

Null for every existing segment (no analysis has marked one yet). A session holding a marked
segment gets no model energy (``services.session_energy``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_segment_side_stepping"
down_revision = "0008_job_queue"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("segment") as batch:
        batch.add_column(sa.Column("side_stepping_s", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("segment") as batch:
        batch.drop_column("side_stepping_s")
