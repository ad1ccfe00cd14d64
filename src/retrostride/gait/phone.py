"""Steps and cadence from a phone carried anywhere (hand, pocket, armband, bag, neck pouch)."""

from __future__ import annotations

import math
from typing import Self

import numpy as np
from scipy.signal import find_peaks

from retrostride.gait._signal import bandpass, local_step_period_s, lowpass
from retrostride.gait.bouts import StepSequenceBouts
from retrostride.gait.lower_back import EDGE_BOB_RATIO, MIN_BOUT_STEPS
from retrostride.gait.recording import FloatArray, IntArray, Recording
from retrostride.gait.result import BoutResult, GaitResult, StrideTable
from retrostride.gait.summary import bout_result
from retrostride.science.locomotion import Direction

EDGE_STEP_RATIO = EDGE_BOB_RATIO
"""A bout's first and last peaks count as steps only with at least this fraction of the bout's
median prominence: the lower-back pipeline's rule for the bob of a bout's edge contacts
(:data:`retrostride.gait.lower_back.EDGE_BOB_RATIO`, read off the Mobilise-D lab data, not off
the phone files), carried over: a step's impact does not fall to a third of its neighbours' at
the end of a walk, handling the phone does. On the six Oxford phone files the count's mean
absolute error is 0.83, 0.69, 0.78, 0.88 and 1.03 % at 0.2, 0.25, 1/3, 0.4 and 0.5 (1.17 %
without the rule): the choice does not rest on a sharp optimum."""


class NormPeakSteps:
    """Steps as peaks of the band-passed norm of the acceleration (orientation-free).

    Steps
    -----
    1. ``|acc|`` (specific force norm, gravity included: independent of how the phone is held).
    2. Band-pass ``band_hz`` (0.5-3 Hz covers walking cadences of 30-180 steps/min).
    3. Peaks at least ``min_step_s`` apart whose prominence exceeds ``prominence_ratio`` times the
       local RMS of the band-passed signal (its envelope, low-passed at 0.3 Hz) and
       ``min_prominence_m_s2``: a relative threshold follows the very different amplitudes of a
       phone in a hand and in a bag.
    4. Of two peaks closer than ``min_step_fraction`` (0.7) times the local step period
       (:func:`retrostride.gait._signal.local_step_period_s`, windowed autocorrelation), the
       weaker is dropped: a phone in a bag or a pocket often shows two peaks per step, while
       real steps are rarely closer than 0.7 of the typical one (step-time variability is a
       few percent; even a marked limp, step-time ratio 1.4, keeps the short step at 0.83).
    5. Only peaks inside walking bouts (:class:`StepSequenceBouts`: four or more regular steps)
       count, which rejects isolated movements.
    6. A bout's leading and trailing peaks must carry a step's impact: a prominence of at least
       ``edge_step_ratio`` (1/3) of the bout's median (``EDGE_STEP_RATIO``), else they are
       dropped. When walking stops, the local RMS that sets step 3's threshold decays with it,
       so handling the phone (taking it out of a pocket or a bag) passes as a few more steps.

    A generic peak-counting pedometer (e.g. Brajdic A, Harle R 2013, "Walk detection and step
    counting on unconstrained smartphones", UbiComp, the paper of the Oxford data set: windowed
    peak detection on the magnitude was among the best of the algorithms they compared).

    Results: ``steps_`` (sample indices of counted steps), ``bouts_`` (pairs of indices into
    ``steps_``).
    """

    def __init__(
        self,
        *,
        band_hz: tuple[float, float] = (0.5, 3.0),
        min_step_s: float = 0.25,
        prominence_ratio: float = 0.5,
        min_prominence_m_s2: float = 0.1,
        bouts: StepSequenceBouts | None = None,
        min_step_fraction: float = 0.7,
        edge_step_ratio: float = EDGE_STEP_RATIO,
    ) -> None:
        self.band_hz = band_hz
        self.min_step_s = min_step_s
        self.prominence_ratio = prominence_ratio
        self.min_prominence_m_s2 = min_prominence_m_s2
        self.bouts = bouts
        self.min_step_fraction = min_step_fraction
        self.edge_step_ratio = edge_step_ratio

    def _gate(
        self, peaks: IntArray, prominence: FloatArray, period_s: FloatArray, fs: float
    ) -> IntArray:
        """Of two peaks closer than ``min_step_fraction`` x the local step period, keep the
        more prominent (a few vectorised passes; each pass removes the weaker of close pairs)."""
        for _ in range(8):
            if peaks.size < 2:
                break
            gap = np.diff(peaks) / fs
            close = np.flatnonzero(gap < self.min_step_fraction * period_s[peaks[1:]])
            if close.size == 0:
                break
            drop = np.unique(np.where(prominence[close] < prominence[close + 1], close, close + 1))
            keep = np.ones(peaks.size, dtype=bool)
            keep[drop] = False
            peaks, prominence = peaks[keep], prominence[keep]
        return peaks

    @staticmethod
    def _trim_edges(bouts: IntArray, prominence: FloatArray, ratio: float) -> IntArray:
        """Drop each bout's leading and trailing peaks whose prominence is below ``ratio`` x
        the median over the bout (see ``EDGE_STEP_RATIO``); a bout left with fewer than
        ``MIN_BOUT_STEPS`` steps goes. ``bouts`` (k, 2): first and last peak index."""
        if ratio <= 0 or bouts.size == 0:
            return bouts
        out = []
        for b0, b1 in bouts:  # one iteration per bout
            ref = ratio * float(np.median(prominence[b0 : b1 + 1]))
            while b0 < b1 and prominence[b0] < ref:
                b0 += 1
            while b1 > b0 and prominence[b1] < ref:
                b1 -= 1
            if b1 - b0 + 1 >= MIN_BOUT_STEPS:
                out.append((b0, b1))
        return np.array(out, dtype=np.intp).reshape(-1, 2)

    def detect(self, recording: Recording) -> Self:
        fs = recording.sampling_rate_hz
        norm = np.linalg.norm(recording.acc_m_s2, axis=1)
        s = bandpass(norm, *self.band_hz, fs)
        env = np.sqrt(np.maximum(lowpass(s * s, 0.3, fs), 0.0))
        peaks, props = find_peaks(
            s,
            distance=max(1, int(self.min_step_s * fs)),
            prominence=self.min_prominence_m_s2,
            wlen=max(3, int(4.0 * fs)),  # local prominence: chunked == whole analysis
        )
        keep = props["prominences"] > self.prominence_ratio * env[peaks]
        peaks, prominence = peaks[keep], props["prominences"][keep]
        peaks = self._gate(peaks, prominence, local_step_period_s(s, fs), fs)
        bouts = (self.bouts or StepSequenceBouts()).detect(peaks / fs).bouts_
        bouts = self._trim_edges(bouts, prominence, self.edge_step_ratio)
        self.candidates_ = peaks
        self.bouts_ = bouts
        keep = np.zeros(peaks.size, dtype=bool)
        for b0, b1 in bouts:
            keep[b0 : b1 + 1] = True
        self.steps_ = peaks[keep]
        return self


class PhonePipeline:
    """Steps, cadence and bouts from a phone carried anywhere; direction ``unknown``.

    A phone in a pocket or a bag has no known orientation relative to the body, so the fore-aft
    axis and its sign cannot be told: the direction is always ``unknown`` here (a phone clipped
    at the waist with a known mounting is analysed by the lower-back pipeline instead). No
    stride length or speed either: they need a known placement.
    """

    def __init__(self, *, steps: NormPeakSteps | None = None) -> None:
        self.steps = steps

    def run(self, recording: Recording) -> Self:
        fs = recording.sampling_rate_hz
        det = (self.steps or NormPeakSteps()).detect(recording)
        bouts: list[BoutResult] = []
        for b0, b1 in det.bouts_:
            ic = det.candidates_[b0 : b1 + 1] / fs
            starts, ends = ic[:-2], ic[2:]
            nan = np.full(starts.size, math.nan)
            strides = StrideTable(
                start_s=starts,
                end_s=ends,
                initial_contact_s=starts,
                final_contact_s=nan,
                side=[""] * starts.size,
                duration_s=ends - starts,
                length_m=nan,
                speed_m_s=nan,
                direction_sign=np.zeros(starts.size),
            )
            bouts.append(
                bout_result(
                    ic_s=ic,
                    fc_s=np.empty(0),
                    ic_side=[""] * ic.size,
                    strides=strides,
                    direction=Direction.UNKNOWN,
                    confidence=0.0,
                )
            )
        self.result_ = GaitResult(
            placement=recording.placement,
            sampling_rate_hz=fs,
            duration_s=recording.duration_s,
            bouts=bouts,
            step_count=int(det.steps_.size),
            source=recording.source,
            warnings=["phone orientation unknown: direction not estimated"],
        )
        return self
