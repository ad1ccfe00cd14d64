"""Credentials that end when they should: API token scopes, lockout strikes, a shared rate limiter.

``api_token.scope`` is ``read`` or ``read-write`` (tokens made before this revision keep the
write access they had). ``login_throttle.strikes`` counts lockouts of one (account, client
address) pair, so that each lockout lasts longer than the last. ``rate_limit`` holds the
per-client request counters in the database, so that every worker process and server shares
them.

Revision ID: 0006_credentials
Revises: 0005_session_safety_event
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_credentials"
down_revision = "0005_session_safety_event"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_token") as batch:
        batch.add_column(
            sa.Column("scope", sa.String(16), nullable=False, server_default="read-write")
        )
    with op.batch_alter_table("login_throttle") as batch:
        batch.add_column(sa.Column("strikes", sa.Integer, nullable=False, server_default="0"))
    op.create_table(
        "rate_limit",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("window_start", sa.DateTime(timezone=False), nullable=False),
        sa.Column("hits", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("rate_limit")
    with op.batch_alter_table("login_throttle") as batch:
        batch.drop_column("strikes")
    with op.batch_alter_table("api_token") as batch:
        batch.drop_column("scope")
