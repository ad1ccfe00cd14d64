"""Walking bouts from a sequence of detected steps."""

from __future__ import annotations

import math
from typing import Self

import numpy as np

from retrostride.gait.recording import FloatArray, IntArray


class StepSequenceBouts:
    """Walking bouts: runs of consecutive steps of plausible, regular duration.

    A step is the interval between two consecutive initial contacts. A bout is a run of at
    least ``min_steps`` steps, each lasting ``min_step_s`` to ``max_step_s`` and differing from
    the run's median step by at most ``max_step_ratio`` (a factor): a pause, a stumble or a
    non-walking movement ends the run. Four steps make two strides, the minimum walking bout of
    the Mobilise-D consensus (Kluge F et al. 2021, PLoS ONE 16:e0256541).

    Results: ``bouts_`` (k, 2) indices into the contact array: first and last IC of each bout.
    """

    def __init__(
        self,
        *,
        min_steps: int = 4,
        min_step_s: float = 0.25,
        max_step_s: float = 1.5,
        max_step_ratio: float = 1.8,
    ) -> None:
        self.min_steps = min_steps
        self.min_step_s = min_step_s
        self.max_step_s = max_step_s
        self.max_step_ratio = max_step_ratio

    def detect(self, ic_s: FloatArray) -> Self:
        """Group initial contacts [s] into bouts."""
        steps = np.diff(ic_s)
        ok = (steps >= self.min_step_s) & (steps <= self.max_step_s)
        if steps.size >= 3:
            # local median over 5 steps: a step far from its neighbours breaks the run
            pad = np.pad(steps, 2, mode="edge")
            windows = np.lib.stride_tricks.sliding_window_view(pad, 5)
            med = np.median(windows, axis=1)
            ratio = np.maximum(steps / med, med / steps)
            ok &= ratio <= self.max_step_ratio
        bouts = self._runs(ok)
        keep = (bouts[:, 1] - bouts[:, 0]) >= self.min_steps
        self.bouts_: IntArray = bouts[keep]
        return self

    @staticmethod
    def _runs(ok: np.ndarray) -> IntArray:
        """(k, 2) [first IC, last IC] of runs of True steps (step i joins IC i and i+1)."""
        if ok.size == 0:
            return np.empty((0, 2), dtype=np.intp)
        edges = np.diff(np.concatenate(([0], ok.astype(np.int8), [0])))
        starts = np.flatnonzero(edges == 1)
        ends = np.flatnonzero(edges == -1)  # exclusive step index = last IC index
        return np.column_stack([starts, ends]).astype(np.intp)


MAX_BREAK_S = 3.0
"""Longest break inside a walking bout [s]: the Mobilise-D walking-bout definition ends a bout
at a break of more than 3 s between strides (Kluge F et al. 2021, PLoS ONE 16:e0256541; the
same rule as mobgap's ``WbAssembly`` Mobilise-D preset, ``MaxBreakCriteria(max_break_s=3)``)."""

QUIET_STEP_RATIO = 0.25
"""A step is quiet (standing, shifting weight, reaching: no walking step) when the energy of
the vertical acceleration over it (its standard deviation, 0.5-8 Hz: the loading and the
pendular rise of a step) is below this fraction of the bout's walking level (the upper
quartile over the bout's steps) and it does not repeat the step before it
(``REGULAR_STEP_R``). Energy alone cannot tell slow walking from standing: a pendular step's
vertical acceleration grows with its rise times the square of its frequency, and at a constant
walk ratio (step length / cadence, Sekiya & Nagasaki 1998, Gait Posture 7:29) the rise grows
with the square of the step length, so a step at 40 steps/min carries a few percent of the
energy of one at 110; but walking repeats itself step after step, weight shifts do not. The
0.25 was read off the Mobilise-D lab data (INDIP reference): standing pauses 0.06-0.19 of the
level, a person with MS shuffling through a turn that INDIP counts as walking 0.11-0.34,
ordinary steps 0.6-1.3. A single quiet step occurs in walking (a slow turning step): only a
run of them lasting more than ``MAX_BREAK_S`` is a pause."""

REGULAR_STEP_R = 0.5
"""Step regularity (Moe-Nilssen R, Helbostad JL 2004, J Biomech 37:121: the autocorrelation of
the vertical acceleration at the lag of one step) from which steps repeat one another and are
walking whatever their energy: more alike than not. Standing, shifting weight or reaching has
no repeating pattern (Mobilise-D lab pauses: -0.2 to +0.2)."""

WALKING_LEVEL_QUANTILE = 0.75
"""Quantile of a bout's step energies taken as its walking level: a bout may hold as many
non-walking steps as walking ones (Mobilise-D lab, MS Test11 at 8.7-32 s: 16 walking steps, 29
not), so not the median."""


def quantile(x: FloatArray, q: float) -> float:
    """``np.quantile(x, q)`` of a non-empty 1-D array by its default (linear) method: the same
    index ``(n - 1) q``, neighbours and interpolation, without numpy's general machinery
    (about a hundred array calls); NaN in ``x`` goes to ``np.quantile`` itself."""
    n = x.size
    at = (n - 1) * q
    if np.isnan(x).any() or not 0.0 <= q <= 1.0:
        return float(np.quantile(x, q))
    lo = math.floor(at) if at < n - 1 else n - 1
    hi = min(lo + 1, n - 1)
    part = np.partition(x, (lo, hi))
    a, b = float(part[lo]), float(part[hi])
    t = at - lo
    d = b - a
    # numpy's lerp: from the nearer neighbour
    return b - d * (1.0 - t) if t >= 0.5 else a + d * t


def split_at_pauses(
    bouts: IntArray,
    ic_s: FloatArray,
    step_energy: FloatArray,
    step_regularity: FloatArray | None = None,
    *,
    ratio: float = QUIET_STEP_RATIO,
    max_break_s: float = MAX_BREAK_S,
) -> IntArray:
    """Cut bouts where walking pauses: at runs of quiet steps lasting more than
    ``max_break_s`` (see ``QUIET_STEP_RATIO``), which are left out.

    ``bouts`` (k, 2): first and last IC index of each bout; ``ic_s`` the ICs [s];
    ``step_energy`` per step (step i from IC i to IC i + 1; any unit, compared within a bout);
    ``step_regularity`` per step (NaN: unknown, taken as irregular); a step
    of ``REGULAR_STEP_R`` or more is never quiet. Returns the bouts' pieces, (m, 2), pieces of
    no step dropped.
    """
    regular = (
        np.zeros(step_energy.size, dtype=bool)
        if step_regularity is None
        else np.nan_to_num(step_regularity, nan=-1.0) >= REGULAR_STEP_R
    )
    out: list[tuple[int, int]] = []
    for b0, b1 in bouts:  # one iteration per bout
        e = step_energy[b0:b1]
        if e.size == 0:
            continue
        quiet = (e < ratio * quantile(e, WALKING_LEVEL_QUANTILE)) & ~regular[b0:b1]
        start = b0
        for q0, q1 in StepSequenceBouts._runs(quiet):  # steps q0..q1-1 of the bout
            if ic_s[b0 + q1] - ic_s[b0 + q0] > max_break_s:
                if b0 + q0 > start:
                    out.append((start, b0 + q0))
                start = b0 + q1
        if b1 > start:
            out.append((start, int(b1)))
    return np.array(out, dtype=np.intp).reshape(-1, 2)
