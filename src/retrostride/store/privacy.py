"""Per-account privacy of GPS tracks: how much of a track's ends others may not see."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from retrostride.store import accounts as _accounts  # noqa: F401  (the account table)
from retrostride.store.db import Base


class TrackPrivacyRow(Base):
    """An account's privacy zone radius [m] around the start and the end of its tracks, hidden
    from everyone it shares with (no row: the default of ``services.track_privacy``)."""

    __tablename__ = "track_privacy"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )
    hide_m: Mapped[int] = mapped_column(Integer)
