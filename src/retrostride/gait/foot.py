"""Foot-mounted sensors: strides, events, ZUPT stride length and direction, symmetry."""

from __future__ import annotations

import math
from typing import Self

import numpy as np

from retrostride.gait._orientation import prefix_orientations, rotate, tilt_quaternion
from retrostride.gait._signal import lowpass
from retrostride.gait.recording import (
    STANDARD_GRAVITY_M_S2,
    FloatArray,
    FootPair,
    IntArray,
    Recording,
)
from retrostride.gait.result import BoutResult, GaitResult, StrideTable
from retrostride.gait.summary import cv_percent
from retrostride.science.locomotion import Direction


class FootStrides:
    """Strides of one foot from its gyroscope, with ZUPT stride length and direction.

    Steps
    -----
    1. Rests: runs of at least ``min_rest_s`` where the low-passed gyroscope norm stays below
       ``rest_rad_s`` (the foot flat on the ground). A stride runs from the quietest sample
       near the end of one rest to the quietest near the start of the next (gaitmap's
       ``min_vel`` stride definition, Rampp et al. 2015), lasting ``min_stride_s`` to
       ``max_stride_s``.
    2. Swing: within a stride, the lobe of the sagittal angular rate ``gyr_y`` (about the foot's
       left axis, low-passed at ``lowpass_hz``; a lobe runs between two zero crossings) with
       the largest rotation, at least ``min_swing_rad``. Its sign is not assumed: a backward
       swing turns the foot the other way. The heel-rise and foot-flat rotations of the same
       stride are split into two smaller lobes by mid-stance, so the swing is the largest.
    3. Events: toe-off (TC) is the zero crossing that starts the swing lobe, initial contact
       (IC) the one that ends it (Sabatini et al. 2005, IEEE TBME 52:486; checked on gaitmap's
       mocap-labelled data: see ``docs/gait.md``).
    4. Stride length by strapdown integration with zero-velocity updates (Foxlin 2005, IEEE
       CG&A 25:38; Peruzzi et al. 2011): orientation starts from gravity at the first rest with
       the world x axis along the foot's own x axis there, integrates the gyroscope
       (:func:`prefix_orientations`), gravity is removed from the acceleration in the world
       frame, velocity is integrated and its drift removed linearly so that it is zero at both
       rests, and position integrated. Stride length = horizontal displacement.
    5. Direction per stride: the sign of the displacement along the foot's own x axis at the
       first rest (toes forward: positive = forward). This is measured, not inferred.

    Results: arrays ``start_``, ``end_``, ``ic_``, ``tc_`` (samples), ``length_m_``,
    ``forward_m_`` (signed displacement along the foot axis) and ``lateral_m_``.
    """

    def __init__(
        self,
        *,
        lowpass_hz: float = 10.0,
        rest_rad_s: float = 1.0,
        min_rest_s: float = 0.04,
        min_stride_s: float = 0.5,
        max_stride_s: float = 3.0,
        min_swing_rad: float = 0.5,
    ) -> None:
        self.lowpass_hz = lowpass_hz
        self.rest_rad_s = rest_rad_s
        self.min_rest_s = min_rest_s
        self.min_stride_s = min_stride_s
        self.max_stride_s = max_stride_s
        self.min_swing_rad = min_swing_rad

    def segment(self, recording: Recording) -> Self:
        """Find the strides of one foot; results in the attributes listed above."""
        if recording.gyr_rad_s is None:
            raise ValueError("a foot recording needs a gyroscope")
        fs = recording.sampling_rate_hz
        gy = lowpass(recording.gyr_rad_s[:, 1], self.lowpass_hz, fs)
        gnorm = lowpass(np.linalg.norm(recording.gyr_rad_s, axis=1), 5.0, fs)
        n = gy.shape[0]
        # 1. rests: runs where the foot hardly rotates
        still = np.concatenate(([0], (gnorm < self.rest_rad_s).astype(np.int8), [0]))
        edges = np.diff(still)
        r0, r1 = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)  # [r0, r1)
        keep = (r1 - r0) >= max(1, int(self.min_rest_s * fs))
        r0, r1 = r0[keep], r1[keep]
        w = max(1, int(0.3 * fs))
        # a stride leaves rest k near its end and reaches rest k+1 near its start
        leave = self._argmin_in(gnorm, np.maximum(r0, r1 - w), r1)
        reach = self._argmin_in(gnorm, r0, np.minimum(r1, r0 + w))
        start, end = leave[:-1], reach[1:]
        dur = (end - start) / fs
        ok = (dur >= self.min_stride_s) & (dur <= self.max_stride_s)
        start, end = start[ok], end[ok]
        # 2. the swing: the lobe of gyr_y (between zero crossings) with the largest rotation
        cross = np.flatnonzero(np.diff(np.signbit(gy).astype(np.int8)) != 0) + 1
        lobe0, lobe1 = cross[:-1], cross[1:]  # [lobe0, lobe1)
        angle = np.concatenate(([0.0], np.cumsum(gy) / fs))
        rotation = angle[lobe1] - angle[lobe0]
        owner = np.searchsorted(start, lobe0, side="right") - 1
        inside = (owner >= 0) & (lobe0 > start[np.maximum(owner, 0)])
        inside &= lobe1 < end[np.maximum(owner, 0)]
        inside &= np.abs(rotation) >= self.min_swing_rad
        cand = np.flatnonzero(inside)
        order = np.lexsort((np.abs(rotation[cand]), owner[cand]))
        cand = cand[order]
        last = np.flatnonzero(np.diff(np.concatenate((owner[cand], [-1]))) != 0)
        best = cand[last]
        stride = owner[best]
        self.start_: IntArray = start[stride]
        self.end_: IntArray = end[stride]
        self.tc_: IntArray = lobe0[best]
        self.ic_: IntArray = np.minimum(lobe1[best], n - 1)
        self.swing_sign_: FloatArray = np.sign(rotation[best])
        self._integrate(recording)
        return self

    @staticmethod
    def _argmin_in(x: FloatArray, lo: IntArray, hi: IntArray) -> IntArray:
        """Index of the minimum of x in each [lo, hi) (hi > lo)."""
        if lo.size == 0:
            return np.empty(0, dtype=np.intp)
        width = int(np.max(hi - lo))
        idx = np.clip(lo[:, None] + np.arange(width)[None, :], 0, x.shape[0] - 1)
        vals = np.where(np.arange(width)[None, :] < (hi - lo)[:, None], x[idx], np.inf)
        out: IntArray = idx[np.arange(lo.size), np.argmin(vals, axis=1)]
        return out

    def _integrate(self, recording: Recording) -> None:
        fs = recording.sampling_rate_hz
        dt = 1.0 / fs
        k = self.start_.size
        if k == 0:
            e = np.empty(0)
            self.length_m_: FloatArray = e
            self.forward_m_: FloatArray = e
            self.lateral_m_: FloatArray = e
            return
        assert recording.gyr_rad_s is not None
        length = (self.end_ - self.start_ + 1).astype(np.intp)
        width = int(length.max())
        idx = self.start_[:, None] + np.arange(width)[None, :]
        mask = np.arange(width)[None, :] < length[:, None]
        idx = np.where(mask, idx, self.start_[:, None])
        gyr = np.where(mask[..., None], recording.gyr_rad_s[idx], 0.0)
        acc = np.where(mask[..., None], recording.acc_m_s2[idx], 0.0)
        rest_win = max(1, int(0.05 * fs))
        a0 = np.stack(
            [
                recording.acc_m_s2[max(0, s - rest_win) : s + rest_win + 1].mean(axis=0)
                for s in self.start_
            ]
        )
        q = prefix_orientations(tilt_quaternion(a0), gyr, dt)
        a_world = rotate(q, acc)
        a_world[..., 2] -= STANDARD_GRAVITY_M_S2
        a_world = np.where(mask[..., None], a_world, 0.0)
        vel = np.cumsum(a_world, axis=1) * dt
        v_end = vel[np.arange(k), length - 1]
        frac = np.arange(width)[None, :] / np.maximum(length - 1, 1)[:, None]
        vel = vel - frac[..., None] * v_end[:, None, :]
        vel = np.where(mask[..., None], vel, 0.0)
        pos = np.cumsum(vel, axis=1) * dt
        disp = pos[np.arange(k), length - 1]
        self.forward_m_ = disp[:, 0]
        self.lateral_m_ = disp[:, 1]
        self.length_m_ = np.hypot(disp[:, 0], disp[:, 1])


class FootPipeline:
    """Gait from foot sensors: a :class:`FootPair` (both feet) or one foot :class:`Recording`.

    Per foot: :class:`FootStrides`. Bouts: runs of strides of either foot separated by less than
    ``max_gap_s``; direction per bout is the sign of the summed forward displacement of its
    strides, confidence the share of strides agreeing with it. Symmetry between feet: mean
    left and right step times, and the step-time ratio. Cadence uses the median step time
    (robust to the pause of a turn inside a bout).
    """

    def __init__(
        self, *, strides: FootStrides | None = None, max_gap_s: float = 1.5, min_strides: int = 2
    ) -> None:
        self.strides = strides
        self.max_gap_s = max_gap_s
        self.min_strides = min_strides

    def run(self, recording: FootPair | Recording) -> Self:
        feet = (
            {"left": recording.left, "right": recording.right}
            if isinstance(recording, FootPair)
            else {recording.side or "": recording}
        )
        fs = recording.sampling_rate_hz
        rows = []
        for side, rec in feet.items():
            st = (self.strides or FootStrides()).segment(rec)
            for j in range(st.start_.size):
                rows.append(
                    (
                        st.start_[j] / fs,
                        st.end_[j] / fs,
                        st.ic_[j] / fs,
                        st.tc_[j] / fs,
                        side,
                        st.length_m_[j],
                        st.forward_m_[j],
                    )
                )
        rows.sort(key=lambda r: r[2])
        arr = np.array([r[:4] for r in rows], dtype=float).reshape(-1, 4)
        sides = [r[4] for r in rows]
        length = np.array([r[5] for r in rows], dtype=float)
        forward = np.array([r[6] for r in rows], dtype=float)
        # bouts: a gap between consecutive strides (by IC) longer than max_gap_s splits
        ic = arr[:, 2]
        split = np.flatnonzero(np.diff(ic) > self.max_gap_s) + 1
        groups = np.split(np.arange(ic.size), split)
        bouts: list[BoutResult] = []
        for g in groups:
            if g.size < self.min_strides:
                continue
            bouts.append(self._bout(arr[g], [sides[i] for i in g], length[g], forward[g]))
        self.result_ = GaitResult(
            placement=recording.placement,
            sampling_rate_hz=fs,
            duration_s=recording.duration_s,
            bouts=bouts,
            step_count=int(sum(b.n_steps for b in bouts)),
            source=recording.source,
            warnings=[]
            if isinstance(recording, FootPair)
            else ["one foot only: steps of the other foot inferred as one per stride"],
        )
        return self

    @staticmethod
    def _bout(
        arr: FloatArray, sides: list[str], length: FloatArray, forward: FloatArray
    ) -> BoutResult:
        start, end, ic, tc = arr.T
        sign = np.sign(forward)
        total = float(np.sum(forward))
        agree = float(np.mean(sign == np.sign(total))) if total != 0 else 0.0
        direction = Direction.FORWARD if total > 0 else Direction.BACKWARD
        confidence = max(0.0, 2.0 * agree - 1.0)
        if confidence < 0.2:
            direction = Direction.UNKNOWN
        dur = end - start
        strides = StrideTable(
            start_s=start,
            end_s=end,
            initial_contact_s=ic,
            final_contact_s=tc,
            side=sides,
            duration_s=dur,
            length_m=length,
            speed_m_s=length / dur,
            direction_sign=sign,
        )
        steps = np.diff(ic)
        two_feet = len(set(sides)) == 2
        left = steps[np.array(sides[1:]) == "left"] if two_feet else np.empty(0)
        right = steps[np.array(sides[1:]) == "right"] if two_feet else np.empty(0)
        n_steps = ic.size if two_feet else 2 * ic.size
        step_mean = (
            float(np.median(steps)) if two_feet and steps.size else float(np.median(dur)) / 2
        )
        ratio = math.nan
        if left.size and right.size:
            ratio = max(left.mean(), right.mean()) / min(left.mean(), right.mean())
        per_foot_cv = [
            c for c in (cv_percent(dur[np.array(sides) == s]) for s in set(sides)) if np.isfinite(c)
        ]
        return BoutResult(
            start_s=float(start.min()),
            end_s=float(end.max()),
            direction=direction,
            direction_confidence=confidence,
            n_steps=int(n_steps),
            cadence_spm=60.0 / step_mean if step_mean > 0 else math.nan,
            stride_length_m=float(np.mean(length)),
            speed_m_s=float(np.mean(length / dur)),
            stride_time_cv_percent=float(np.nanmean(per_foot_cv)) if per_foot_cv else math.nan,
            symmetry_step_time_ratio=float(ratio),
            initial_contacts_s=ic,
            final_contacts_s=np.sort(tc),
            step_time_left_s=float(left.mean()) if left.size else math.nan,
            step_time_right_s=float(right.mean()) if right.size else math.nan,
            strides=strides,
        )
