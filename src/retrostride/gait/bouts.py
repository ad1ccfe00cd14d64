"""Walking bouts from a sequence of detected steps."""

from __future__ import annotations

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
