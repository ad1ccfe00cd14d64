"""Walking direction (forward/backward) from a lower-back sensor with known mounting."""

from __future__ import annotations

import math
from typing import Self

import numpy as np
from scipy.special import betainc, log_ndtr, ndtr

from retrostride.gait._signal import lowpass
from retrostride.gait.recording import FloatArray, IntArray
from retrostride.science.locomotion import Direction

REVERSAL_CONFIDENCE = 0.8
"""Confidence each part of a bout must reach on its own, the opposite way to the other, for the
bout to be split at a reversal (:meth:`PendulumPhaseDirection.reversal_split`): that at which
a direction counts as said (issue 14's 0.8). At 0.5 (merely said), the free-living lab
recordings had short confident pieces cut off turning walks the wrong way (1 of 222 reference
strides in a bout of the wrong direction, four variants with 3-5 % of their strides so)."""


class PendulumPhaseDirection:
    """Direction of travel from the phase between fore-aft acceleration and vertical velocity.

    Physics (written down once)
    ---------------------------
    Walking is an inverted pendulum: the trunk vaults over the stance leg, highest at mid-stance
    and lowest around double support, and trades kinetic for potential energy, so its speed
    *along the direction of travel* is lowest at mid-stance and highest at double support
    (Cavagna GA, Heglund NC, Taylor CR 1977, Am J Physiol 233:R243; Cavagna & Margaria 1966).
    Write the trunk height as ``z = Z cos(wt)`` (top at t = 0, mid-stance). Travelling towards +x
    (forward, the way the sensor's x axis faces) the fore-aft velocity is ``V - k cos(wt)``, so
    the fore-aft acceleration ``a_ap = k w sin(wt)`` while the vertical velocity
    ``v_z = -Z w sin(wt)``: ``a_ap`` and ``v_z`` are in *anti-phase*. Travelling towards -x
    (backward) the speed still dips at mid-stance but the velocity is ``-(V - k cos(wt))``:
    ``a_ap`` and ``v_z`` are *in phase*. Hence

        direction = forward if corr(a_ap, v_z) < 0, backward if > 0.

    What it relies on: the sensor's x axis faces anteriorly (known mounting: the frame is
    ``body``), and the pendular exchange of energy in the walking bout. Nothing in it assumes
    forward walking or looks for an asymmetry in time: real backward walking, with toe-first
    contact, longer stance and shorter strides, still vaults over a stiff stance leg (assumed;
    the energy exchange of backward walking is reduced, not absent, but this was not verified on
    recorded backward walking: none with a licence-clean reference exists). On a time-reversed
    recording ``a_ap`` keeps its sign and ``v_z`` changes sign, so the sign of the correlation,
    hence the direction, flips, as it must. On the Mobilise-D lab recordings all 16 reference
    bouts give a negative correlation (forward), -0.1 to -0.96, weakest in short, turning bouts
    of the person with multiple sclerosis.

    Turns: in a turn the fore-aft axis rotates and the trunk brakes and pivots, which is not
    the pendular exchange above. Given a ``turning`` mask (e.g. from
    :class:`retrostride.gait.turns.YawRateTurns`), a bout's reported correlation uses only the
    samples outside turns (all of them if the bout is mostly turning), and a stride mostly
    inside a turn gets no sign of its own (0), so turns do not split a bout at a reversal.
    They do vote in the bout's confidence, weighed by their reliability (below): in the
    free-living lab recordings turns cover 30-80 % of the bouts, and there 77 % of the
    turning strides have the right sign (92 % of straight ones).

    Confidence: a sign test over the bout's strides (Dixon & Mood 1946, J Am Stat Assoc
    41:557) in which each stride votes with the weight of its own evidence, so a long bout of
    consistent strides reaches a high confidence even where each stride alone is weak (turning
    and shuffling in daily life), while a bout whose strides disagree stays low:

    - *Stride reliability.* ``r_i`` is the correlation of ``a_ap`` and ``v_z`` over stride
      ``i`` (turns included: walking along a curve still vaults over the stance leg, and the
      fore-aft axis turns with the trunk; a pivot on the spot has little pendular exchange and
      hence a weak ``r``, which the reliability weighs down instead of a mask). Both signals
      are band-limited to ``band_hz`` (0.5-3 Hz, the band of :class:`VerticalJerkContacts`'
      ``v_z`` and of the pipeline's ``a_ap``), so a stride of ``T`` seconds holds about
      ``n = 2 B T`` independent samples (``B`` the bandwidth; Shannon 1949, Proc IRE 37:10),
      about 5.5 in a 1.1-s stride. Fisher's z (Fisher 1921, Metron 1:3) then gives
      ``z_i = atanh|r_i| sqrt(max(n - 3, 1))`` and the probability that the stride's sign is
      that of its true correlation ``q_i = Phi(z_i)``; its vote is ``2 q_i - 1`` (0 for a coin
      flip, 1 for certainty). On the Mobilise-D lab recordings (forward walking only, strides
      inside INDIP's walking) the share of strides with the forward sign is 0.82 for
      ``|r|`` 0.5-0.7 and 0.97 above 0.7 (over the originals and their speed and stance
      variants), against ``q`` 0.81-0.91 and 0.91-1 from the model: the model is not
      optimistic.
    - *Strides that carry no walking step.* A stride whose pendular exchange (product of the
      standard deviations of ``a_ap`` and ``v_z``) is below ``walking_scale_ratio`` of the
      bout's median votes in proportion (shuffling and weight shifts at a bout's start,
      whose sign is noise, cannot outvote the walking: on the healthy adult's free-living
      recording sped up 1.2 times three such strides did, see ``tests/gait/test_contacts.py``).
      The ratio is ``EDGE_BOB_RATIO`` of the lower-back pipeline squared: a step's bob must
      reach 1/3 of the bout's median, and in pendular exchange ``a_ap`` scales with the bob
      as ``v_z`` does.
    - *Overlap.* Consecutive strides share a step (stride ``i`` runs from IC ``i`` to IC
      ``i + 2``), so each stride's vote counts ``overlap`` (one half): every step is counted
      once.
    - *Bout.* With ``F`` and ``B`` the summed votes of forward and backward strides, the share
      ``p`` of the bout's walking that goes forward has the posterior Beta(``F`` + 1/2,
      ``B`` + 1/2) (Jeffreys' prior, Jeffreys 1946, Proc R Soc A 186:453). The direction is
      that of the majority and the confidence ``|2 P(p > 1/2) - 1|`` (0: a coin flip, 1:
      certain). Below ``min_confidence`` (0.5, posterior odds 3:1) the direction is
      ``unknown``: on the lab data and their variants, bouts said at 0.28-0.41 were the only
      ones said the wrong way (slow turning walking of the person with MS, reversed and
      stance-warped; a bout that runs on into sitting down), none at 0.5 or more.

    Tried: weighing each stride by its pendular exchange relative to the bout's median
    without the 1/9 floor (backward coverage 85.6 -> 76.6 %); leaving strides in turns out of
    the vote (forward / backward coverage 87.0 / 72.1 %, three variants then put strides in
    bouts of the wrong direction); counting each stride fully (no overlap): a 5-stride bout of
    the healthy adult's free-living trial that INDIP does not count as walking (111-114.5 s)
    came out backward at 0.67. The bandwidth (2 or 3 Hz instead of 2.5) and the prior
    (uniform instead of Jeffreys') do not change the coverage.

    A stride's own sign (``stride_sign_``, reported) is given outside turns and where
    ``|r_i|`` exceeds ``min_stride_r``; its signed vote (``stride_evidence_``) finds where a
    bout reverses (:meth:`reversal_split`).

    Results: ``direction_`` and ``confidence_`` per bout, ``stride_sign_`` per stride
    (+1 forward, -1 backward, 0 unknown), ``stride_vote_`` per stride (the weight of its vote,
    0-``overlap``) and ``stride_evidence_`` (the same, signed: + forward), ``correlation_`` per
    bout (over its samples outside turns).
    """

    def __init__(
        self,
        *,
        min_confidence: float = 0.5,
        min_stride_r: float = 0.1,
        band_hz: tuple[float, float] = (0.5, 3.0),
        overlap: float = 0.5,
        walking_scale_ratio: float = (1.0 / 3.0) ** 2,
    ) -> None:
        self.min_confidence = min_confidence
        self.min_stride_r = min_stride_r
        self.band_hz = band_hz
        self.overlap = overlap
        self.walking_scale_ratio = walking_scale_ratio

    def stride_votes(
        self, r: FloatArray, duration_s: FloatArray, scale: FloatArray, bout_median: FloatArray
    ) -> FloatArray:
        """Weight of each stride's vote (see the class docstring): ``r`` its correlation,
        ``duration_s`` its length in time, ``scale`` its pendular exchange and ``bout_median``
        that of its bout's median stride."""
        n = 2.0 * (self.band_hz[1] - self.band_hz[0]) * duration_s
        z = np.arctanh(np.clip(np.abs(np.nan_to_num(r)), 0.0, 1.0 - 1e-12)) * np.sqrt(
            np.maximum(n - 3.0, 1.0)
        )
        reliability = 2.0 * ndtr(z) - 1.0
        walking = np.minimum(
            1.0, scale / np.maximum(self.walking_scale_ratio * bout_median, 1e-300)
        )
        out: FloatArray = self.overlap * reliability * walking
        return out

    @staticmethod
    def sign_test(forward: float, backward: float) -> float:
        """Posterior probability that most of a bout goes forward, given the summed votes of
        its forward and backward strides (Beta posterior, Jeffreys' prior)."""
        return float(1.0 - betainc(forward + 0.5, backward + 0.5, 0.5))

    @classmethod
    def reversal_split(cls, evidence: FloatArray, min_strides: int) -> int | None:
        """Where a bout turns from one direction to the other, if it does: the number of
        strides before the change, or None.

        ``evidence``: each stride's signed vote (:attr:`stride_evidence_`, + forward). Of the
        cuts leaving at least ``min_strides`` strides on either side whose two parts are each
        said, by :meth:`sign_test`, the opposite way with at least ``REVERSAL_CONFIDENCE``,
        the one of the largest summed confidence. A change of direction is a change point of
        the strides' evidence; demanding that each part be said on its own keeps a few
        contrary turning strides from cutting a walk."""
        m = evidence.size
        if m < 2 * min_strides:
            return None
        fw = np.concatenate(([0.0], np.cumsum(np.maximum(evidence, 0.0))))
        bw = np.concatenate(([0.0], np.cumsum(np.maximum(-evidence, 0.0))))
        # every cut at once (the sign test of each part, :meth:`sign_test` on arrays)
        j = np.arange(min_strides, m - min_strides + 1)
        left = 2.0 * (1.0 - betainc(fw[j] + 0.5, bw[j] + 0.5, 0.5)) - 1.0
        right = 2.0 * (1.0 - betainc(fw[m] - fw[j] + 0.5, bw[m] - bw[j] + 0.5, 0.5)) - 1.0
        ok = (left * right < 0) & (np.minimum(np.abs(left), np.abs(right)) >= REVERSAL_CONFIDENCE)
        if not ok.any():
            return None
        score = np.where(ok, np.abs(left) + np.abs(right), -np.inf)
        return int(j[int(np.argmax(score))])  # the first of equal scores

    @classmethod
    def _corr(
        cls,
        a: FloatArray,
        b: FloatArray,
        starts: IntArray,
        ends: IntArray,
        weight: FloatArray | None = None,
    ) -> FloatArray:
        """Pearson correlation of a and b on each segment [start, end), via cumulative sums;
        with ``weight`` (0/1 per sample) only the samples of weight 1 count."""
        return cls._corr_scale(a, b, starts, ends, weight)[0]

    @staticmethod
    def _corr_scale(
        a: FloatArray,
        b: FloatArray,
        starts: IntArray,
        ends: IntArray,
        weight: FloatArray | None = None,
    ) -> tuple[FloatArray, FloatArray]:
        """:meth:`_corr` and the product of the standard deviations of a and b on each
        segment (:class:`SegmentMoments`, built for this one call)."""
        return SegmentMoments(a, b, weight).corr_scale(starts, ends)

    def estimate(
        self,
        a_ap_m_s2: FloatArray,
        v_z_m_s: FloatArray,
        bout_bounds: IntArray,
        stride_bounds: IntArray,
        stride_bout: IntArray,
        turning: np.ndarray | None = None,
        *,
        sampling_rate_hz: float,
        other_log_odds: FloatArray | None = None,
        moments: PhaseMoments | None = None,
    ) -> Self:
        """Per bout and per stride: ``bout_bounds`` and ``stride_bounds`` are (k, 2) sample
        ranges [start, end); ``stride_bout`` gives each stride's bout index; ``turning``
        (bool per sample, optional) marks turns; ``other_log_odds`` (per bout, optional) is
        independent evidence on the bout's direction, the log of its likelihood ratio for
        forward (:attr:`CentripetalDirection.log_odds_`), added to the log odds of the sign
        test (Bayes' rule for independent evidence); ``moments``: :class:`PhaseMoments` of
        these same signals and turns when already built (built here otherwise)."""
        m = PhaseMoments(a_ap_m_s2, v_z_m_s, turning) if moments is None else moments
        lo, hi = bout_bounds[:, 0], bout_bounds[:, 1]
        straight = m.straight
        if straight is None:
            r_bout = m.plain.corr(lo, hi)
        else:
            r_bout = straight.corr(lo, hi)
            # a bout that is mostly turning: its correlation over all its samples
            share = straight.count(lo, hi) / np.maximum(hi - lo, 1)
            r_all = m.plain.corr(lo, hi)
            r_bout = np.where(share >= 0.5, r_bout, r_all)
        r_stride, w_stride = m.plain.corr_scale(stride_bounds[:, 0], stride_bounds[:, 1])
        sign = np.where(
            r_stride < -self.min_stride_r, 1.0, np.where(r_stride > self.min_stride_r, -1.0, 0.0)
        )
        in_turn = np.zeros(sign.shape[0], dtype=bool)
        if turning is not None and stride_bounds.size:
            ct = np.concatenate(([0], np.cumsum(turning)))
            turn_share = (ct[stride_bounds[:, 1]] - ct[stride_bounds[:, 0]]) / np.maximum(
                stride_bounds[:, 1] - stride_bounds[:, 0], 1
            )
            in_turn = turn_share > 0.5
        n_bouts = bout_bounds.shape[0]
        median = np.zeros(n_bouts)
        for k in range(n_bouts):  # one iteration per bout, not per sample
            mine = stride_bout == k
            if mine.any():
                median[k] = float(np.median(w_stride[mine]))
        duration = (stride_bounds[:, 1] - stride_bounds[:, 0]) / sampling_rate_hz
        vote = self.stride_votes(
            r_stride, duration, w_stride, median[stride_bout] if stride_bout.size else median[:0]
        )
        forward = np.bincount(stride_bout, vote * (r_stride < 0), minlength=n_bouts)
        backward = np.bincount(stride_bout, vote * (r_stride > 0), minlength=n_bouts)
        directions: list[Direction] = []
        confidence = np.zeros(n_bouts)
        extra = np.zeros(n_bouts) if other_log_odds is None else other_log_odds
        for k in range(n_bouts):
            p_forward = self.sign_test(float(forward[k]), float(backward[k]))
            if extra[k] != 0.0:
                p_forward = combine(p_forward, float(extra[k]))
            conf = abs(2.0 * p_forward - 1.0)
            confidence[k] = conf
            if conf < self.min_confidence or not np.isfinite(conf):
                directions.append(Direction.UNKNOWN)
            else:
                directions.append(Direction.FORWARD if p_forward > 0.5 else Direction.BACKWARD)
        self.correlation_: FloatArray = r_bout
        self.direction_: list[Direction] = directions
        self.confidence_: FloatArray = confidence
        self.stride_sign_: FloatArray = np.where(in_turn, 0.0, sign)
        self.stride_vote_: FloatArray = vote
        self.stride_evidence_: FloatArray = np.where(
            r_stride < 0, vote, np.where(r_stride > 0, -vote, 0.0)
        )
        return self


def combine(p: float, log_odds: float) -> float:
    """Probability ``p`` updated by independent evidence of log likelihood ratio
    ``log_odds`` (Bayes' rule on the odds)."""
    if not 0.0 < p < 1.0:
        return p
    lo = math.log(p) - math.log1p(-p) + log_odds
    return float(1.0 / (1.0 + math.exp(-lo))) if lo > -700 else 0.0


class CentripetalDirection:
    """Direction of travel in turns from the centripetal acceleration.

    A body moving along a curved path at velocity ``v`` (along its own x axis: ``+V``
    forward, ``-V`` backward) while its heading turns at ``w`` (about the vertical, + to the
    left) accelerates towards the inside of the curve: ``a = w x v``, whose lateral
    component (+ to the left) is ``a_ml = w V`` forward and ``-w V`` backward. So over a
    turn, ``corr(a_ml, w)`` is positive walking forward and negative walking backward, on any
    path, at any speed; it needs the known mounting (x anterior, y left) and a turn, and it
    does not look for any asymmetry in time (a time-reversed recording negates ``w`` and keeps
    ``a_ml``: the sign flips, as it must). It is independent of the pendular exchange
    (:class:`PendulumPhaseDirection`), and strongest where that is weakest: slow, turning,
    shuffling walking, in which the trunk hardly vaults.

    Both signals are low-passed at ``cutoff_hz`` (0.5 Hz, 4th order, zero phase: the yaw
    filter of :class:`retrostride.gait.turns.YawRateTurns`, El-Gohary et al. 2014), which keeps
    the turn and removes the step-frequency sway, and correlated over a bout's samples inside
    turns (``turning``); on straight walking ``w`` is noise and there is no evidence. The
    gravity estimate (a 4-s moving average of the specific force) takes up part of a long
    turn's steady centripetal acceleration as tilt; what is left keeps its sign. A low-passed
    stretch of ``T`` seconds holds about ``n = 2 B T`` independent samples (``B`` the cut-off;
    Shannon 1949), so Fisher's z (Fisher 1921) gives ``z = atanh|r| sqrt(n - 3)`` (no evidence
    below 4 samples, i.e. 4 s of turning) and the probability that the sign is right
    ``q = Phi(z)``; the evidence for the bout's direction is the log likelihood ratio
    ``+-log(q / (1 - q))`` (+ forward).

    On the Mobilise-D lab recordings (forward walking; INDIP bouts of the free-living trials,
    which turn 0.3-0.7 rad/s on average) the correlation is +0.07 to +0.71 in 11 of 12 bouts
    and -0.07 in one; on the straight walks (0.03-0.07 rad/s, no turn found) it is -0.17 to
    -0.43: without a turn it means nothing, which is why only samples in turns count.

    Results: ``correlation_``, ``turn_s_`` (seconds of turning) and ``log_odds_`` per bout.
    """

    def __init__(self, *, cutoff_hz: float = 0.5) -> None:
        self.cutoff_hz = cutoff_hz

    def estimate(
        self,
        a_ml_m_s2: FloatArray,
        yaw_rate_rad_s: FloatArray,
        turning: np.ndarray,
        bout_bounds: IntArray,
        *,
        sampling_rate_hz: float,
    ) -> Self:
        """``a_ml_m_s2`` lateral acceleration (+ left, gravity-aligned), ``yaw_rate_rad_s``
        (+ to the left), ``turning`` bool per sample, ``bout_bounds`` (k, 2) [start, end)."""
        fs = sampling_rate_hz
        filtered = lowpass(
            np.column_stack([a_ml_m_s2, yaw_rate_rad_s]), self.cutoff_hz, fs, order=4
        )
        a, w = np.ascontiguousarray(filtered[:, 0]), np.ascontiguousarray(filtered[:, 1])
        weight = turning.astype(np.float64)
        lo, hi = bout_bounds[:, 0], bout_bounds[:, 1]
        r = PendulumPhaseDirection._corr(a, w, lo, hi, weight)
        cw = np.concatenate(([0.0], np.cumsum(weight)))
        turn_s = (cw[hi] - cw[lo]) / fs
        n = 2.0 * self.cutoff_hz * turn_s
        z = np.arctanh(np.clip(np.abs(r), 0.0, 1.0 - 1e-12)) * np.sqrt(np.maximum(n - 3.0, 0.0))
        llr = log_ndtr(z) - log_ndtr(-z)
        self.correlation_: FloatArray = r
        self.turn_s_: FloatArray = turn_s
        self.log_odds_: FloatArray = np.where(n > 3.0, np.sign(r) * llr, 0.0)
        return self


def _prefix_sum(x: FloatArray) -> FloatArray:
    """``[0, x0, x0 + x1, ...]`` (n + 1,): ``np.cumsum`` written after a leading zero (the same
    sums as concatenating, without the copy)."""
    out = np.empty(x.shape[0] + 1)
    out[0] = 0.0
    np.cumsum(x, out=out[1:])
    return out


class SegmentMoments:
    """Prefix sums of ``a``, ``b``, ``a b``, ``a a``, ``b b`` and a 0/1 ``weight`` over a whole
    signal, so that the Pearson correlation of ``a`` and ``b`` and the product of their
    standard deviations on any number of segments [start, end) cost a few operations per
    segment; with ``weight`` only the samples of weight 1 count. Built once per signal pair
    and reused by every segmentation (steps, strides, bouts). ``share``: moments of the same
    ``b`` and ``weight`` (another ``a``), whose sums of ``b`` and ``weight`` are reused."""

    def __init__(
        self,
        a: FloatArray,
        b: FloatArray,
        weight: FloatArray | None = None,
        *,
        share: SegmentMoments | None = None,
    ) -> None:
        self.weight = weight
        self.ca: FloatArray
        self.cb: FloatArray
        self.cab: FloatArray
        self.caa: FloatArray
        self.cbb: FloatArray
        self.cw: FloatArray | None
        # without a weight, w a = a and the weights' sums are 0, 1, 2, ... exactly
        wa = a if weight is None else weight * a
        self.ca = _prefix_sum(wa)
        self.cab = _prefix_sum(wa * b)
        self.caa = _prefix_sum(wa * a)
        if share is not None:
            self.cb, self.cbb, self.cw = share.cb, share.cbb, share.cw
            return
        wb = b if weight is None else weight * b
        self.cb = _prefix_sum(wb)
        self.cbb = _prefix_sum(wb * b)
        # without a weight every sample counts: no running sum of ones is kept
        self.cw = None if weight is None else _prefix_sum(weight)

    def count(self, starts: IntArray, ends: IntArray) -> FloatArray:
        """The summed weight (without a weight: the number of samples) of each segment."""
        if self.cw is None:
            return np.asarray(ends - starts, dtype=np.float64)
        out: FloatArray = self.cw[ends] - self.cw[starts]
        return out

    def corr(self, starts: IntArray, ends: IntArray) -> FloatArray:
        """Pearson correlation of ``a`` and ``b`` on each segment [start, end)."""
        return self.corr_scale(starts, ends)[0]

    def corr_scale(self, starts: IntArray, ends: IntArray) -> tuple[FloatArray, FloatArray]:
        """:meth:`corr` and the product of the standard deviations of ``a`` and ``b`` on each
        segment."""
        ca, cb, cab, caa, cbb = self.ca, self.cb, self.cab, self.caa, self.cbb
        n = np.maximum(self.count(starts, ends), 1.0)
        sa, sb = ca[ends] - ca[starts], cb[ends] - cb[starts]
        sab, saa, sbb = cab[ends] - cab[starts], caa[ends] - caa[starts], cbb[ends] - cbb[starts]
        cov = sab - sa * sb / n
        va = saa - sa * sa / n
        vb = sbb - sb * sb / n
        den = np.sqrt(np.maximum(va * vb, 1e-300))
        r = np.asarray(cov / den, dtype=np.float64)
        return r, np.asarray(np.sqrt(np.maximum(va * vb, 0.0)) / n, dtype=np.float64)


class PhaseMoments:
    """:class:`SegmentMoments` of the fore-aft acceleration ``a_ap`` and the vertical velocity
    ``v_z`` of one recording, over all samples (``plain``) and over those outside turns
    (``straight``, None without a ``turning`` mask), each built on first use. One per recording
    serves the steps' pendular share, the strides' and bouts' direction
    (:class:`PendulumPhaseDirection`) and side-stepping (:class:`SidewaysExchange`), and every
    assembly of the bouts (which runs again after a split at a reversal)."""

    def __init__(self, a_ap: FloatArray, v_z: FloatArray, turning: np.ndarray | None) -> None:
        self.a_ap = a_ap
        self.v_z = v_z
        self.turning = turning
        self._plain: SegmentMoments | None = None
        self._straight: SegmentMoments | None = None

    @property
    def plain(self) -> SegmentMoments:
        if self._plain is None:
            self._plain = SegmentMoments(self.a_ap, self.v_z)
        return self._plain

    @property
    def straight(self) -> SegmentMoments | None:
        if self._straight is None and self.turning is not None:
            weight = (~self.turning).astype(np.float64)
            self._straight = SegmentMoments(self.a_ap, self.v_z, weight)
        return self._straight


class SidewaysExchange:
    """Side-stepping: the pendular exchange runs along the lateral axis, not the fore-aft one.

    The trunk's speed along the direction of travel dips at each mid-stance, in phase with its
    vertical velocity (:class:`PendulumPhaseDirection`), so the acceleration along the path
    correlates with ``v_z`` at the step frequency; the side-to-side sway of forward or backward
    walking repeats once per stride, at half the step frequency, and hardly correlates with
    ``v_z``. Stepping sideways turns this round. A bout is ``sideways`` when, over its samples
    outside turns (a turn rotates the axes; a bout mostly turning is not judged),
    ``|corr(a_ml, v_z)|`` exceeds both ``|corr(a_ap, v_z)|`` and ``min_r``; confidence
    ``min(1, |r_ml| / r_full) x (|r_ml| - |r_ap|) / |r_ml|``, at least ``min_confidence``
    (0.5: more sure than not; a time-reversed, stance-warped variant of the healthy adult's
    free-living trial otherwise called a short turning bout sideways at 0.25).

    ``min_r`` (0.3) keeps weak, turning-like bouts out: on the Mobilise-D lab recordings
    (forward walking only) the largest ``|corr(a_ml, v_z)|`` over straight samples of a bout is
    0.19 (HA Test11) while ``|corr(a_ap, v_z)|`` there is 0.28-0.95; on synthetic side steps
    ``|r_ml|`` is 0.99. Read off those data, between the two.

    Results: ``sideways_`` (bool per bout), ``confidence_``, ``r_ap_`` and ``r_ml_``.
    """

    def __init__(
        self, *, min_r: float = 0.3, r_full: float = 0.5, min_confidence: float = 0.5
    ) -> None:
        self.min_r = min_r
        self.r_full = r_full
        self.min_confidence = min_confidence

    def estimate(
        self,
        a_ap_m_s2: FloatArray,
        a_ml_m_s2: FloatArray,
        v_z_m_s: FloatArray,
        bout_bounds: IntArray,
        turning: np.ndarray | None = None,
        *,
        moments: PhaseMoments | None = None,
    ) -> Self:
        """``bout_bounds`` (k, 2) sample ranges [start, end); ``turning`` bool per sample;
        ``moments``: :class:`PhaseMoments` of ``a_ap_m_s2``, ``v_z_m_s`` and ``turning`` when
        already built."""
        m = PhaseMoments(a_ap_m_s2, v_z_m_s, turning) if moments is None else moments
        # without turns every sample counts (weight 1: the plain sums)
        ap = m.plain if m.straight is None else m.straight
        ml = SegmentMoments(a_ml_m_s2, v_z_m_s, ap.weight, share=ap)
        lo, hi = bout_bounds[:, 0], bout_bounds[:, 1]
        r_ap = np.abs(ap.corr(lo, hi))
        r_ml = np.abs(ml.corr(lo, hi))
        share = ap.count(lo, hi) / np.maximum(hi - lo, 1)
        conf = np.minimum(1.0, r_ml / self.r_full) * (r_ml - r_ap) / np.maximum(r_ml, 1e-12)
        side = (share >= 0.5) & (r_ml > r_ap) & (r_ml >= self.min_r)
        side &= conf >= self.min_confidence
        self.sideways_: np.ndarray = side
        self.confidence_: FloatArray = np.where(side, conf, 0.0)
        self.r_ap_: FloatArray = r_ap
        self.r_ml_: FloatArray = r_ml
        return self
