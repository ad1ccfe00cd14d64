"""``period_total`` year rows: each person's totals per year, kept on every write.

A page of years was summed from the month rows on every request, twelve rows a year of the
log's history; the store now keeps a row a year (``store.totals.refresh_years``, summed from
the month rows on each write). Filled here from the existing month rows.

Revision ID: 0020_year_totals
Revises: 0019_session_surface
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020_year_totals"
down_revision = "0019_session_surface"
branch_labels = None
depends_on = None

_SUMS = (
    "sessions", "undated", "time_s", "distance_m", "energy_kcal", "energy_unknown",
    "backward_s", "direction_known_s",
)


def upgrade() -> None:
    total = sa.table(
        "period_total", sa.column("person_id", sa.Integer), sa.column("kind", sa.String),
        sa.column("first_day", sa.Date), *(sa.column(name) for name in _SUMS),
    )
    conn = op.get_bind()
    conn.execute(sa.delete(total).where(total.c.kind == "year"))
    years = conn.execute(
        sa.select(total.c.person_id, sa.func.min(total.c.first_day), sa.func.max(total.c.first_day))
        .where(total.c.kind == "month")
        .group_by(total.c.person_id)
    )
    from retrostride.store import totals

    for person_id, first, last in list(years):
        totals.refresh_years(conn, int(person_id), _year(first), _year(last))


def _year(day: object) -> int:
    """The year of a date as the driver returns it (a date, or ISO text on SQLite)."""
    return int(str(day)[:4])


def downgrade() -> None:
    total = sa.table("period_total", sa.column("kind", sa.String))
    op.get_bind().execute(sa.delete(total).where(total.c.kind == "year"))
