"""Two-factor login and the athletes' access log.

``account.totp_secret``/``totp_enabled_at``/``totp_last_step``: TOTP (RFC 6238) once its owner
confirmed a first code. ``recovery_code``: single-use codes, SHA-256 only. ``login_challenge``:
a right password waiting for its code. ``access_log``: which clinician reached which athlete's
data, what and when.

Revision ID: 0011_two_factor_access_log
Revises: 0010_session_flags
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_two_factor_access_log"
down_revision = "0010_session_flags"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("account") as batch:
        batch.add_column(sa.Column("totp_secret", sa.String(64), nullable=True))
        batch.add_column(sa.Column("totp_enabled_at", sa.DateTime(timezone=False), nullable=True))
        batch.add_column(sa.Column("totp_last_step", sa.Integer, nullable=True))
    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "account_id",
            sa.Integer,
            sa.ForeignKey("account.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("code_hash", sa.String(64), nullable=False, unique=True),
    )
    op.create_table(
        "login_challenge",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "account_id",
            sa.Integer,
            sa.ForeignKey("account.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=False), nullable=False),
    )
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "athlete_id",
            sa.Integer,
            sa.ForeignKey("account.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column(
            "clinician_id",
            sa.Integer,
            sa.ForeignKey("account.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("clinician_email", sa.String(320), nullable=False),
        sa.Column("method", sa.String(8), nullable=False),
        sa.Column("what", sa.String(300), nullable=False),
        sa.Column("at", sa.DateTime(timezone=False), nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("access_log")
    op.drop_table("login_challenge")
    op.drop_table("recovery_code")
    with op.batch_alter_table("account") as batch:
        for name in ("totp_last_step", "totp_enabled_at", "totp_secret"):
            batch.drop_column(name)
