"""``session.terrain`` renamed ``session.surface``: one word for the ground in every layer.

Revision ID: 0019_session_surface
Revises: 0018_session_person_sport

Values are kept as they are. On SQLite the batch never recreates the table: SQLite (3.25 and
later) renames a column in place, whereas a copy-and-move would drop ``session``, and with
foreign keys on, dropping it deletes every segment and sample of the log (ON DELETE CASCADE).
"""

from __future__ import annotations

from alembic import op

revision = "0019_session_surface"
down_revision = "0018_session_person_sport"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("session", recreate="never") as batch:
        batch.alter_column("terrain", new_column_name="surface")


def downgrade() -> None:
    with op.batch_alter_table("session", recreate="never") as batch:
        batch.alter_column("surface", new_column_name="terrain")
