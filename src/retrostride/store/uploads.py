"""The web app's upload jobs: what was received, and how far its import has come."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from retrostride.store.db import Base, UTCDateTime


class UploadJobRow(Base):
    """One job of the queue (``services.jobs``): an upload of files into a person's log
    (``kind`` ``import``, imported file by file) or a gait analysis (``gait``).

    ``status``: ``queued`` -> ``importing`` (claimed by a worker) -> ``done`` (or ``failed``).
    ``results_json`` lists each file's outcome; ``payload_json`` is what the worker needs;
    ``heartbeat_at`` is renewed while a worker runs the job (stale: the worker died);
    ``priority`` orders the claims (on PostgreSQL, procrastinate's job carries it too).
    """

    __tablename__ = "upload_job"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    files_total: Mapped[int] = mapped_column(Integer, default=0)
    files_done: Mapped[int] = mapped_column(Integer, default=0)
    bytes_received: Mapped[int] = mapped_column(BigInteger, default=0)
    options_json: Mapped[str] = mapped_column(Text, default="{}")
    results_json: Mapped[str] = mapped_column(Text, default="[]")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(16), default="import", server_default="import")
    payload_json: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    worker: Mapped[str | None] = mapped_column(String(64))
    priority: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Claim order, higher first (``services.jobs.job_priority``)."""
