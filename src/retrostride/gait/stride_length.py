"""Step and stride length from a lower-back sensor: the inverted-pendulum model."""

from __future__ import annotations

import math
from typing import Self

import numpy as np

from retrostride.gait._signal import highpass, integrate, segment_reduce
from retrostride.gait.recording import FloatArray, IntArray

TROCHANTER_HEIGHT_RATIO = 0.53
"""Height of the greater trochanter over body height (Winter DA 2009, Biomechanics and Motor
Control of Human Movement, 4th ed., Fig. 4.1: 0.530 H), used as pendulum length when the
sensor height is not known."""

DEFAULT_SENSOR_HEIGHT_M = 0.93
"""Pendulum length when neither sensor nor body height is known [m]: 0.53 x 1.75 m."""

MOBILISED_FACTOR = 4.587 / 4.0
"""Zijlstra model factor of the Mobilise-D recommended stride-length algorithm, optimised on the
MS Project data set (Soltani A et al. 2021, IEEE TNSRE 29:1955-1964; as shipped in mobgap 1.2
``SlZijlstra``, the default of its healthy-adult pipeline)."""


DRIFT_CUTOFF_PER_STEP_HZ = 0.6
"""Cut-off of the velocity drift filter per unit of step frequency. The pendulum's vault repeats
once a step, so the excursion is carried by the step frequency ``f``; everything slower (drift,
posture, the weight shifts of shuffling and turning) is what the filter is for. The 4th-order
Butterworth run forwards and backwards has the gain ``1 / (1 + (fc / f)^8)``: 0.6 is the highest
ratio that keeps it at 0.98 or more at ``f`` (0.983; 0.7 gives 0.946, 0.8 0.856), i.e. at
most 2 % of the excursion and so 1 % of the step length (``sqrt(h)``) lost, while the stride
frequency ``f / 2`` keeps 0.19 of its amplitude. It is also Mobilise-D's 1 Hz (Soltani 2021)
at 100 steps/min, the adults' slow/moderate boundary (Tudor-Locke C et al. 2018, Br J Sports
Med 52:776-788). Scaled with each bout's step frequency, the same steps walked at 45-140
steps/min keep their length within 1 % (a fixed 1 Hz loses 70 % at 45 steps/min;
``tests/gait/test_synthetic_physics.py``). On the Mobilise-D lab data against INDIP, per
band < 0.6 / 0.6-0.8 / >= 0.8 m, ratios 0.5 / 0.6 / 0.7 / 0.8 give MAEs 0.331 / 0.296 /
0.277 / 0.248, 0.228 / 0.217 / 0.206 / 0.187 and 0.092 / 0.091 / 0.091 / 0.105 m, the long
band's bias going from +0.016 to -0.073 m: a higher cut-off takes the slow bob of short strides
out, but also the vault of normal ones, so the ratio stays where the physics puts it."""


def vertical_excursion_m(
    a_v_m_s2: FloatArray,
    fs: float,
    step_bounds: IntArray,
    cutoff_per_step_hz: float = DRIFT_CUTOFF_PER_STEP_HZ,
) -> FloatArray:
    """Peak-to-peak vertical displacement [m] of each step [start, end): ``a_v`` integrated to
    velocity, high-passed (drift), integrated again; max - min within the step (Zijlstra & Hof
    2003; filter as Mobilise-D, Soltani et al. 2021, 4th-order zero-phase Butterworth).

    The filter runs over each run of contiguous steps (a bout) with 3 periods of its cut-off
    of data on either side, at ``cutoff_per_step_hz`` x the run's median step frequency
    (:data:`DRIFT_CUTOFF_PER_STEP_HZ`): a bout's excursions depend only on the data around it,
    and a time-scaled walk keeps them."""
    out = np.empty(step_bounds.shape[0])
    if step_bounds.size == 0:
        return out
    n = a_v_m_s2.shape[0]
    breaks = np.flatnonzero(step_bounds[1:, 0] != step_bounds[:-1, 1]) + 1
    for run in np.split(np.arange(step_bounds.shape[0]), breaks):  # one iteration per bout
        bounds = step_bounds[run]
        step_hz = fs / float(np.median(bounds[:, 1] - bounds[:, 0]))
        cutoff = round(cutoff_per_step_hz * step_hz, 2)  # rounded: filter designs are cached
        pad = math.ceil(3.0 / cutoff * fs)
        lo, hi = max(int(bounds[0, 0]) - pad, 0), min(int(bounds[-1, 1]) + pad, n)
        v = highpass(integrate(a_v_m_s2[lo:hi], fs), cutoff, fs, order=4)
        d = integrate(v, fs)
        mx, mn, _ = segment_reduce(d, bounds[:, 0] - lo, bounds[:, 1] - lo, mean=False)
        out[run] = mx - mn
    return out


def hampel_by_run(
    values: FloatArray, step_bounds: IntArray, half_window: int, n_mads: float
) -> FloatArray:
    """Hampel filter within each run of contiguous steps (a bout): a value further than
    ``n_mads`` scaled median absolute deviations from the median of the ``2 half_window + 1``
    values around it is replaced by that median. Runs shorter than the window are left alone.
    Mobilise-D smooths its step lengths this way (window 2, 3 MADs; Soltani 2021, mobgap
    ``SlZijlstra``) against missed or spurious initial contacts."""
    out = values.copy()
    if values.size == 0:
        return out
    breaks = np.flatnonzero(step_bounds[1:, 0] != step_bounds[:-1, 1]) + 1
    w = 2 * half_window + 1
    for seg in np.split(np.arange(values.size), breaks):  # one iteration per bout
        if seg.size < w:
            continue
        x = values[seg]
        win = np.lib.stride_tricks.sliding_window_view(np.pad(x, half_window, mode="edge"), w)
        med = np.nanmedian(win, axis=1)
        mad = 1.4826 * np.nanmedian(np.abs(win - med[:, None]), axis=1)
        out[seg] = np.where(np.abs(x - med) > n_mads * mad, med, x)
    return out


def chord_factor(turn_rad: FloatArray) -> FloatArray:
    """Chord over arc length of a path whose heading turns uniformly by ``turn_rad``:
    ``sin(a / 2) / (a / 2)`` (1 for a straight path, 0.90 for a quarter turn, 2 / pi = 0.64
    for a half turn, 0 for a full circle).

    Geometry, no constant: the inverted pendulum vaults the trunk along its path, so the
    summed step lengths of a stride are the length of the arc the trunk travelled; a stride
    length (the distance between two successive placements of the same foot, as INDIP and
    motion capture report it) is the straight line between its ends. A circular arc of length
    ``s`` turning by ``a`` has the chord ``s sin(a / 2) / (a / 2)``. Valid for ``|a|`` up to a
    full turn (2 pi, where the chord vanishes); a heading that turns unevenly within the
    stride has a chord at most this long for the same arc."""
    out: FloatArray = np.sinc(np.asarray(turn_rad, dtype=np.float64) / (2.0 * np.pi))
    return out


class InvertedPendulumStrideLength:
    """Step length ``K * 2 * sqrt(2 l h - h^2)`` from the trunk's vertical excursion.

    The inverted-pendulum model of Zijlstra W, Hof AL (2003) "Assessment of spatio-temporal
    gait parameters from trunk accelerations during human walking", Gait Posture 18:1-10:
    the trunk (height ``l`` above the ground, the sensor height) vaults over the stance leg,
    rising and falling by ``h`` per step, so the horizontal travel of one step is
    ``2 sqrt(2 l h - h^2)``; a multiplicative factor ``K`` absorbs what the geometry leaves
    out (double support, pelvic rotation).

    ``h`` per step [IC, next IC) is max - min of the vertical displacement, as in Zijlstra &
    Hof, obtained the way the Mobilise-D recommended implementation does (Soltani A et al.
    2021, IEEE TNSRE 29:1955-1964; Micó-Amigo ME et al. 2023, J NeuroEng Rehabil 20:78; mobgap
    ``SlZijlstra``, Apache-2.0): the gravity-free vertical acceleration is integrated to
    velocity, the velocity is high-passed (4th-order Butterworth, zero phase) to remove
    integration drift, and integrated again. One deviation: Mobilise-D's cut-off is a fixed
    1 Hz; here it is ``drift_cutoff_per_step_hz`` (0.6) x the bout's step frequency, which is
    1 Hz at 100 steps/min (:data:`DRIFT_CUTOFF_PER_STEP_HZ`), so stride length does not depend
    on how fast the same motion is walked (on the Mobilise-D lab data, per test against INDIP,
    it changes the stride-length error from 0.055 to 0.056 m; see ``docs/gait.md``). (Mobilise-D
    also high-passes the acceleration at 0.1 Hz; here gravity is already removed by the finite
    moving-average estimate of :func:`retrostride.gait._signal.gravity_estimate`, and the
    0.1 Hz filter changes no figure of the validation.)

    ``K`` defaults to Mobilise-D's factor ``4.587 / 4`` (about 1.15), optimised on the MS
    Project data set (Soltani 2021; mobgap ``SlZijlstra.PredefinedParameters
    .step_length_scaling_factor_ms_ms``, the default of mobgap's healthy-adult pipeline),
    i.e. fitted on recordings other than the validation data here. ``4.739 / 4`` is their
    factor fitted on all participants. The 1.25 often quoted for Zijlstra & Hof's own
    correction could not be checked against the paper and is not used.

    Valid for walking (not running); ``h`` above ``l`` is impossible and gives NaN. The model
    holds for either direction of travel: it uses only the vertical excursion. A stride is two
    consecutive steps. In a turn, the two steps' lengths add up to the path along the arc; given
    each stride's heading change (``stride_turn_rad``: the lower-back pipeline gives the mean
    rate of the turn the stride lies in times its time in the turn,
    :func:`retrostride.gait.turns.turn_heading`) the stride is the arc's chord
    (:func:`chord_factor`: 10 % shorter at 90 degrees per stride, 36 % at 180). What a
    pendulum cannot see remains: trunk bob without vaulting (pivoting, shuffling) is given
    only its pendular share (``pendular``), and such strides are still overestimated (see
    ``docs/gait.md``).

    Results: ``step_length_m_`` per step (between consecutive ICs), ``stride_length_m_`` per
    stride (``step[i] + step[i+1]``, times the chord factor), ``excursion_m_`` per step.
    """

    def __init__(
        self,
        *,
        correction_factor: float = MOBILISED_FACTOR,
        drift_cutoff_per_step_hz: float = DRIFT_CUTOFF_PER_STEP_HZ,
        outlier_window: int = 0,
        outlier_mads: float = 3.0,
    ) -> None:
        self.correction_factor = correction_factor
        self.drift_cutoff_per_step_hz = drift_cutoff_per_step_hz
        self.outlier_window = outlier_window
        self.outlier_mads = outlier_mads

    def estimate(
        self,
        a_v_m_s2: FloatArray,
        sampling_rate_hz: float,
        step_bounds: IntArray,
        stride_steps: IntArray,
        sensor_height_m: float,
        pendular: FloatArray | None = None,
        stride_turn_rad: FloatArray | None = None,
    ) -> Self:
        """``a_v_m_s2`` gravity-free vertical acceleration [m/s^2]; ``step_bounds`` (k, 2)
        sample ranges [IC, next IC); ``stride_steps`` (m, 2) step indices of each stride's two
        steps; ``pendular`` (k,) the share (0-1) of each step's rise that is pendular vaulting
        (the rest, from knee flexion or pivoting, carries the trunk nowhere; see
        ``retrostride.gait.lower_back.PURE_PENDULUM_R``), all of it when None;
        ``stride_turn_rad`` (m,) each stride's heading change [rad] (the stride becomes the
        chord of its arc, :func:`chord_factor`), no correction when None."""
        h = vertical_excursion_m(
            a_v_m_s2, sampling_rate_hz, step_bounds, self.drift_cutoff_per_step_hz
        )
        if pendular is not None:
            h = h * pendular
        lval = sensor_height_m
        arg = 2.0 * lval * h - h * h
        step = np.where(arg > 0, self.correction_factor * 2.0 * np.sqrt(np.maximum(arg, 0)), np.nan)
        if self.outlier_window:
            step = hampel_by_run(step, step_bounds, self.outlier_window, self.outlier_mads)
        self.excursion_m_: FloatArray = h
        self.step_length_m_: FloatArray = step
        if stride_steps.size:
            self.stride_length_m_: FloatArray = step[stride_steps[:, 0]] + step[stride_steps[:, 1]]
            if stride_turn_rad is not None:
                self.stride_length_m_ = self.stride_length_m_ * chord_factor(stride_turn_rad)
        else:
            self.stride_length_m_ = np.empty(0)
        return self
