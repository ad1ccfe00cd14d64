"""``person_record`` and ``session_best``: personal records kept on every write
(``store.records``).

Revision ID: 0014_person_records
Revises: 0013_source_blob

Filled here from the existing sessions (``store.records.refresh_sessions`` and ``refresh``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_person_records"
down_revision = "0013_source_blob"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_record",
        sa.Column(
            "person_id",
            sa.Integer(),
            sa.ForeignKey("person.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("longest_backward_s", sa.Float(), nullable=True),
        sa.Column("longest_backward_session_id", sa.Integer(), nullable=True),
        sa.Column("fastest_backward_km_s", sa.Float(), nullable=True),
        sa.Column("fastest_backward_km_session_id", sa.Integer(), nullable=True),
        sa.Column("biggest_week_first_day", sa.Date(), nullable=True),
        sa.Column("biggest_week_time_s", sa.Float(), nullable=True),
        sa.Column("biggest_week_distance_m", sa.Float(), nullable=True),
        sa.Column("biggest_week_sessions", sa.Integer(), nullable=True),
        sa.Column("streak_days", sa.Integer(), nullable=True),
        sa.Column("streak_first_day", sa.Date(), nullable=True),
    )
    op.create_table(
        "session_best",
        sa.Column(
            "session_id",
            sa.Integer(),
            sa.ForeignKey("session.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "person_id",
            sa.Integer(),
            sa.ForeignKey("person.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("backward_s", sa.Float(), nullable=True),
        sa.Column("backward_km_s", sa.Float(), nullable=True),
    )
    op.create_index("ix_session_best_backward", "session_best", ["person_id", "backward_s"])
    op.create_index("ix_session_best_km", "session_best", ["person_id", "backward_km_s"])
    from retrostride.store import records

    connection = op.get_bind()
    ids = [int(i) for (i,) in connection.execute(sa.text("SELECT id FROM session"))]
    records.refresh_sessions(connection, ids)
    for (person_id,) in connection.execute(sa.text("SELECT id FROM person")):
        records.refresh(connection, int(person_id))


def downgrade() -> None:
    op.drop_index("ix_session_best_km", table_name="session_best")
    op.drop_index("ix_session_best_backward", table_name="session_best")
    op.drop_table("session_best")
    op.drop_table("person_record")
