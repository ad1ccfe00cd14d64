"""The shared filters: cached zero-phase Butterworth equals scipy's ``sosfiltfilt``."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import butter, sosfiltfilt

from retrostride.gait._signal import bandpass, bandpass_rows, highpass, lowpass, zero_phase


@pytest.mark.parametrize(
    ("order", "cutoff", "btype", "fs"),
    [
        (4, (0.5, 3.0), "band", 100.0),
        (2, 0.5, "low", 100.0),
        (4, 1.0, "high", 64.0),
        (2, (0.3, 3.0), "band", 204.8),
    ],
)
def test_zero_phase_equals_sosfiltfilt(
    order: int, cutoff: float | tuple[float, float], btype: str, fs: float
) -> None:
    rng = np.random.default_rng(7)
    sos = butter(order, cutoff, btype, fs=fs, output="sos")
    for x in (rng.standard_normal(700), rng.standard_normal((900, 3))):
        expected = sosfiltfilt(sos, x, axis=0)
        got = zero_phase(x, order, cutoff, btype, fs)
        assert got.shape == x.shape
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
        # called again (design and initial conditions from the cache): the same values
        np.testing.assert_allclose(zero_phase(x, order, cutoff, btype, fs), expected, atol=1e-12)


def test_public_sosfilt_path_gives_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without scipy's inner C loop the public ``sosfilt`` runs the passes: same values."""
    from retrostride.gait import _signal

    x = np.random.default_rng(5).standard_normal((600, 2))
    fast = zero_phase(x, 4, (0.5, 3.0), "band", 100.0)
    monkeypatch.setattr(_signal, "_sosfilt_rows", None)
    np.testing.assert_allclose(zero_phase(x, 4, (0.5, 3.0), "band", 100.0), fast, atol=1e-12)


def test_columns_filtered_together_equal_one_by_one() -> None:
    rng = np.random.default_rng(3)
    x = rng.standard_normal((1200, 2))
    both = bandpass(x, 0.5, 3.0, 100.0)
    for k in range(2):
        np.testing.assert_allclose(both[:, k], bandpass(x[:, k], 0.5, 3.0, 100.0), atol=1e-12)


def test_rows_filtered_together_equal_columns() -> None:
    """Separate signals band-passed as rows give what stacking them into columns gives, for
    signals long enough to filter and for those only centred."""
    rng = np.random.default_rng(4)
    for n in (30, 1500):
        a, b = rng.standard_normal(n), rng.standard_normal(n)
        rows = bandpass_rows([a, b], 0.5, 3.0, 100.0)
        cols = bandpass(np.column_stack([a, b]), 0.5, 3.0, 100.0)
        assert rows.shape == (2, n) and rows.flags.c_contiguous
        np.testing.assert_allclose(rows, cols.T, rtol=0, atol=1e-12)


def test_short_signals() -> None:
    x = np.arange(10.0)
    np.testing.assert_allclose(lowpass(x, 1.0, 100.0), x, atol=1e-12)
    np.testing.assert_allclose(highpass(x, 1.0, 100.0), x - x.mean(), atol=1e-12)
    with pytest.raises(ValueError, match="too short"):
        zero_phase(np.arange(20.0), 4, (0.5, 3.0), "band", 100.0)
