"""Programs and outcomes: program enrolments and assessments.

Revision ID: 0002_programs
Revises: 0001_log
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_programs"
down_revision: str | None = "0001_log"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "program_enrolment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(36), nullable=False),
        sa.Column("program_id", sa.String(64), nullable=False),
        sa.Column("program_version", sa.Integer(), nullable=False),
        sa.Column("program_source", sa.Text(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("screening_status", sa.String(16), nullable=False),
        sa.Column("screening_answers", sa.Text(), nullable=False),
        sa.Column("restrictions", sa.Text(), nullable=False),
        sa.Column("cleared_by", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("stopped_at", sa.DateTime(timezone=False), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.UniqueConstraint("uid", name="uq_program_enrolment_uid"),
    )
    op.create_index("ix_enrolment_person_status", "program_enrolment", ["person_id", "status"])
    op.create_table(
        "assessment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(32), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("method", sa.String(32), nullable=True),
        sa.Column("detail", sa.String(200), nullable=True),
        sa.Column("raw_json", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=False), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
    )
    op.create_index("ix_assessment_person_measure_on", "assessment", ["person_id", "measure", "on"])


def downgrade() -> None:
    op.drop_index("ix_assessment_person_measure_on", table_name="assessment")
    op.drop_table("assessment")
    op.drop_index("ix_enrolment_person_status", table_name="program_enrolment")
    op.drop_table("program_enrolment")
