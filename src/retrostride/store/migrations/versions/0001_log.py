"""The training log: person, body mass, source file, session, segment, samples, import log.

Revision ID: 0001_log
Revises:
Create Date: 2026-11-25

Times are naive UTC timestamps (the ORM's ``UTCDateTime`` adds the zone back); units are SI.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_log"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(column: str, target: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [target], ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("home_time_zone", sa.Text(), nullable=False),
        sa.Column("height_m", sa.Float(), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("sex", sa.String(16), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("name", name="uq_person_name"),
    )
    op.create_table(
        "body_mass",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("mass_kg", sa.Float(), nullable=False),
        _fk("person_id", "person.id"),
        sa.UniqueConstraint("person_id", "on", name="uq_body_mass_person_day"),
    )
    op.create_table(
        "import_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("session_ids", sa.Text(), nullable=False),
        _fk("person_id", "person.id"),
    )
    op.create_table(
        "source_file",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        _fk("person_id", "person.id"),
        sa.UniqueConstraint("person_id", "sha256", name="uq_source_file_person_sha"),
    )
    op.create_table(
        "session",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("source_file_id", sa.Integer(), nullable=True),
        sa.Column("group_key", sa.Text(), nullable=True),
        sa.Column("sport", sa.Text(), nullable=False),
        sa.Column("sub_sport", sa.Text(), nullable=True),
        sa.Column("start_utc", sa.DateTime(), nullable=True),
        sa.Column("utc_offset_s", sa.Integer(), nullable=True),
        sa.Column("offset_assumed", sa.Boolean(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("elapsed_s", sa.Float(), nullable=True),
        sa.Column("moving_s", sa.Float(), nullable=True),
        sa.Column("distance_m", sa.Float(), nullable=True),
        sa.Column("start_latitude_deg", sa.Float(), nullable=True),
        sa.Column("start_longitude_deg", sa.Float(), nullable=True),
        sa.Column("setting", sa.String(32), nullable=False),
        sa.Column("terrain", sa.Text(), nullable=True),
        sa.Column("device", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("rpe", sa.Float(), nullable=True),
        sa.Column("pain_before", sa.Float(), nullable=True),
        sa.Column("pain_after", sa.Float(), nullable=True),
        sa.Column("device_kcal", sa.Float(), nullable=True),
        sa.Column("energy_kcal", sa.Float(), nullable=True),
        sa.Column("energy_source", sa.String(16), nullable=True),
        sa.Column("energy_model_version", sa.Text(), nullable=True),
        sa.Column("recovered", sa.Text(), nullable=True),
        sa.Column("warnings_json", sa.Text(), nullable=False),
        _fk("person_id", "person.id"),
        _fk("source_file_id", "source_file.id", ondelete="SET NULL"),
    )
    op.create_index("ix_session_person_start", "session", ["person_id", "start_utc"])
    op.create_index("ix_session_source_file_id", "session", ["source_file_id"])
    op.create_table(
        "samples",
        sa.Column("session_id", sa.Integer(), primary_key=True),
        sa.Column("n_points", sa.Integer(), nullable=False),
        sa.Column("channels", sa.Text(), nullable=False),
        sa.Column("codec", sa.String(32), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        _fk("session_id", "session.id"),
    )
    op.create_table(
        "segment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("start_offset_s", sa.Float(), nullable=False),
        sa.Column("elapsed_s", sa.Float(), nullable=True),
        sa.Column("moving_s", sa.Float(), nullable=True),
        sa.Column("distance_m", sa.Float(), nullable=True),
        sa.Column("direction", sa.String(16), nullable=False),
        sa.Column("speed_m_s", sa.Float(), nullable=True),
        sa.Column("grade_percent", sa.Float(), nullable=True),
        sa.Column("load_kg", sa.Float(), nullable=True),
        sa.Column("sled_kg", sa.Float(), nullable=True),
        sa.Column("heart_rate_bpm", sa.Float(), nullable=True),
        sa.Column("cadence_spm", sa.Float(), nullable=True),
        sa.Column("device_kcal", sa.Float(), nullable=True),
        _fk("session_id", "session.id"),
        sa.UniqueConstraint("session_id", "position", name="uq_segment_position"),
    )


def downgrade() -> None:
    for table in ("segment", "samples"):
        op.drop_table(table)
    op.drop_index("ix_session_source_file_id", table_name="session")
    op.drop_index("ix_session_person_start", table_name="session")
    for table in ("session", "source_file", "import_log", "body_mass", "person"):
        op.drop_table(table)
