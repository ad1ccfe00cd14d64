"""``session_person_sport``: an index on a session's person and sport.

The session list's sport filter offers the sports of the person's log; with this index they
are read by one index seek per sport (a loose index scan, ``store.session_reads.sports_of``)
instead of visiting every session of the person.

Revision ID: 0018_session_person_sport
Revises: 0017_job_queue
"""

from __future__ import annotations

from alembic import op

revision = "0018_session_person_sport"
down_revision = "0017_job_queue"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_session_person_sport", "session", ["person_id", "sport"])


def downgrade() -> None:
    op.drop_index("ix_session_person_sport", table_name="session")
