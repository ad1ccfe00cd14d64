"""``job_queue``: a job's claim priority; on PostgreSQL, procrastinate's schema for the queue.

``upload_job.priority`` (higher first: small before large, then each person's earlier jobs) is
the order both backends take jobs in. On PostgreSQL the jobs are carried by procrastinate: its
schema (tables ``procrastinate_*``, their functions and triggers) is applied here as the
installed procrastinate ships it (``SchemaManager.get_schema``, version pinned in
``pyproject.toml``), and the jobs still queued are handed to it. SQLite keeps the embedded queue.

Revision ID: 0017_job_queue
Revises: 0016_session_direction
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_job_queue"
down_revision = "0016_session_direction"
branch_labels = None
depends_on = None

# As in services.jobs and services.job_queue_pg when this migration was written.
_BIG_JOB_BYTES = 1024 * 1024
_TASK = "retrostride.run_job"


def upgrade() -> None:
    with op.batch_alter_table("upload_job") as batch:
        batch.add_column(sa.Column("priority", sa.Integer(), nullable=False, server_default="0"))
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from procrastinate.schema import SchemaManager

    driver = bind.connection.driver_connection
    assert driver is not None
    driver.execute(SchemaManager.get_schema())  # plain statements, no parameters
    bind.execute(
        sa.text(
            "INSERT INTO procrastinate_jobs (queue_name, task_name, priority, args) "
            "SELECT CASE WHEN bytes_received > :big THEN 'retrostride_big' "
            "ELSE 'retrostride_small' END, :task, 0, jsonb_build_object('job_id', id) "
            "FROM upload_job WHERE status = 'queued' ORDER BY id"
        ),
        {"big": _BIG_JOB_BYTES, "task": _TASK},
    )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(
            "DO $$ DECLARE f record; BEGIN "
            "FOR f IN SELECT p.oid::regprocedure AS sig FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate%' LOOP "
            "EXECUTE 'DROP FUNCTION IF EXISTS ' || f.sig || ' CASCADE'; END LOOP; END $$"
        )
        for table in (
            "procrastinate_events",
            "procrastinate_periodic_defers",
            "procrastinate_jobs",
            "procrastinate_workers",
        ):
            op.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
        for kind in (
            "procrastinate_job_to_defer_v1",
            "procrastinate_job_event_type",
            "procrastinate_job_status",
        ):
            op.execute(f"DROP TYPE IF EXISTS {kind} CASCADE")
    with op.batch_alter_table("upload_job") as batch:
        batch.drop_column("priority")
