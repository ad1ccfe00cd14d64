"""Signal helpers shared by the gait algorithms: filters, gravity-aligned components, windows.

All vectorised (numpy/scipy); no per-sample Python loops.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from scipy.ndimage import uniform_filter1d
from scipy.signal import butter, sosfilt, sosfilt_zi

from retrostride.gait.recording import STANDARD_GRAVITY_M_S2, FloatArray, IntArray

try:  # the C loop behind scipy.signal.sosfilt, without its per-call checks and copies
    from scipy.signal._sosfilt import _sosfilt as _sosfilt_rows
except ImportError:  # pragma: no cover - a scipy without it: the public function
    _sosfilt_rows = None

GRAVITY_CUTOFF_HZ = 0.25
"""Low-pass cut-off that separates the gravity direction from walking accelerations [Hz]
(walking's step frequency is above 0.7 Hz even in slow pathological gait)."""


@lru_cache(maxsize=64)
def _design(
    order: int, cutoff: float | tuple[float, float], btype: str, fs: float
) -> tuple[FloatArray, FloatArray, int]:
    """Butterworth second-order sections, their steady-state initial conditions (per unit
    step) and the length of the odd extension at either end, cached: designing a filter and
    solving for its initial conditions costs several times more than filtering a minute of
    data, and the same few filters run on every recording."""
    sos: FloatArray = butter(order, cutoff, btype, fs=fs, output="sos")
    zi: FloatArray = sosfilt_zi(sos)
    ntaps = 2 * sos.shape[0] + 1
    ntaps -= min(int((sos[:, 2] == 0).sum()), int((sos[:, 5] == 0).sum()))
    return sos, zi, 3 * ntaps


def _forward_backward(sos: FloatArray, zi: FloatArray, rows: FloatArray) -> FloatArray:
    """Filter each row of ``rows`` ((k, m), C-contiguous, overwritten) forward, then backward,
    each pass started in the steady state of its first sample; returns (k, m)."""
    if _sosfilt_rows is None:
        y, _ = sosfilt(sos, rows, axis=1, zi=zi[:, None, :] * rows[None, :, :1])
        y = np.ascontiguousarray(y[:, ::-1])
        y, _ = sosfilt(sos, y, axis=1, zi=zi[:, None, :] * y[None, :, :1])
        out: FloatArray = y[:, ::-1]
        return out
    z = np.ascontiguousarray(zi[None, :, :] * rows[:, :1, None])
    _sosfilt_rows(sos, rows, z)
    back = np.ascontiguousarray(rows[:, ::-1])
    z = np.ascontiguousarray(zi[None, :, :] * back[:, :1, None])
    _sosfilt_rows(sos, back, z)
    result: FloatArray = back[:, ::-1]
    return result


def zero_phase(
    x: FloatArray, order: int, cutoff: float | tuple[float, float], btype: str, fs: float
) -> FloatArray:
    """Forward-backward Butterworth filter along axis 0, the computation of
    ``scipy.signal.sosfiltfilt`` (odd extension of 3 x the filter's taps at either end, initial
    conditions scaled to the first sample of each pass) with the design and the initial
    conditions taken from a cache, so only the two filter passes run per call. ``x`` (n,) or
    (n, k): the k columns are filtered in the same passes."""
    if x.ndim == 1:
        one: FloatArray = zero_phase_rows([x], order, cutoff, btype, fs)[0]
        return one
    rows = zero_phase_rows([x[:, j] for j in range(x.shape[1])], order, cutoff, btype, fs)
    out: FloatArray = np.ascontiguousarray(rows.T)
    return out


def zero_phase_rows(
    signals: Sequence[FloatArray],
    order: int,
    cutoff: float | tuple[float, float],
    btype: str,
    fs: float,
) -> FloatArray:
    """:func:`zero_phase` of each of ``signals`` (1-D, all of one length n), filtered in the
    same passes and returned as the rows of a C-contiguous (k, n) array: signals kept as
    separate arrays need no stacking into columns and no transposes on either side."""
    sos, zi, edge = _design(order, cutoff, btype, fs)
    n = signals[0].shape[0]
    if n <= edge:
        raise ValueError(f"signal of {n} samples is too short for this filter ({edge})")
    ext = np.empty((len(signals), n + 2 * edge))
    for i, x in enumerate(signals):  # one per signal
        ext[i, :edge] = 2.0 * x[:1] - x[edge:0:-1]
        ext[i, edge : edge + n] = x
        ext[i, edge + n :] = 2.0 * x[-1:] - x[-2 : -edge - 2 : -1]
    out: FloatArray = np.ascontiguousarray(_forward_backward(sos, zi, ext)[:, edge:-edge])
    return out


def lowpass(x: FloatArray, cutoff_hz: float, fs: float, order: int = 2) -> FloatArray:
    """Zero-phase Butterworth low-pass along axis 0."""
    if x.shape[0] < 3 * (order + 1) * 2:
        return x.copy()
    return zero_phase(x, order, cutoff_hz, "low", fs)


def highpass(x: FloatArray, cutoff_hz: float, fs: float, order: int = 2) -> FloatArray:
    """Zero-phase Butterworth high-pass along axis 0."""
    if x.shape[0] < 3 * (order + 1) * 2:
        centred: FloatArray = x - x.mean(axis=0)
        return centred
    return zero_phase(x, order, cutoff_hz, "high", fs)


def bandpass(x: FloatArray, low_hz: float, high_hz: float, fs: float, order: int = 4) -> FloatArray:
    """Zero-phase Butterworth band-pass along axis 0 (``high_hz`` clipped below Nyquist)."""
    high_hz = min(high_hz, 0.45 * fs)
    if x.shape[0] < 3 * (2 * order + 1) * 2:
        centred: FloatArray = x - x.mean(axis=0)
        return centred
    return zero_phase(x, order, (low_hz, high_hz), "band", fs)


def bandpass_rows(
    signals: Sequence[FloatArray], low_hz: float, high_hz: float, fs: float, order: int = 4
) -> FloatArray:
    """:func:`bandpass` of each of ``signals`` (1-D, one length), as the rows of a (k, n)
    array (:func:`zero_phase_rows`)."""
    high_hz = min(high_hz, 0.45 * fs)
    if signals[0].shape[0] < 3 * (2 * order + 1) * 2:
        cols = np.column_stack(signals)  # as :func:`bandpass` centres columns
        centred: FloatArray = np.ascontiguousarray((cols - cols.mean(axis=0)).T)
        return centred
    return zero_phase_rows(signals, order, (low_hz, high_hz), "band", fs)


def gravity_estimate(acc_m_s2: FloatArray, fs: float) -> FloatArray:
    """The slowly varying part of the specific force (gravity in the sensor frame) [m/s^2].

    Two passes of a moving average over ``1 / GRAVITY_CUTOFF_HZ`` seconds (a triangular window
    of twice that length): its zeros fall on every multiple of 0.25 Hz, so step frequencies are
    removed, and its support is finite, so a chunked analysis gives the same values as a whole
    one away from the chunk edges. A moving average via ``uniform_filter1d`` costs a fraction
    of an IIR filter.
    """
    size = max(1, round(fs / GRAVITY_CUTOFF_HZ))
    once = uniform_filter1d(acc_m_s2, size=size, axis=0, mode="nearest")
    out: FloatArray = uniform_filter1d(once, size=size, axis=0, mode="nearest")
    return out


def integrate(x: FloatArray, fs: float) -> FloatArray:
    """Cumulative (rectangle rule) integral along axis 0."""
    return np.cumsum(x, axis=0) / fs


def vertical_rate(
    gyr_rad_s: FloatArray, acc_m_s2: FloatArray, fs: float, *, gravity: FloatArray | None = None
) -> FloatArray:
    """Angular rate about the vertical (the gravity direction of :func:`gravity_estimate`,
    or ``gravity`` when already computed) [rad/s], positive counter-clockwise seen from above
    (to the left)."""
    g = gravity_estimate(acc_m_s2, fs) if gravity is None else gravity
    gx, gy, gz = np.ascontiguousarray(g.T)
    wx, wy, wz = np.ascontiguousarray(gyr_rad_s.T)
    norm = np.sqrt(gx * gx + gy * gy + gz * gz)
    out: FloatArray = (wx * gx + wy * gy + wz * gz) / np.where(norm > 0, norm, 1.0)
    return out


def gravity_components(
    acc_m_s2: FloatArray,
    fs: float,
    *,
    with_horizontal: bool,
    gravity: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray | None, FloatArray | None]:
    """Vertical, anterior-posterior and medio-lateral accelerations [m/s^2].

    The vertical is the direction of the slowly varying part of the specific force (gravity),
    so sensor tilt is removed without any assumption about the direction of travel. The
    vertical component has gravity subtracted. With ``with_horizontal`` the body x axis
    (anterior, known from the mounting) is projected onto the horizontal plane to give the AP
    component, and ML = vertical x AP (to the left). Otherwise AP and ML are None.
    ``gravity``: :func:`gravity_estimate` of ``acc_m_s2`` when already computed.
    """
    g = gravity_estimate(acc_m_s2, fs) if gravity is None else gravity
    # column by column (contiguous): the same projections as with (n, 3) vectors, in a
    # fraction of the time
    gx, gy, gz = np.ascontiguousarray(g.T)
    ax, ay, az = np.ascontiguousarray(acc_m_s2.T)
    norm = np.sqrt(gx * gx + gy * gy + gz * gz)
    norm[norm == 0] = 1.0
    ux, uy, uz = gx / norm, gy / norm, gz / norm
    along = ax * ux + ay * uy + az * uz  # specific force along the vertical
    a_v: FloatArray = along - STANDARD_GRAVITY_M_S2
    if not with_horizontal:
        return a_v, None, None
    # AP: body x minus its vertical part, normalised: (x - ux u) / sqrt(1 - ux^2);
    # ML = u x AP = (0, uz, -uy) / sqrt(1 - ux^2) (to the left)
    n_ap = np.sqrt(np.maximum(1.0 - ux * ux, 0.0))
    n_ap[n_ap == 0] = 1.0
    a_ap: FloatArray = (ax - ux * along) / n_ap
    a_ml: FloatArray = (ay * uz - az * uy) / n_ap
    return a_v, a_ap, a_ml


def local_step_period_s(
    x: FloatArray,
    fs: float,
    *,
    window_s: float = 4.0,
    hop_s: float = 1.0,
    lag_range_s: tuple[float, float] = (0.3, 1.5),
    max_step_s: float = 0.8,
    batch: int = 2048,
) -> FloatArray:
    """Dominant step period around each sample [s], from windowed autocorrelation.

    The highest autocorrelation peak with a lag in ``lag_range_s`` is the step or the stride
    period (a phone in a pocket swings once per stride); a period above ``max_step_s`` is taken
    for a stride and halved (walking steps last 0.4-0.8 s from 75 to 150 steps/min). Windows
    are processed in batches, so memory stays bounded on long recordings.
    """
    n = x.shape[0]
    w = min(n, max(8, int(window_s * fs)))
    hop = max(1, int(hop_s * fs))
    starts = np.arange(0, max(n - w, 0) + 1, hop)
    nfft = 1 << int(np.ceil(np.log2(2 * w)))
    lo = max(1, int(lag_range_s[0] * fs))
    hi = min(w - 1, int(lag_range_s[1] * fs))
    lags = np.empty(starts.size)
    for b0 in range(0, starts.size, batch):  # bounded memory
        idx = starts[b0 : b0 + batch, None] + np.arange(w)[None, :]
        frames = x[idx]
        frames = frames - frames.mean(axis=1, keepdims=True)
        spec = np.fft.rfft(frames, nfft, axis=1)
        ac = np.fft.irfft(np.abs(spec) ** 2, nfft, axis=1)[:, : hi + 1]
        lags[b0 : b0 + batch] = (np.argmax(ac[:, lo : hi + 1], axis=1) + lo) / fs
    lags = np.where(lags > max_step_s, lags / 2.0, lags)
    centres = starts + w / 2.0
    out: FloatArray = np.interp(np.arange(n), centres, lags)
    return out


def window_index(centres: IntArray, lo: int, hi: int, n: int) -> IntArray:
    """(k, hi - lo) sample indices ``centre + lo ... centre + hi - 1``, clipped to [0, n)."""
    idx: IntArray = np.clip(centres[:, None] + np.arange(lo, hi)[None, :], 0, n - 1)
    return idx


def segment_reduce(
    x: FloatArray,
    starts: IntArray,
    ends: IntArray,
    *,
    extrema: bool = True,
    mean: bool = True,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per segment [start, end): (max, min, mean) of x, vectorised with ``reduceat``; without
    ``extrema`` (``mean``) the max and min (the mean) are not computed and come back empty.

    Segments must be non-empty and ``starts`` increasing; ends may overlap the next start.
    """
    if starts.size == 0:
        e = np.empty(0)
        return e, e, e
    # reduceat works on [starts[i], starts[i+1]); build interleaved boundaries for [s, e).
    bounds = np.empty(2 * starts.size, dtype=np.intp)
    bounds[0::2] = starts
    bounds[1::2] = np.minimum(ends, x.shape[0] - 1)
    order_ok = np.all(np.diff(bounds) >= 0)
    if not order_ok:
        # overlapping segments: fall back to a padded 2-D gather
        width = int(np.max(ends - starts))
        idx = np.clip(starts[:, None] + np.arange(width)[None, :], 0, x.shape[0] - 1)
        mask = np.arange(width)[None, :] < (ends - starts)[:, None]
        vals = x[idx]
        mx = np.where(mask, vals, -np.inf).max(axis=1)
        mn = np.where(mask, vals, np.inf).min(axis=1)
        avg = np.where(mask, vals, 0.0).sum(axis=1) / np.maximum(mask.sum(axis=1), 1)
        return mx, mn, avg
    e = np.empty(0)
    mx = np.maximum.reduceat(x, bounds)[0::2] if extrema else e
    mn = np.minimum.reduceat(x, bounds)[0::2] if extrema else e
    if not mean:
        return mx, mn, e
    sums = np.add.reduceat(x, bounds)[0::2]
    return mx, mn, sums / np.maximum(ends - starts, 1)
