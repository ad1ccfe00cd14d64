"""An account's display preferences (units, time zone, date format), kept on the server.

Every device of the account shows the same units; a value not chosen yet is None, and the
surface proposes one (the web app the browser's time zone).
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from retrostride.errors import InputError
from retrostride.store.accounts import AccountRow

SPEED_UNITS = ("km/h", "mph")
MASS_UNITS = ("kg", "lb")
DATE_FORMATS = ("day-month", "iso")


@dataclass(frozen=True, slots=True)
class Preferences:
    speed_unit: str | None = None
    mass_unit: str | None = None
    time_zone: str | None = None
    date_format: str | None = None


def valid_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone (``Europe/Paris``, ``UTC``)."""
    if not name or len(name) > 64:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def get_preferences(db: OrmSession, account_id: int) -> Preferences:
    row = db.execute(
        select(AccountRow.speed_unit, AccountRow.mass_unit, AccountRow.time_zone,
               AccountRow.date_format).where(AccountRow.id == account_id)
    ).first()
    return Preferences(*row) if row is not None else Preferences()


def check(preferences: Preferences) -> None:
    """Refuse a value outside its choices, naming the field."""
    p = preferences
    if p.speed_unit is not None and p.speed_unit not in SPEED_UNITS:
        raise InputError("speed_unit", p.speed_unit, "km/h or mph")
    if p.mass_unit is not None and p.mass_unit not in MASS_UNITS:
        raise InputError("mass_unit", p.mass_unit, "kg or lb")
    if p.time_zone is not None and not valid_zone(p.time_zone):
        raise InputError("time_zone", p.time_zone, "an IANA time zone such as Europe/Paris")
    if p.date_format is not None and p.date_format not in DATE_FORMATS:
        raise InputError("date_format", p.date_format, "day-month or iso")


def set_preferences(db: OrmSession, account_id: int, preferences: Preferences) -> None:
    """Store every preference given (None leaves a value as it is); the caller commits."""
    check(preferences)
    row = db.get(AccountRow, account_id)
    if row is None:
        raise InputError("account_id", account_id, "an existing account")
    for name in ("speed_unit", "mass_unit", "time_zone", "date_format"):
        value = getattr(preferences, name)
        if value is not None:
            setattr(row, name, value)
