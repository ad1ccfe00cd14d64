"""Walking direction (forward/backward) from a lower-back sensor with known mounting."""

from __future__ import annotations

from typing import Self

import numpy as np

from retrostride.gait.recording import FloatArray, IntArray
from retrostride.science.locomotion import Direction


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
    :class:`retrostride.gait.turns.YawRateTurns`), a bout's correlation uses only the samples
    outside turns (all of them if the bout is mostly turning), and a stride mostly inside a turn
    gets sign 0 and no vote. On the Mobilise-D variants this took the share of strides put in a
    bout of the wrong direction from up to 3 % to 0.

    Confidence: ``min(1, |r| / r_full) * |weighted mean stride sign|``, where ``r`` is the
    bout's correlation and the stride signs come from the same test on each stride (0 when the
    weighted mean has the sign opposite to the bout's); below ``min_confidence`` the direction
    is ``unknown``. A stride's weight is the product of the standard deviations of ``a_ap``
    and ``v_z`` over it, the scale of its pendular exchange, i.e. the weight its covariance
    has in the bout's correlation: the vote then weighs strides as the correlation does, and a
    few shuffling strides with little vertical motion (weight shifts and turning on the spot
    at a bout's start, whose sign is noise) cannot outvote the walking. On the Mobilise-D
    free-living recording of the healthy adult (Test11) sped up 1.2 times, three such strides
    before a bout (89-93 s) outvoted its walking and made it ``unknown`` (25 % of the judged
    strides); weighted, it is forward (confidence 0.89; the original: 1).

    Results: ``direction_`` and ``confidence_`` per bout, ``stride_sign_`` per stride
    (+1 forward, -1 backward, 0 unknown), ``correlation_`` per bout.
    """

    def __init__(
        self, *, r_full: float = 0.5, min_confidence: float = 0.2, min_stride_r: float = 0.1
    ) -> None:
        self.r_full = r_full
        self.min_confidence = min_confidence
        self.min_stride_r = min_stride_r

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
        segment."""

        def csum(x: FloatArray) -> FloatArray:
            return np.concatenate(([0.0], np.cumsum(x)))

        w = np.ones_like(a) if weight is None else weight
        wa, wb = w * a, w * b
        ca, cb, cab, caa, cbb, cw = (csum(x) for x in (wa, wb, wa * b, wa * a, wb * b, w))
        n = np.maximum(cw[ends] - cw[starts], 1.0)
        sa, sb = ca[ends] - ca[starts], cb[ends] - cb[starts]
        sab, saa, sbb = cab[ends] - cab[starts], caa[ends] - caa[starts], cbb[ends] - cbb[starts]
        cov = sab - sa * sb / n
        va = saa - sa * sa / n
        vb = sbb - sb * sb / n
        den = np.sqrt(np.maximum(va * vb, 1e-300))
        r = np.asarray(cov / den, dtype=np.float64)
        return r, np.asarray(np.sqrt(np.maximum(va * vb, 0.0)) / n, dtype=np.float64)

    def estimate(
        self,
        a_ap_m_s2: FloatArray,
        v_z_m_s: FloatArray,
        bout_bounds: IntArray,
        stride_bounds: IntArray,
        stride_bout: IntArray,
        turning: np.ndarray | None = None,
    ) -> Self:
        """Per bout and per stride: ``bout_bounds`` and ``stride_bounds`` are (k, 2) sample
        ranges [start, end); ``stride_bout`` gives each stride's bout index; ``turning``
        (bool per sample, optional) marks turns, which are left out."""
        straight = None if turning is None else (~turning).astype(np.float64)
        r_bout = self._corr(a_ap_m_s2, v_z_m_s, bout_bounds[:, 0], bout_bounds[:, 1], straight)
        if straight is not None:
            # a bout that is mostly turning: judge it on all its samples
            cs = np.concatenate(([0.0], np.cumsum(straight)))
            share = (cs[bout_bounds[:, 1]] - cs[bout_bounds[:, 0]]) / np.maximum(
                bout_bounds[:, 1] - bout_bounds[:, 0], 1
            )
            r_all = self._corr(a_ap_m_s2, v_z_m_s, bout_bounds[:, 0], bout_bounds[:, 1])
            r_bout = np.where(share >= 0.5, r_bout, r_all)
        r_stride, w_stride = self._corr_scale(
            a_ap_m_s2, v_z_m_s, stride_bounds[:, 0], stride_bounds[:, 1]
        )
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
        directions: list[Direction] = []
        confidence = np.zeros(bout_bounds.shape[0])
        for k in range(bout_bounds.shape[0]):  # one iteration per bout, not per sample
            mine = stride_bout == k
            # strides mostly in a turn are not judged (unless the bout is all turns)
            judged = mine & ~in_turn if np.any(mine & ~in_turn) else mine
            s, w = sign[judged], w_stride[judged]
            vote = float(np.sum(w * s) / np.sum(w)) if s.size and np.sum(w) > 0 else 0.0
            agreement = abs(vote) if s.size else 1.0
            bout_sign = -np.sign(r_bout[k])
            if s.size and np.sign(vote) not in (0.0, bout_sign):
                agreement = 0.0
            conf = min(1.0, abs(float(r_bout[k])) / self.r_full) * agreement
            confidence[k] = conf
            if conf < self.min_confidence or not np.isfinite(conf):
                directions.append(Direction.UNKNOWN)
            else:
                directions.append(Direction.FORWARD if bout_sign > 0 else Direction.BACKWARD)
        self.correlation_: FloatArray = r_bout
        self.direction_: list[Direction] = directions
        self.confidence_: FloatArray = confidence
        self.stride_sign_: FloatArray = np.where(in_turn, 0.0, sign)
        return self


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
    ) -> Self:
        """``bout_bounds`` (k, 2) sample ranges [start, end); ``turning`` bool per sample."""
        straight = (
            np.ones_like(a_ap_m_s2) if turning is None else (~turning).astype(np.float64)
        )
        lo, hi = bout_bounds[:, 0], bout_bounds[:, 1]
        r_ap = np.abs(PendulumPhaseDirection._corr(a_ap_m_s2, v_z_m_s, lo, hi, straight))
        r_ml = np.abs(PendulumPhaseDirection._corr(a_ml_m_s2, v_z_m_s, lo, hi, straight))
        cs = np.concatenate(([0.0], np.cumsum(straight)))
        share = (cs[hi] - cs[lo]) / np.maximum(hi - lo, 1)
        conf = np.minimum(1.0, r_ml / self.r_full) * (r_ml - r_ap) / np.maximum(r_ml, 1e-12)
        side = (share >= 0.5) & (r_ml > r_ap) & (r_ml >= self.min_r)
        side &= conf >= self.min_confidence
        self.sideways_: np.ndarray = side
        self.confidence_: FloatArray = np.where(side, conf, 0.0)
        self.r_ap_: FloatArray = r_ap
        self.r_ml_: FloatArray = r_ml
        return self
