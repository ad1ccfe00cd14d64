"""The job queue: upload jobs become jobs of any kind, claimed by workers.

``kind`` (``import``, ``gait``), ``payload_json`` (what the worker needs: the received files in the
shared upload folder, the options), ``started_at``, ``heartbeat_at`` (renewed by the worker while
the job runs; a stale one means the worker died) and ``worker``. Status ``queued`` is new.

Revision ID: 0008_job_queue
Revises: 0007_session_local_date
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_job_queue"
down_revision = "0007_session_local_date"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("upload_job") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="import"))
        batch.add_column(sa.Column("payload_json", sa.Text(), nullable=False, server_default="{}"))
        batch.add_column(sa.Column("started_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("heartbeat_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("worker", sa.String(64), nullable=True))
        batch.create_index("ix_upload_job_status", ["status"])


def downgrade() -> None:
    with op.batch_alter_table("upload_job") as batch:
        batch.drop_index("ix_upload_job_status")
        for name in ("worker", "heartbeat_at", "started_at", "payload_json", "kind"):
            batch.drop_column(name)
