"""Display preferences kept with the account (units, time zone, date format), not per browser.

Revision ID: 0004_account_preferences
Revises: 0003_accounts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_account_preferences"
down_revision = "0003_accounts"
branch_labels = None
depends_on = None

_COLUMNS = (
    ("speed_unit", 8),
    ("mass_unit", 4),
    ("time_zone", 64),
    ("date_format", 16),
)


def upgrade() -> None:
    with op.batch_alter_table("account") as batch:
        for name, length in _COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("account") as batch:
        for name, _ in reversed(_COLUMNS):
            batch.drop_column(name)
