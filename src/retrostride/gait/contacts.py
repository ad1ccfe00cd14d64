"""Initial and final contacts from the vertical acceleration of a lower-back sensor."""

from __future__ import annotations

from typing import Self

import numpy as np
from scipy.signal import find_peaks

from retrostride.gait._signal import bandpass, highpass, integrate, window_index
from retrostride.gait.recording import FloatArray, IntArray


class VerticalJerkContacts:
    """Initial (IC) and final (FC) contacts from the trunk's vertical acceleration.

    Steps
    -----
    1. Band-pass the gravity-free vertical acceleration ``a_v`` (``band_hz``) and integrate it
       to the vertical velocity ``v_z`` of the trunk (high-passed to remove drift).
    2. Each step's descent ends at a minimum of ``v_z`` (the trunk falls fastest just before the
       leading foot takes the load); minima at least ``min_step_s`` apart with a prominence
       above ``min_prominence_m_s`` are step candidates (the minimum of ``v_z`` is the upward
       zero crossing of ``a_v``, the event that McCamley et al. 2012 find as minima of the
       integrated, wavelet-differentiated vertical acceleration).
    3. IC = the steepest rise of ``a_v`` (maximum vertical jerk, ``a_v`` band-passed to
       ``jerk_band_hz``) from ``ic_window_s[0]`` to ``ic_window_s[1]`` around that minimum,
       but not beyond the step's crests of ``v_z`` (the maxima found in step 2) on either side
       of it: loading of the new stance limb makes the ground reaction force, hence ``a_v``,
       rise steeply, and while ``a_v`` is positive ``v_z`` rises, so this step's loading is
       over by the next crest; beyond it the steepest rise belongs to another event. The bound
       scales with the step, where a window in seconds does not: 0.3 s reaches past the crest
       in quick or irregular steps (a person with multiple sclerosis in free living, Mobilise-D
       Test11, or any walk sped up), and the jerk of the next event then wins. On the
       Mobilise-D lab recordings the bound took the mean absolute IC error against INDIP from
       0.045 to 0.043 s (192 ICs) and the strides of Test11 (MS) found again in its 1.2x faster
       and its stance +10 pp time-reversed variants from 77 % to 81 % and from 78 % to 84 %.
       This is direction-free: it relies on loading, not on heel-first contact.
    4. FC, by the same physics run backwards in time: the steepest fall of ``a_v`` around each
       maximum of ``v_z`` (the trailing limb unloads), not beyond the troughs on either side.
       Validated against INDIP, FCs come out about 0.08 s early (see ``docs/gait.md``).

    No contact is placed within ``edge_s`` of either end of the recording, where the filters
    have not settled (this also makes a chunked analysis agree with a whole one).

    Data: ``a_v`` [m/s^2], any sampling rate >= 20 Hz. Deviations from McCamley: the Gaussian
    wavelet smoothing is replaced by Butterworth filters and the IC is refined to the jerk peak,
    which on the Mobilise-D lab data (INDIP reference) has a median error of +0.01 s and a mean
    absolute error of 0.06 s, against 0.09-0.1 s for the ``v_z`` minimum or the ``a_v`` peak.

    References: McCamley J, Donati M, Grimpampi E, Mazzà C (2012) Gait Posture 36:316-318;
    Paraschiv-Ionescu A et al. (2019) "Locomotion and cadence detection using a single trunk-fixed
    accelerometer", Gait Posture; Zijlstra W, Hof AL (2003) Gait Posture 18:1-10.
    """

    def __init__(
        self,
        *,
        band_hz: tuple[float, float] = (0.5, 3.0),
        jerk_band_hz: tuple[float, float] = (0.5, 8.0),
        min_step_s: float = 0.25,
        min_prominence_m_s: float = 0.02,
        ic_window_s: tuple[float, float] = (-0.05, 0.3),
        fc_window_s: tuple[float, float] = (-0.3, 0.05),
        edge_s: float = 0.5,
    ) -> None:
        self.band_hz = band_hz
        self.jerk_band_hz = jerk_band_hz
        self.min_step_s = min_step_s
        self.min_prominence_m_s = min_prominence_m_s
        self.ic_window_s = ic_window_s
        self.fc_window_s = fc_window_s
        self.edge_s = edge_s

    def detect(self, a_v_m_s2: FloatArray, sampling_rate_hz: float) -> Self:
        """Find contacts; results in ``ic_``, ``fc_`` (sample indices), ``v_z_m_s_`` and the
        vertical acceleration band-passed for the steps (``a_v_band_m_s2_``, ``band_hz``) and
        for the contacts (``a_v_jerk_band_m_s2_``, ``jerk_band_hz``)."""
        fs = sampling_rate_hz
        n = a_v_m_s2.shape[0]
        s = bandpass(a_v_m_s2, *self.band_hz, fs)
        v = highpass(integrate(s, fs), self.band_hz[0], fs)
        jerk_src = bandpass(a_v_m_s2, *self.jerk_band_hz, fs)
        jerk = np.gradient(jerk_src)
        dist = max(1, int(self.min_step_s * fs))
        # wlen: prominence judged within +-2 s, so a result never depends on far-away data
        # (a chunked analysis then equals a whole one)
        wlen = max(3, int(4.0 * fs))
        vmin, _ = find_peaks(-v, distance=dist, prominence=self.min_prominence_m_s, wlen=wlen)
        vmax, _ = find_peaks(v, distance=dist, prominence=self.min_prominence_m_s, wlen=wlen)
        # within edge_s of either end the filters have not settled: no contacts there
        edge = int(self.edge_s * fs)
        # the step candidates' crests bound each IC's search, their troughs each FC's (all of
        # them, also those near the ends)
        crests, troughs = vmax, vmin
        vmin = vmin[(vmin >= edge) & (vmin < n - edge)]
        vmax = vmax[(vmax >= edge) & (vmax < n - edge)]
        lo, hi = (round(w * fs) for w in self.ic_window_s)
        ic = self._refine(vmin, jerk, lo, hi, crests)
        lo, hi = (round(w * fs) for w in self.fc_window_s)
        fc = self._refine(vmax, -jerk, lo, hi, troughs)
        self.ic_: IntArray = np.unique(ic)
        self.fc_: IntArray = np.unique(fc)
        self.v_z_m_s_: FloatArray = v
        self.a_v_band_m_s2_: FloatArray = s
        self.a_v_jerk_band_m_s2_: FloatArray = jerk_src
        self.step_prominence_m_s_: FloatArray = (
            np.interp(self.ic_, vmin, -v[vmin]) if vmin.size else np.empty(0)
        )
        return self

    @staticmethod
    def _refine(
        anchors: IntArray, score: FloatArray, lo: int, hi: int, borders: IntArray
    ) -> IntArray:
        """Per anchor: the sample of highest ``score`` from ``anchor + lo`` to ``anchor + hi``,
        strictly between the ``borders`` (sorted sample indices) on either side of the anchor
        (the anchor itself always qualifies)."""
        n = score.shape[0]
        if anchors.size == 0:
            return np.empty(0, dtype=np.intp)
        idx = window_index(anchors, lo, hi, n)
        # sentinels: no border before the first crest or after the last
        padded = np.concatenate(([-1], borders, [n]))
        k = np.searchsorted(padded, anchors)
        inside = (idx > padded[k - 1][:, None]) & (idx < padded[k][:, None])
        inside |= idx == anchors[:, None]
        col = np.argmax(np.where(inside, score[idx], -np.inf), axis=1)
        return np.asarray(idx[np.arange(anchors.size), col], dtype=np.intp)
