"""The web app's upload jobs: what was received, and how far its import has come."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from retrostride.store.db import Base, UTCDateTime


class UploadJobRow(Base):
    """One upload of one or many files into a person's log, imported file by file.

    ``status``: ``receiving`` -> ``importing`` -> ``done`` (or ``failed`` when the server
    stopped it). ``results_json`` lists each file's outcome as the log's import reports it.
    """

    __tablename__ = "upload_job"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    files_total: Mapped[int] = mapped_column(Integer, default=0)
    files_done: Mapped[int] = mapped_column(Integer, default=0)
    bytes_received: Mapped[int] = mapped_column(BigInteger, default=0)
    options_json: Mapped[str] = mapped_column(Text, default="{}")
    results_json: Mapped[str] = mapped_column(Text, default="[]")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
