"""Tables of the training log: person, body mass, source file, session, segment, samples,
import log.

Units are SI and named in the column names; times are UTC (:class:`UTCDateTime`) with the local
offset in seconds beside them. A session whose device clock was never set has ``start_utc``
NULL and is dated by ``imported_at``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from retrostride.store.db import Base, UTCDateTime


class PersonRow(Base):
    """A person whose log this is. Other domains reference ``person.id``."""

    __tablename__ = "person"
    __table_args__ = (UniqueConstraint("name", name="uq_person_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    home_time_zone: Mapped[str] = mapped_column(Text, default="UTC")
    height_m: Mapped[float | None] = mapped_column(Float)
    birth_year: Mapped[int | None] = mapped_column(Integer)
    sex: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    body_mass: Mapped[list[BodyMassRow]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="BodyMassRow.on"
    )


class BodyMassRow(Base):
    """One body-mass measurement [kg] on a date."""

    __tablename__ = "body_mass"
    __table_args__ = (UniqueConstraint("person_id", "on", name="uq_body_mass_person_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    on: Mapped[date] = mapped_column(Date)
    mass_kg: Mapped[float] = mapped_column(Float)

    person: Mapped[PersonRow] = relationship(back_populates="body_mass")


class SourceFileRow(Base):
    """An imported file; ``sha256`` of its exact bytes refuses the same file twice per person."""

    __tablename__ = "source_file"
    __table_args__ = (UniqueConstraint("person_id", "sha256", name="uq_source_file_person_sha"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(16))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SourceBlobRow(Base):
    """The exact bytes of an imported file (its original, which the export bundle carries).

    Goes with its source file: when the file's last session is deleted, or the person.
    """

    __tablename__ = "source_blob"

    source_file_id: Mapped[int] = mapped_column(
        ForeignKey("source_file.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[bytes] = mapped_column(LargeBinary)


class SessionRow(Base):
    """One activity of one sport (see :class:`retrostride.log.model.Session`)."""

    __tablename__ = "session"
    __table_args__ = (
        Index("ix_session_person_start", "person_id", "start_utc"),
        Index("ix_session_source_file_id", "source_file_id"),
        Index("ix_session_person_local_date", "person_id", "local_date"),
        Index("ix_session_person_direction_start", "person_id", "direction", "start_utc"),
        Index("ix_session_person_sport", "person_id", "sport"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    source_file_id: Mapped[int | None] = mapped_column(
        ForeignKey("source_file.id", ondelete="SET NULL")
    )
    group: Mapped[str | None] = mapped_column("group_key", Text)
    sport: Mapped[str] = mapped_column(Text)
    sub_sport: Mapped[str | None] = mapped_column(Text)
    start_utc: Mapped[datetime | None] = mapped_column(UTCDateTime())
    utc_offset_s: Mapped[int | None] = mapped_column(Integer)
    offset_assumed: Mapped[bool] = mapped_column(Boolean, default=False)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    local_date: Mapped[date | None] = mapped_column(Date)
    """The local day of the start (``start_utc`` plus its offset), else of the import: kept on
    every write (:func:`session_local_date`), grouped by the stats."""
    elapsed_s: Mapped[float | None] = mapped_column(Float)
    moving_s: Mapped[float | None] = mapped_column(Float)
    distance_m: Mapped[float | None] = mapped_column(Float)
    start_latitude_deg: Mapped[float | None] = mapped_column(Float)
    """First recorded position (from the samples), to match files whose start is unknown."""
    start_longitude_deg: Mapped[float | None] = mapped_column(Float)
    setting: Mapped[str] = mapped_column(String(32))
    direction: Mapped[str] = mapped_column(
        String(16), default="unknown", server_default="unknown"
    )
    """The session's direction by ``log.direction.session_direction`` from its segments: kept
    on every write (``store.directions``), filtered and shown by the session list."""
    surface: Mapped[str | None] = mapped_column(Text)
    device: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str] = mapped_column(Text, default="")
    rpe: Mapped[float | None] = mapped_column(Float)
    pain_before: Mapped[float | None] = mapped_column(Float)
    pain_after: Mapped[float | None] = mapped_column(Float)
    safety_event: Mapped[str | None] = mapped_column(String(16))
    """``stumble``, ``near-fall`` or ``fall`` (the worst of the session) or NULL."""
    device_kcal: Mapped[float | None] = mapped_column(Float)
    energy_kcal: Mapped[float | None] = mapped_column(Float)
    energy_source: Mapped[str | None] = mapped_column(String(16))
    """``model`` (the energy engine), ``device`` (the file's own figure) or NULL (none)."""
    energy_model_version: Mapped[str | None] = mapped_column(Text)
    recovered: Mapped[str | None] = mapped_column(Text)
    warnings_json: Mapped[str] = mapped_column(Text, default="[]")
    flags_json: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    """Device values outside their physical limits, as the file gave them (``log.model.Flag``)."""

    segments: Mapped[list[SegmentRow]] = relationship(
        back_populates="session",
        cascade="all, delete-orphan",
        order_by="SegmentRow.position",
        passive_deletes=True,
    )
    source_file: Mapped[SourceFileRow | None] = relationship()


class SegmentRow(Base):
    """A lap or a stretch of one direction; offsets from the session's start [s]."""

    __tablename__ = "segment"
    __table_args__ = (UniqueConstraint("session_id", "position", name="uq_segment_position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    start_offset_s: Mapped[float] = mapped_column(Float)
    elapsed_s: Mapped[float | None] = mapped_column(Float)
    moving_s: Mapped[float | None] = mapped_column(Float)
    distance_m: Mapped[float | None] = mapped_column(Float)
    direction: Mapped[str] = mapped_column(String(16))
    speed_m_s: Mapped[float | None] = mapped_column(Float)
    grade_percent: Mapped[float | None] = mapped_column(Float)
    load_kg: Mapped[float | None] = mapped_column(Float)
    sled_kg: Mapped[float | None] = mapped_column(Float)
    heart_rate_bpm: Mapped[float | None] = mapped_column(Float)
    cadence_spm: Mapped[float | None] = mapped_column(Float)
    device_kcal: Mapped[float | None] = mapped_column(Float)
    side_stepping_s: Mapped[float | None] = mapped_column(Float)
    """Side-stepping dominating the segment, from a gait analysis [s] (see ``log.model``)."""

    session: Mapped[SessionRow] = relationship(back_populates="segments")


class PeriodTotalRow(Base):
    """One person's totals of one ISO week or month, kept on every write (``store.totals``)."""

    __tablename__ = "period_total"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    """``week`` (ISO, from Monday) or ``month``."""
    first_day: Mapped[date] = mapped_column(Date, primary_key=True)
    sessions: Mapped[int] = mapped_column(Integer)
    undated: Mapped[int] = mapped_column(Integer)
    time_s: Mapped[float] = mapped_column(Float)
    distance_m: Mapped[float] = mapped_column(Float)
    energy_kcal: Mapped[float] = mapped_column(Float)
    energy_unknown: Mapped[int] = mapped_column(Integer)
    backward_s: Mapped[float] = mapped_column(Float)
    direction_known_s: Mapped[float] = mapped_column(Float)


class SamplesRow(Base):
    """A session's per-record channels as one compressed columnar blob (see ``store.samples``)."""

    __tablename__ = "samples"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("session.id", ondelete="CASCADE"), primary_key=True
    )
    n_points: Mapped[int] = mapped_column(Integer)
    channels: Mapped[str] = mapped_column(Text)
    """Comma-separated channel names in blob order."""
    codec: Mapped[str] = mapped_column(String(32))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ImportLogRow(Base):
    """What happened to each imported file (written in the file's own transaction)."""

    __tablename__ = "import_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    file_name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text, default="")
    session_ids: Mapped[str] = mapped_column(Text, default="")


def session_local_date(
    start_utc: datetime | None, utc_offset_s: int | None, imported_at: datetime | None
) -> date | None:
    """The day a session counts on: its local start day, else its (UTC) import day."""
    if start_utc is not None:
        return (start_utc + timedelta(seconds=utc_offset_s or 0)).date()
    return None if imported_at is None else imported_at.date()


@event.listens_for(SessionRow, "before_insert")
@event.listens_for(SessionRow, "before_update")
def _keep_local_date(_mapper: Any, _connection: Any, row: SessionRow) -> None:
    row.local_date = session_local_date(row.start_utc, row.utc_offset_s, row.imported_at)


# The sessions' directions and the personal records are kept on every write of these tables
# (store.directions and store.records register the listeners that do it): imported with the
# models, so no writer can miss them.
from retrostride.store import directions as _directions  # noqa: E402, F401
from retrostride.store import records as _records  # noqa: E402, F401
