"""``period_total``: each person's totals per ISO week and per month, kept on every write.

Revision ID: 0012_period_totals
Revises: 0011_two_factor_access_log

Filled here from the existing sessions by the store's own refresh (``store.totals``), one
person at a time.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_period_totals"
down_revision = "0011_two_factor_access_log"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "period_total",
        sa.Column(
            "person_id", sa.Integer(), sa.ForeignKey("person.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("kind", sa.String(8), primary_key=True),
        sa.Column("first_day", sa.Date(), primary_key=True),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.Column("undated", sa.Integer(), nullable=False),
        sa.Column("time_s", sa.Float(), nullable=False),
        sa.Column("distance_m", sa.Float(), nullable=False),
        sa.Column("energy_kcal", sa.Float(), nullable=False),
        sa.Column("energy_unknown", sa.Integer(), nullable=False),
        sa.Column("backward_s", sa.Float(), nullable=False),
        sa.Column("direction_known_s", sa.Float(), nullable=False),
    )
    from retrostride.store import totals

    session = sa.table(
        "session", sa.column("person_id", sa.Integer), sa.column("local_date", sa.Date)
    )
    conn = op.get_bind()
    spans = conn.execute(
        sa.select(session.c.person_id, sa.func.min(session.c.local_date),
                  sa.func.max(session.c.local_date))
        .where(session.c.local_date.is_not(None))
        .group_by(session.c.person_id)
    )
    for person_id, first, last in list(spans):
        totals.refresh_span(conn, int(person_id), first, last)


def downgrade() -> None:
    op.drop_table("period_total")
