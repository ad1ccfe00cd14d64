"""Pain on the numeric rating scale and WOMAC subscale totals entered by a clinician.

WOMAC 3.1 Likert version (Bellamy; licensed through womac.org): 24 items scored 0-4; pain 5 items
(0-20), stiffness 2 items (0-8), physical function 17 items (0-68), total 0-96, higher is worse.
retrostride scores totals a clinician enters from a licensed copy; it never contains the
questionnaire's item wording.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from retrostride.errors import InputError

NRS_MAX = 10.0
"""The 0-10 numeric rating scale of pain (0 no pain, 10 worst imaginable)."""

WOMAC_MAXIMA: dict[str, float] = {"pain": 20.0, "stiffness": 8.0, "function": 68.0}
"""Subscale maxima of the WOMAC 3.1 Likert version (5, 2 and 17 items scored 0-4)."""
WOMAC_TOTAL_MAX = 96.0


def check_nrs(value: float, *, field: str = "pain") -> float:
    """``value`` on the 0-10 NRS, or :class:`InputError`."""
    if not math.isfinite(value) or not 0.0 <= value <= NRS_MAX:
        raise InputError(field, value, "a pain score from 0 to 10 (numeric rating scale)")
    return float(value)


def check_womac_subscale(name: str, value: float) -> float:
    """A WOMAC Likert subscale total (``pain`` 0-20, ``stiffness`` 0-8, ``function`` 0-68)."""
    if name not in WOMAC_MAXIMA:
        raise InputError("womac subscale", name, "pain, stiffness or function")
    maximum = WOMAC_MAXIMA[name]
    if not math.isfinite(value) or not 0.0 <= value <= maximum:
        raise InputError(
            f"womac_{name}", value, f"a WOMAC 3.1 Likert {name} total from 0 to {maximum:g}"
        )
    return float(value)


@dataclass(frozen=True, slots=True)
class WomacTotals:
    """The three WOMAC 3.1 Likert subscale totals; ``total`` is their sum (0-96)."""

    pain: float
    stiffness: float
    function: float

    def __post_init__(self) -> None:
        check_womac_subscale("pain", self.pain)
        check_womac_subscale("stiffness", self.stiffness)
        check_womac_subscale("function", self.function)

    @property
    def total(self) -> float:
        return self.pain + self.stiffness + self.function

    def normalised(self, name: str) -> float:
        """A subscale (or ``total``) as 0-100 (100 worst), as Tubach 2005 reports function."""
        if name == "total":
            return 100.0 * self.total / WOMAC_TOTAL_MAX
        value: float = getattr(self, name)
        return 100.0 * value / WOMAC_MAXIMA[name]
