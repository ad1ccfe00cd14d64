"""A person's display choices (speed and mass units, time zone) and the formatting using them.

The choices belong to the account (:mod:`retrostride.services.preferences`); an athlete's
time zone is also written to their log profile (where programs and calendars read it). The
browser's own zone (``retrostride_zone``, set by our script) is proposed until one is chosen;
``retrostride_prefs`` is the cookie of older versions, read until the account has a choice.
Values stay SI inside; only what is shown is converted.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import quote, unquote
from zoneinfo import ZoneInfo, available_timezones

from retrostride.science import units

# The choices and the zone check are the account's (one definition, in services).
from retrostride.services.preferences import DATE_FORMATS as DATE_FORMATS
from retrostride.services.preferences import MASS_UNITS as MASS_UNITS
from retrostride.services.preferences import SPEED_UNITS as SPEED_UNITS
from retrostride.services.preferences import valid_zone as valid_zone

PREFS_COOKIE = "retrostride_prefs"
BROWSER_ZONE_COOKIE = "retrostride_zone"


def zone_names() -> list[str]:
    """Every IANA zone name, sorted (for the settings form)."""
    return sorted(z for z in available_timezones() if "/" in z or z == "UTC")


@dataclass(frozen=True, slots=True)
class Prefs:
    speed_unit: str = "km/h"
    mass_unit: str = "kg"
    time_zone: str = "UTC"
    date_format: str = "day-month"

    @property
    def distance_unit(self) -> str:
        return "mi" if self.speed_unit == "mph" else "km"

    def cookie_value(self) -> str:
        return quote(f"{self.speed_unit}|{self.mass_unit}|{self.time_zone}", safe="")

    @classmethod
    def from_cookie(cls, raw: str | None) -> Prefs | None:
        """The choices in the cookie, or None when absent or not valid."""
        if not raw:
            return None
        parts = unquote(raw).split("|")
        if len(parts) != 3:
            return None
        speed, mass, zone = parts
        if speed not in SPEED_UNITS or mass not in MASS_UNITS or not valid_zone(zone):
            return None
        return cls(speed, mass, zone)


@dataclass(frozen=True, slots=True)
class Formatter:
    """Formats SI values for display in the person's units and zone (``-`` when unknown)."""

    prefs: Prefs

    @staticmethod
    def _known(value: float | None) -> bool:
        return value is not None and math.isfinite(value)

    def speed(self, speed_m_s: float | None) -> str:
        if not self._known(speed_m_s):
            return "-"
        assert speed_m_s is not None
        return units.format_speed(speed_m_s, self.prefs.speed_unit)

    def speed_value(self, speed_m_s: float) -> float:
        """A speed [m/s] as a number in the chosen unit."""
        return units.speed_in(speed_m_s, self.prefs.speed_unit)

    def mass(self, mass_kg: float | None) -> str:
        if not self._known(mass_kg):
            return "-"
        assert mass_kg is not None
        return units.format_mass(mass_kg, self.prefs.mass_unit)

    def mass_value(self, mass_kg: float) -> float:
        return units.mass_in(mass_kg, self.prefs.mass_unit)

    def pace(self, speed_m_s: float | None) -> str:
        """A speed as pace in min/km or min/mile (the person's distance unit)."""
        if not self._known(speed_m_s) or not speed_m_s or speed_m_s < 0.05:
            return "-"
        return units.format_pace(speed_m_s, self.prefs.distance_unit)

    @property
    def elevation_unit(self) -> str:
        """Feet with miles, else metres."""
        return "ft" if self.prefs.distance_unit == "mi" else "m"

    def elevation_value(self, metres: float) -> float:
        """A height or climb [m] as a number in :attr:`elevation_unit`."""
        return metres / units.M_PER_FOOT if self.elevation_unit == "ft" else metres

    def elevation(self, metres: float | None) -> str:
        """``120 m`` or ``394 ft`` (whole units; ``-`` when unknown)."""
        if not self._known(metres):
            return "-"
        assert metres is not None
        return f"{self.elevation_value(metres):.0f} {self.elevation_unit}"

    def distance(self, distance_m: float | None) -> str:
        if not self._known(distance_m):
            return "-"
        assert distance_m is not None
        return units.format_distance(distance_m, self.prefs.distance_unit)

    def distance_value(self, distance_m: float) -> float:
        """A distance [m] as a number in the person's distance unit (km or mi)."""
        per = units.M_PER_MILE if self.prefs.distance_unit == "mi" else 1000.0
        return distance_m / per

    def duration(self, seconds: float | None) -> str:
        """``14 min``, ``14 min 05 s``, ``1 h 05 min`` (never mistaken for a clock time)."""
        if not self._known(seconds):
            return "-"
        assert seconds is not None
        total = round(seconds)
        hours, rest = divmod(total, 3600)
        minutes, secs = divmod(rest, 60)
        if hours:
            return f"{hours} h {minutes:02d} min"
        if minutes == 0:
            return f"{secs} s"
        return f"{minutes} min" if secs == 0 else f"{minutes} min {secs:02d} s"

    def minutes(self, seconds: float | None) -> str:
        if not self._known(seconds):
            return "-"
        assert seconds is not None
        return f"{seconds / 60:.0f} min"

    def kcal(self, kcal: float | None) -> str:
        if not self._known(kcal):
            return "-"
        assert kcal is not None
        return f"{kcal:.0f} kcal"

    def local(self, when: datetime | str | None) -> datetime | None:
        if when is None:
            return None
        if isinstance(when, str):
            when = datetime.fromisoformat(when)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return when.astimezone(ZoneInfo(self.prefs.time_zone))

    def when(self, when: datetime | str | None) -> str:
        """A UTC time in the person's zone: ``Tue 3 Nov 2026, 07:45``."""
        local = self.local(when)
        if local is None:
            return "time unknown"
        if self.prefs.date_format == "iso":
            return f"{local:%Y-%m-%d %H:%M}"
        return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"

    def day(self, day: date | str | None) -> str:
        if day is None:
            return "-"
        if isinstance(day, str):
            day = date.fromisoformat(day)
        if self.prefs.date_format == "iso":
            return day.isoformat()
        return f"{day:%a} {day.day} {day:%b %Y}"

    def day_namer(self) -> Callable[[date], str]:
        """:meth:`day` for many days (a calendar's): the weekday and month names worded once
        (``%a``/``%b`` of the same locale), each day then one string."""
        if self.prefs.date_format == "iso":
            return date.isoformat
        weekdays = [f"{date(2024, 1, 1 + k):%a}" for k in range(7)]  # 2024-01-01: a Monday
        months = [f"{date(2024, m, 1):%b}" for m in range(1, 13)]
        return lambda d: f"{weekdays[d.weekday()]} {d.day} {months[d.month - 1]} {d.year}"

    def today(self) -> date:
        """Today's date in the person's zone."""
        return datetime.now(ZoneInfo(self.prefs.time_zone)).date()
