"""Tables of programs and outcomes: enrolments and assessments.

An enrolment keeps a snapshot of the program file as it was when the person started, so a later
release that changes the shipped program does not change a running plan. Assessments keep the
value in the measure's stored unit (SI where one exists) with the method it was measured by.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from retrostride.store.db import Base, UTCDateTime


class EnrolmentRow(Base):
    """A person on a program from ``start_date``; ``uid`` identifies it in calendar files."""

    __tablename__ = "program_enrolment"
    __table_args__ = (Index("ix_enrolment_person_status", "person_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    program_id: Mapped[str] = mapped_column(String(64))
    program_version: Mapped[int] = mapped_column(Integer)
    program_source: Mapped[str] = mapped_column(Text)
    """The program file's TOML text at enrolment."""
    start_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="active")
    """``active`` or ``stopped``."""
    screening_status: Mapped[str] = mapped_column(String(16))
    screening_answers: Mapped[str] = mapped_column(Text, default="{}")
    """JSON object: question id -> true/false."""
    restrictions: Mapped[str] = mapped_column(Text, default="")
    """Comma-separated restriction codes from the screening."""
    cleared_by: Mapped[str | None] = mapped_column(String(200))
    """Who cleared a person whose screening said stop (name and role)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AssessmentRow(Base):
    """One outcome measurement of one person on one day."""

    __tablename__ = "assessment"
    __table_args__ = (Index("ix_assessment_person_measure_on", "person_id", "measure", "on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    measure: Mapped[str] = mapped_column(String(32))
    on: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(16))
    method: Mapped[str | None] = mapped_column(String(32))
    detail: Mapped[str | None] = mapped_column(String(200))
    """For skinfolds the equation and sites, for a dynamometer the device or angle, ..."""
    raw_json: Mapped[str] = mapped_column(Text, default="{}")
    """What was entered, when it differs from ``value`` (e.g. the shuttle-run stage)."""
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
