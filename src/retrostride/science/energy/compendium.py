"""The Compendium of Physical Activities' locomotion rows: lookup by code, search by words.

Editions: 2011 (Ainsworth et al., Med Sci Sports Exerc 2011;43:1575) and 2024 (Herrmann et al.,
J Sport Health Sci 2024;13:6), 2024 by default. Values are shipped unaltered in
``retrostride/data/compendium.csv``; each row says which public copies it was read from
(``copies``) and whether more than one copy agrees (``copy_certainty``):

- ``F``: dpfens/FitnessJS ``data/METs/mets.csv`` (2011);
- ``B``: the project's verified table (values cross-checked by the team against the other copies);
- ``S``: a 2024 SQL dump with codes whose MET column truncates values of 10 and above to 9.9
  (such rows take their value from ``T``/``P`` and are never read from ``S``);
- ``T``: a 2024 spreadsheet copy with values but no codes (matched by description);
- ``P``: text extracted from the 2024 PDF (codes and values, walking/running/stairs subset).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

from retrostride.errors import InputError
from retrostride.science.units import M_S_PER_MPH

EDITIONS: Final = (2011, 2024)
DEFAULT_EDITION: Final = 2024
MPH_TO_M_S: Final = M_S_PER_MPH
EDITION_SOURCES: Final[dict[int, str]] = {
    2011: "Ainsworth et al. 2011, Compendium of Physical Activities, Med Sci Sports Exerc 43:1575",
    2024: "Herrmann et al. 2024, Adult Compendium of Physical Activities, J Sport Health Sci 13:6",
}


@dataclass(frozen=True)
class CompendiumRow:
    """One Compendium activity: MET as published, with the conditions it describes.

    Speeds in mph as printed (``speed_min_mph``/``speed_max_mph``, None when unstated), grades in
    percent (negative downhill), loads in lb as printed.
    """

    edition: int
    code: str
    category: str
    description: str
    met: float
    speed_min_mph: float | None
    speed_max_mph: float | None
    grade_min_percent: float | None
    grade_max_percent: float | None
    direction: str | None
    setting: str
    gait: str | None
    load_min_lb: float | None
    load_max_lb: float | None
    copy_certainty: str
    copies: tuple[str, ...]

    @property
    def source(self) -> str:
        """The edition's citation."""
        return EDITION_SOURCES[self.edition]

    @property
    def speed_mid_m_s(self) -> float | None:
        """The middle of the row's speed range in m/s (how a range row is checked)."""
        if self.speed_min_mph is None or self.speed_max_mph is None:
            return None
        return (self.speed_min_mph + self.speed_max_mph) / 2 * MPH_TO_M_S

    @property
    def grade_mid_percent(self) -> float | None:
        """The middle of the row's grade range in percent."""
        if self.grade_min_percent is None or self.grade_max_percent is None:
            return None
        return (self.grade_min_percent + self.grade_max_percent) / 2


def _float(text: str) -> float | None:
    return float(text) if text.strip() else None


@cache
def _rows() -> tuple[CompendiumRow, ...]:
    text = resources.files("retrostride.data").joinpath("compendium.csv").read_text("utf-8")
    rows = []
    for record in csv.DictReader(text.splitlines()):
        rows.append(
            CompendiumRow(
                edition=int(record["edition"]),
                code=record["code"],
                category=record["category"],
                description=record["description"],
                met=float(record["met"]),
                speed_min_mph=_float(record["speed_min_mph"]),
                speed_max_mph=_float(record["speed_max_mph"]),
                grade_min_percent=_float(record["grade_min_percent"]),
                grade_max_percent=_float(record["grade_max_percent"]),
                direction=record["direction"] or None,
                setting=record["setting"],
                gait=record["gait"] or None,
                load_min_lb=_float(record["load_min_lb"]),
                load_max_lb=_float(record["load_max_lb"]),
                copy_certainty=record["copy_certainty"],
                copies=tuple(record["copies"].split(";")),
            )
        )
    return tuple(rows)


def check_edition(edition: int) -> int:
    """Return ``edition`` if it is 2011 or 2024, else raise :class:`InputError`."""
    if edition not in EDITIONS:
        raise InputError("edition", edition, "2011 or 2024")
    return int(edition)


def rows(edition: int = DEFAULT_EDITION) -> tuple[CompendiumRow, ...]:
    """Every shipped locomotion row of ``edition``."""
    check_edition(edition)
    return tuple(row for row in _rows() if row.edition == edition)


def lookup(code: str | int, edition: int = DEFAULT_EDITION) -> CompendiumRow:
    """The row with ``code`` (``"17320"``, ``17320`` or ``"7040"``) in ``edition``."""
    wanted = str(code).strip().zfill(5)
    for row in rows(edition):
        if row.code == wanted:
            return row
    shipped = "a locomotion code shipped for that edition (see `retrostride compendium search`)"
    raise InputError("code", code, f"{shipped}; {wanted} is not in the {edition} rows")


def search(words: str, edition: int = DEFAULT_EDITION) -> list[CompendiumRow]:
    """Rows of ``edition`` whose code, category or description contain every word (any case)."""
    terms = [term for term in re.split(r"\s+", words.lower().strip()) if term]
    found = []
    for row in rows(edition):
        haystack = f"{row.code} {row.category} {row.description}".lower()
        if all(term in haystack for term in terms):
            found.append(row)
    return found


STAIR_CODES: Final[dict[int, dict[str, str]]] = {
    2011: {"general": "17130", "slow": "17133", "fast": "17134", "descending": "17070"},
    2024: {
        "general": "17131",
        "slow": "17133",
        "fast": "17134",
        "two-steps": "17136",
        "up-and-down": "17138",
        "descending": "17070",
    },
}
