"""Foot-mounted sensors: strides, events, ZUPT stride length and direction, symmetry."""

from __future__ import annotations

import math
from typing import Self

import numpy as np
from scipy.signal import find_peaks

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
    1. Swings: lobes of the sagittal angular rate ``gyr_y`` (about the foot's left axis, low-
       passed at ``swing_lowpass_hz`` so that the long swing lobe dominates the short push-off
       and foot-flat peaks) whose peak magnitude exceeds ``min_swing_rad_s``, at least
       ``min_stride_s`` apart. The sign of the lobe is not assumed (a backward swing turns the
       foot the other way).
    2. Mid-stance rests: between two swings (and before the first / after the last, within
       ``max_rest_search_s``), the minimum of the low-passed gyroscope norm; a rest needs that
       minimum below ``rest_rad_s``. A stride runs from one rest to the next (gaitmap's
       ``min_vel`` stride definition, Rampp et al. 2015).
    3. Events: toe-off (TC) is the zero crossing of ``gyr_y`` (low-passed at ``lowpass_hz``) before the swing lobe, initial
       contact (IC) the one after it (Sabatini et al. 2005, IEEE TBME 52:486; on gaitmap's
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
        swing_lowpass_hz: float = 3.0,
        min_swing_rad_s: float = 1.5,
        min_stride_s: float = 0.5,
        rest_rad_s: float = 1.5,
        max_rest_search_s: float = 1.0,
    ) -> None:
        self.lowpass_hz = lowpass_hz
        self.swing_lowpass_hz = swing_lowpass_hz
        self.min_swing_rad_s = min_swing_rad_s
        self.min_stride_s = min_stride_s
        self.rest_rad_s = rest_rad_s
        self.max_rest_search_s = max_rest_search_s

    def segment(self, recording: Recording) -> Self:
        if recording.gyr_rad_s is None:
            raise ValueError("a foot recording needs a gyroscope")
        fs = recording.sampling_rate_hz
        gy = lowpass(recording.gyr_rad_s[:, 1], self.lowpass_hz, fs)
        gy_slow = lowpass(recording.gyr_rad_s[:, 1], self.swing_lowpass_hz, fs)
        gnorm = lowpass(np.linalg.norm(recording.gyr_rad_s, axis=1), 5.0, fs)
        swings, _ = find_peaks(
            np.abs(gy_slow), height=self.min_swing_rad_s, distance=int(self.min_stride_s * fs)
        )
        n = gy.shape[0]
        search = int(self.max_rest_search_s * fs)
        # rests: before each swing, between consecutive swings, after the last one
        lo = np.concatenate(([max(0, swings[0] - search)] if swings.size else [], swings))
        hi = np.concatenate((swings, [min(n - 1, swings[-1] + search)] if swings.size else []))
        lo = np.maximum(lo, hi - search).astype(np.intp)
        width = int(np.max(hi - lo)) + 1 if lo.size else 1
        idx = np.clip(lo[:, None] + np.arange(width)[None, :], 0, n - 1)
        mask = idx <= hi[:, None]
        vals = np.where(mask, gnorm[idx], np.inf)
        rest = idx[np.arange(lo.size), np.argmin(vals, axis=1)] if lo.size else np.empty(0, np.intp)
        rest_ok = gnorm[rest] < self.rest_rad_s if rest.size else np.empty(0, bool)
        valid = rest_ok[:-1] & rest_ok[1:] if rest.size > 1 else np.empty(0, bool)
        start, end, sw = rest[:-1][valid], rest[1:][valid], swings[valid[: swings.size]]
        # events: zero crossings of gyr_y around the swing lobe
        sign = np.sign(gy[sw])
        cross = np.flatnonzero(np.diff(np.signbit(gy).astype(np.int8)) != 0)
        pos_after = np.searchsorted(cross, sw)
        tc = np.where(pos_after > 0, cross[np.maximum(pos_after - 1, 0)] + 1, -1)
        ic = np.where(pos_after < cross.size, cross[np.minimum(pos_after, cross.size - 1)] + 1, -1)
        ok = (tc > start) & (ic < end) & (tc >= 0) & (ic >= 0)
        self.start_: IntArray = start[ok]
        self.end_: IntArray = end[ok]
        self.tc_: IntArray = tc[ok]
        self.ic_: IntArray = ic[ok]
        self.swing_sign_: FloatArray = sign[ok]
        self._integrate(recording)
        return self

    def _integrate(self, recording: Recording) -> None:
        fs = recording.sampling_rate_hz
        dt = 1.0 / fs
        k = self.start_.size
        if k == 0:
            e = np.empty(0)
            self.length_m_, self.forward_m_, self.lateral_m_ = e, e, e
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
            [recording.acc_m_s2[max(0, s - rest_win) : s + rest_win + 1].mean(axis=0)
             for s in self.start_]
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
        self.forward_m_: FloatArray = disp[:, 0]
        self.lateral_m_: FloatArray = disp[:, 1]
        self.length_m_: FloatArray = np.hypot(disp[:, 0], disp[:, 1])


class FootPipeline:
    """Gait from foot sensors: a :class:`FootPair` (both feet) or one foot :class:`Recording`.

    Per foot: :class:`FootStrides`. Bouts: runs of strides of either foot separated by less than
    ``max_gap_s``; direction per bout is the sign of the summed forward displacement of its
    strides, confidence the share of strides agreeing with it. Symmetry between feet: mean
    left and right step times, and the step-time ratio. Cadence uses the median step time
    (robust to the pause of a turn inside a bout).
    """

    def __init__(self, *, strides: FootStrides | None = None, max_gap_s: float = 1.5,
                 min_strides: int = 2) -> None:
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
                rows.append((st.start_[j] / fs, st.end_[j] / fs, st.ic_[j] / fs, st.tc_[j] / fs,
                             side, st.length_m_[j], st.forward_m_[j]))
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
            walking_time_s=float(sum(b.duration_s for b in bouts)),
            source=recording.source,
            warnings=[] if isinstance(recording, FootPair)
            else ["one foot only: steps of the other foot inferred as one per stride"],
        )
        return self

    @staticmethod
    def _bout(arr: FloatArray, sides: list[str], length: FloatArray,
              forward: FloatArray) -> BoutResult:
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
            start_s=start, end_s=end, initial_contact_s=ic, final_contact_s=tc, side=sides,
            duration_s=dur, length_m=length, speed_m_s=length / dur, direction_sign=sign,
        )
        steps = np.diff(ic)
        two_feet = len(set(sides)) == 2
        left = steps[np.array(sides[1:]) == "left"] if two_feet else np.empty(0)
        right = steps[np.array(sides[1:]) == "right"] if two_feet else np.empty(0)
        n_steps = ic.size if two_feet else 2 * ic.size
        step_mean = float(np.median(steps)) if two_feet and steps.size else float(np.median(dur)) / 2
        ratio = math.nan
        if left.size and right.size:
            ratio = max(left.mean(), right.mean()) / min(left.mean(), right.mean())
        per_foot_cv = [c for c in (cv_percent(dur[np.array(sides) == s]) for s in set(sides))
                       if np.isfinite(c)]
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
