"""Foot-mounted sensors: strides, events, ZUPT stride length and direction, symmetry."""

from __future__ import annotations

import math
from typing import Self

import numpy as np
from scipy.special import ndtr

from retrostride.gait._orientation import prefix_orientations, rotate, tilt_quaternion
from retrostride.gait._signal import lowpass
from retrostride.gait.direction import PendulumPhaseDirection
from retrostride.gait.recording import (
    STANDARD_GRAVITY_M_S2,
    FloatArray,
    FootPair,
    Frame,
    IntArray,
    Recording,
)
from retrostride.gait.result import SIDEWAYS, BoutDirection, BoutResult, GaitResult, StrideTable
from retrostride.gait.summary import cv_percent
from retrostride.science.locomotion import Direction

AIR_LIFT_M = 0.03
"""Height [m] a rest must be above the foot-flats on either side of it (and they within this of
each other) to be a still moment in the air, not a foot-flat. Chosen, not fitted: above the
vertical drift of a ZUPT-integrated stride (velocity reset to zero at both rests, Foxlin 2005,
IEEE CG&A 25:38: millimetres over one stride) and below the foot's lift in swing (the heel rises
0.1-0.2 m above the ground; Winter 1992, Phys Ther 72:45)."""


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
       A rest the foot reaches in the air (``AIR_LIFT_M`` above the foot-flats on either side,
       which are level with each other) next to a movement too short to be a stride is a
       still moment mid-swing, not a foot-flat: the movements on either side of it are one
       stride.
    5. Direction per stride: the displacement along the foot's own x axis at the first rest
       (toes forward: positive = forward) against the lateral one (``lateral_m_``, to the
       left): side-stepping moves the foot more sideways than fore and aft. Measured, not
       inferred.
    6. Gait cycle (``cycle_s_``): contact to contact of the same foot, from the IC that ended
       the previous swing on the rest this stride leaves to this stride's IC; it holds the
       foot-flat and the swing whose displacement is the stride length. NaN for a foot's first
       stride after standing (no contact began its cycle).

    Results: arrays ``start_``, ``end_``, ``ic_``, ``tc_`` (samples), ``length_m_``,
    ``forward_m_`` (signed displacement along the foot axis), ``lateral_m_``, ``cycle_s_``,
    ``cycle_start_`` (sample where the cycle starts: the previous IC, else ``start_``), and
    ``rest_``/``end_rest_`` (index of the rest each stride leaves and reaches).
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
        rest_of = np.arange(start.size)  # the rest each movement leaves (k; it reaches k + 1)
        ok = (end - start) / fs <= self.max_stride_s
        start, end, rest_of = start[ok], end[ok], rest_of[ok]
        # 2. a rest in the air is no foot-flat: join the movements on either side of it
        disp = self._displacement(recording, start, end)
        start, end, rest_of, end_rest, disp = self._join_airborne(
            start, end, rest_of, disp, fs
        )
        dur = (end - start) / fs
        ok = (dur >= self.min_stride_s) & (dur <= self.max_stride_s)
        start, end, rest_of, end_rest, disp = (
            start[ok],
            end[ok],
            rest_of[ok],
            end_rest[ok],
            disp[ok],
        )
        # 3. the swing: the lobe of gyr_y (between zero crossings) with the largest rotation
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
        self.rest_: IntArray = rest_of[stride]
        self.end_rest_: IntArray = end_rest[stride]
        d = disp[stride].reshape(-1, 3)
        self.forward_m_: FloatArray = d[:, 0]
        self.lateral_m_: FloatArray = d[:, 1]
        self.length_m_: FloatArray = np.hypot(d[:, 0], d[:, 1])
        # 4. whole gait cycles: from the contact that ended the previous swing of this foot
        # (on the rest this stride leaves) to this stride's contact
        after = np.concatenate(([False], self.rest_[1:] == self.end_rest_[:-1]))
        prev_ic = np.concatenate(([0], self.ic_[:-1]))
        self.cycle_s_: FloatArray = np.where(after, (self.ic_ - prev_ic) / fs, math.nan)
        self.cycle_start_: IntArray = np.where(after, prev_ic, self.start_)
        return self

    def _join_airborne(
        self, start: IntArray, end: IntArray, rest_of: IntArray, disp: FloatArray, fs: float
    ) -> tuple[IntArray, IntArray, IntArray, IntArray, FloatArray]:
        """Join the two movements around a rest the foot takes in the air.

        On level ground or stairs, consecutive foot-flats are where the foot stands: the
        height it gains to one is kept until the next. A still moment mid-swing (the foot
        held in the air, as in slow backward walking) is a rest the foot rises at least
        ``AIR_LIFT_M`` to and falls back from to within ``AIR_LIFT_M`` of where it started:
        no foot-flat, the two movements are one stride (their displacements add), when either
        is too short (under ``min_stride_s``) to be a stride of its own. (On real walking the
        ZUPT height of consecutive foot-flats scatters by several centimetres, gaitmap's
        sample: up to 7 cm, so height alone does not decide.)"""
        k = start.size
        ends_at = rest_of + 1
        nxt = np.concatenate((rest_of[1:] == ends_at[:-1], [False]))  # movement i+1 follows i
        dz = disp[:, 2] if k else np.empty(0)
        up = dz > AIR_LIFT_M
        down = np.concatenate((dz[1:] < -AIR_LIFT_M, [False]))
        level = np.abs(dz + np.concatenate((dz[1:], [0.0]))) < AIR_LIFT_M
        dur = (end - start) / fs
        short = dur < self.min_stride_s
        part = short | np.concatenate((short[1:], [False]))  # either too short to be a stride
        join = nxt & up & down & level & part  # movement i and i + 1 are one stride
        # a rest cannot be joined on both sides (two airborne rests in a row: keep the first)
        join &= ~np.concatenate(([False], join[:-1]))
        group = np.concatenate(([0], np.cumsum(~join[:-1]))) if k else np.empty(0, np.intp)
        first = np.flatnonzero(np.concatenate(([True], np.diff(group) != 0))) if k else group
        last = np.concatenate((first[1:] - 1, [k - 1])) if k else group
        summed = np.add.reduceat(disp, first, axis=0) if k else disp
        return start[first], end[last], rest_of[first], ends_at[last], summed

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

    @staticmethod
    def _displacement(recording: Recording, start: IntArray, end: IntArray) -> FloatArray:
        """(k, 3) displacement of each movement [start, end] by strapdown integration with
        zero-velocity updates at both ends (see step 4 of the class docstring): x along the
        foot's mean heading over the movement, y to its left, z up."""
        fs = recording.sampling_rate_hz
        dt = 1.0 / fs
        k = start.size
        if k == 0:
            return np.empty((0, 3))
        assert recording.gyr_rad_s is not None
        length = (end - start + 1).astype(np.intp)
        width = int(length.max())
        idx = start[:, None] + np.arange(width)[None, :]
        mask = np.arange(width)[None, :] < length[:, None]
        idx = np.where(mask, idx, start[:, None])
        gyr = np.where(mask[..., None], recording.gyr_rad_s[idx], 0.0)
        acc = np.where(mask[..., None], recording.acc_m_s2[idx], 0.0)
        rest_win = max(1, int(0.05 * fs))
        a0 = np.stack(
            [
                recording.acc_m_s2[max(0, s - rest_win) : s + rest_win + 1].mean(axis=0)
                for s in start
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
        out: FloatArray = pos[np.arange(k), length - 1]
        # express the displacement in the foot's mean heading over the movement (the mean of
        # its headings at the two rests): a turning stride travels along the foot's mean
        # heading, not along its heading before the turn
        toe = rotate(q[np.arange(k), length - 1], np.array([1.0, 0.0, 0.0]))
        half = 0.5 * np.arctan2(toe[:, 1], toe[:, 0])
        c, s = np.cos(half), np.sin(half)
        x, y = out[:, 0].copy(), out[:, 1].copy()
        out[:, 0] = c * x + s * y
        out[:, 1] = -s * x + c * y
        return out


PAIR_MAX_STILL_S = 1.5
"""Longest time [s] from one foot's contact to the other foot's next lift-off inside a walking
bout of two feet: the step time at 40 steps/min, the slowest walking kept (a double support
cannot last a whole step). Longer, both feet stood still: the walk paused."""

ONE_FOOT_MAX_STILL_S = 3.0
"""The same for one foot alone [s]: its foot-flat holds the other foot's whole swing, so it may
last up to a stride at 40 steps/min (3 s), never longer while walking."""

SIDEWAYS_RATIO = 1.0
"""A stride is sideways when its lateral displacement exceeds ``SIDEWAYS_RATIO`` x its fore-aft
one: the axis along which the foot travels most (no tuning: the larger of the two)."""

MIN_DIRECTION_RUN = 2
"""Strides of a new direction in a row that split a bout (a single odd stride does not)."""

FOOT_MIN_CONFIDENCE = 0.5
"""Below this direction confidence a foot bout is ``unknown``: posterior odds 3:1, as the lower
back (:class:`retrostride.gait.direction.PendulumPhaseDirection`'s ``min_confidence``)."""

DISPLACEMENT_SD_M = 0.04
"""Standard deviation [m] of a stride's ZUPT displacement error along either horizontal axis,
for the reliability of its direction (:meth:`FootPipeline.stride_votes`). From the foot stride
length against motion capture on gaitmap's example data (one healthy adult, 2 x 20 m at normal
speed with a turn; mean absolute error 0.032 m over 56 strides, ``docs/gait.md``), taken as the
mean absolute deviation of a normal error: sigma = MAE sqrt(pi / 2) = 0.040 m. Slower walking,
turning and other sensors may drift more; at 0.04 m a stride of 0.2 m or more is certain."""


class FootPipeline:
    """Gait from foot sensors: a :class:`FootPair` (both feet) or one foot :class:`Recording`.

    Per foot: :class:`FootStrides`. Bouts: runs of strides in which each foot's strides follow
    one another (each leaves the rest the previous one reached) and no foot-flat of both feet
    (one foot: of that foot) outlasts ``PAIR_MAX_STILL_S`` (``ONE_FOOT_MAX_STILL_S``): walking
    slows down to 40 steps/min and stays one bout, a pause or a non-walking movement ends it.
    A bout is also split where the strides' direction changes (``MIN_DIRECTION_RUN`` strides
    of the new one). Direction per stride: forward or backward by the sign of its fore-aft
    displacement, ``sideways`` when its lateral displacement is larger; per bout a sign test
    over its strides, the same kind as the lower back's
    (:class:`retrostride.gait.direction.PendulumPhaseDirection`): each stride votes for its
    class with the probability that its class is right given the displacement error
    (:meth:`stride_votes`), the bout's direction is the class of most votes and its confidence
    ``|2 P(share > 1/2) - 1|`` under a Beta posterior (Jeffreys' prior) on the share of the
    bout's walking in that class, ``unknown`` below ``FOOT_MIN_CONFIDENCE``: a long bout with
    one contrary stride is said, a shuffle whose displacements lie within the error is not. A
    recording whose foot axes are
    unknown (``device`` frame) gets ``unknown``. Temporal figures from whole gait cycles
    (:attr:`FootStrides.cycle_s_`): cadence the mean over cycles of 120 / cycle time (one
    foot) or 60 / step time (two feet), speed = stride length / cycle time, distance = summed
    stride lengths.
    """

    def __init__(
        self,
        *,
        strides: FootStrides | None = None,
        max_still_s: float | None = None,
        min_strides: int = 2,
    ) -> None:
        self.strides = strides
        self.max_still_s = max_still_s
        self.min_strides = min_strides

    def run(self, recording: FootPair | Recording) -> Self:
        pair = isinstance(recording, FootPair)
        feet = (
            {"left": recording.left, "right": recording.right}
            if isinstance(recording, FootPair)
            else {recording.side or "": recording}
        )
        fs = recording.sampling_rate_hz
        known_axes = all(r.frame is Frame.BODY for r in feet.values())
        cols: dict[str, list[FloatArray]] = {
            k: []
            for k in (
                "start",
                "end",
                "ic",
                "tc",
                "length",
                "forward",
                "lateral",
                "cycle",
                "cycle_start",
                "follows",
                "foot",
            )
        }
        sides: list[str] = []
        for number, (side, rec) in enumerate(feet.items()):
            st = (self.strides or FootStrides()).segment(rec)
            follows = np.concatenate(([False], st.rest_[1:] == st.end_rest_[:-1]))
            for key, val in (
                ("start", st.start_ / fs),
                ("end", st.end_ / fs),
                ("ic", st.ic_ / fs),
                ("tc", st.tc_ / fs),
                ("length", st.length_m_),
                ("forward", st.forward_m_),
                ("lateral", st.lateral_m_),
                ("cycle", st.cycle_s_),
                ("cycle_start", st.cycle_start_ / fs),
                ("follows", follows.astype(float)),
                ("foot", np.full(st.start_.size, float(number))),
            ):
                cols[key].append(np.asarray(val, dtype=float))
            sides += [side] * st.start_.size
        arr = {k: np.concatenate(v) if v else np.empty(0) for k, v in cols.items()}
        order = np.argsort(arr["ic"], kind="stable")
        arr = {k: v[order] for k, v in arr.items()}
        sides = [sides[i] for i in order]
        klass = self._stride_class(arr["forward"], arr["lateral"], known_axes)
        groups = self._bouts(arr, klass, pair)
        bouts: list[BoutResult] = []
        for g in groups:
            if g.size < self.min_strides:
                continue
            bouts.append(
                self._bout(
                    {k: v[g] for k, v in arr.items()},
                    [sides[i] for i in g],
                    klass[g],
                    pair,
                    known_axes,
                )
            )
        warnings = (
            [] if pair else ["one foot only: steps of the other foot inferred as one per stride"]
        )
        if not known_axes:
            warnings.append("foot axes unknown (device frame): direction not estimated")
        self.result_ = GaitResult(
            placement=recording.placement,
            sampling_rate_hz=fs,
            duration_s=recording.duration_s,
            bouts=bouts,
            step_count=int(sum(b.n_steps for b in bouts)),
            source=recording.source,
            warnings=warnings,
        )
        return self

    @staticmethod
    def _stride_class(forward: FloatArray, lateral: FloatArray, known_axes: bool) -> FloatArray:
        """+1 forward, -1 backward, 2 sideways, 0 unknown (axes unknown) per stride."""
        if not known_axes:
            return np.zeros(forward.size)
        side = np.abs(lateral) > SIDEWAYS_RATIO * np.abs(forward)
        return np.where(side, 2.0, np.sign(forward))

    def _bouts(self, arr: dict[str, FloatArray], klass: FloatArray, pair: bool) -> list[IntArray]:
        """Index groups of the bouts (see the class docstring)."""
        k = arr["ic"].size
        if k == 0:
            return []
        limit = self.max_still_s or (PAIR_MAX_STILL_S if pair else ONE_FOOT_MAX_STILL_S)
        # still time before each stride: from the latest contact before it to its lift-off
        latest = np.maximum.accumulate(arr["ic"])
        still = arr["start"][1:] - latest[:-1]
        split = still > limit
        # each foot's strides must follow one another
        split |= arr["follows"][1:] < 0.5
        # direction changes held for MIN_DIRECTION_RUN strides
        run_same = np.ones(k, dtype=bool)
        for j in range(1, MIN_DIRECTION_RUN):
            run_same[:-j] &= klass[j:] == klass[:-j]
            run_same[k - j :] = False
        change = (klass[1:] != klass[:-1]) & run_same[1:]
        split |= change
        return np.split(np.arange(k), np.flatnonzero(split) + 1)

    @staticmethod
    def stride_votes(
        forward_m: FloatArray, lateral_m: FloatArray, klass: FloatArray, overlap: float
    ) -> FloatArray:
        """Weight of each stride's vote for its class (``klass`` as :meth:`_stride_class`).

        With each horizontal displacement off by a normal error of ``DISPLACEMENT_SD_M``
        (sigma), the probability ``q`` that a stride's class is right: forward or backward needs
        the sign of the fore-aft displacement ``f`` and ``|f| > |l|`` (``l`` the lateral one),
        ``q = Phi(|f| / sigma) Phi((|f| - |l|) / (sqrt(2) sigma))``; sideways needs
        ``|l| > |f|``, ``q = Phi((|l| - |f|) / (sqrt(2) sigma))``. The vote is ``2 q - 1`` (0
        for a coin flip, 1 for certainty; at least 0) times ``overlap``: the strides of two
        feet overlap by half in time, so each counts one half and every step is counted once
        (one foot: 1)."""
        f = np.abs(np.nan_to_num(forward_m))
        lat = np.abs(np.nan_to_num(lateral_m))
        sd = DISPLACEMENT_SD_M
        margin = (f - lat) / (math.sqrt(2.0) * sd)
        q = np.where(klass == 2.0, ndtr(-margin), ndtr(f / sd) * ndtr(margin))
        q = np.where(klass == 0.0, 0.5, q)
        out: FloatArray = overlap * np.maximum(2.0 * q - 1.0, 0.0)
        return out

    @classmethod
    def _bout(
        cls,
        arr: dict[str, FloatArray],
        sides: list[str],
        klass: FloatArray,
        pair: bool,
        known_axes: bool,
    ) -> BoutResult:
        start, end, ic, tc = arr["start"], arr["end"], arr["ic"], arr["tc"]
        length, cycle = arr["length"], arr["cycle"]
        # direction: a sign test over the strides' votes (see the class docstring)
        direction: BoutDirection = Direction.UNKNOWN
        confidence = 0.0
        if known_axes and length.size:
            two = pair and len(set(sides)) == 2
            votes = cls.stride_votes(arr["forward"], arr["lateral"], klass, 0.5 if two else 1.0)
            total = float(np.sum(votes))
            share = {c: float(np.sum(votes[klass == c])) for c in (1.0, -1.0, 2.0)}
            best = max(share, key=lambda c: share[c])
            p_best = PendulumPhaseDirection.sign_test(share[best], total - share[best])
            confidence = max(0.0, 2.0 * p_best - 1.0)
            if confidence >= FOOT_MIN_CONFIDENCE:
                named: dict[float, BoutDirection] = {
                    1.0: Direction.FORWARD,
                    -1.0: Direction.BACKWARD,
                    2.0: SIDEWAYS,
                }
                direction = named[best]
        sign = np.where(klass == 2.0, 0.0, klass)
        speed = length / cycle
        strides = StrideTable(
            start_s=np.where(np.isfinite(cycle), arr["cycle_start"], start),
            end_s=ic,
            initial_contact_s=ic,
            final_contact_s=tc,
            side=sides,
            duration_s=cycle,
            length_m=length,
            speed_m_s=speed,
            direction_sign=sign,
        )
        whole = np.isfinite(cycle) & (cycle > 0)
        steps = np.diff(ic)
        side_arr = np.array(sides)
        two_feet = pair and len(set(sides)) == 2
        alternate = side_arr[1:] != side_arr[:-1] if two_feet else np.zeros(0, dtype=bool)
        left = steps[alternate & (side_arr[1:] == "left")] if two_feet else np.empty(0)
        right = steps[alternate & (side_arr[1:] == "right")] if two_feet else np.empty(0)
        n_steps = ic.size if two_feet else 2 * ic.size
        if whole.any():
            cadence = float(np.mean(120.0 / cycle[whole]))
        elif two_feet and alternate.any():
            cadence = float(np.mean(60.0 / steps[alternate]))
        else:
            cadence = math.nan
        ratio = math.nan
        if left.size and right.size:
            ratio = max(left.mean(), right.mean()) / min(left.mean(), right.mean())
        per_foot_cv = [
            c for c in (cv_percent(cycle[side_arr == s]) for s in set(sides)) if np.isfinite(c)
        ]
        finite_len = length[np.isfinite(length)]
        return BoutResult(
            start_s=float(start.min()),
            end_s=float(end.max()),
            direction=direction,
            direction_confidence=confidence,
            n_steps=int(n_steps),
            cadence_spm=cadence,
            stride_length_m=float(np.mean(finite_len)) if finite_len.size else math.nan,
            speed_m_s=float(np.mean(speed[whole])) if whole.any() else math.nan,
            stride_time_cv_percent=float(np.nanmean(per_foot_cv)) if per_foot_cv else math.nan,
            symmetry_step_time_ratio=float(ratio),
            initial_contacts_s=ic,
            final_contacts_s=np.sort(tc),
            step_time_left_s=float(left.mean()) if left.size else math.nan,
            step_time_right_s=float(right.mean()) if right.size else math.nan,
            strides=strides,
            # both feet cover the distance: two feet's summed strides are twice the walk
            walked_m=float(np.sum(finite_len)) / (2.0 if two_feet else 1.0),
        )
