"""The validation service on the real reference data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrostride.errors import InputError
from retrostride.importers.imu import load_mobilised_mat
from retrostride.services.gait_validation import (
    APP_STEP_ERROR_PERCENT,
    MOBGAP_ERRORS,
    bout_figures,
    validate,
)


@pytest.fixture(scope="module")
def report(shared_data: Path):  # type: ignore[no-untyped-def]
    return validate(shared_data)


def _values(report, metric_start: str, tag: str = "") -> list:  # type: ignore[no-untyped-def]
    return [c for c in report.checks if c.metric.startswith(metric_start) and c.item.endswith(tag)]


def test_reversed_recordings_come_out_backward(report) -> None:  # type: ignore[no-untyped-def]
    originals = _values(report, "original confident bouts forward")
    assert len(originals) == 7 and all(c.passed for c in originals)
    reversed_ = _values(report, "direction", "time-reversed")
    assert len(reversed_) == 7
    for c in reversed_:
        right, wrong = (float(x) for x in c.value.split(" / "))
        assert right >= 80.0 and wrong <= 5.0, (c.item, c.value)


def test_no_variant_comes_out_the_wrong_way(report) -> None:  # type: ignore[no-untyped-def]
    checks = _values(report, "direction")
    assert len(checks) == 43
    wrong = [float(c.value.split(" / ")[1]) for c in checks]
    assert max(wrong) <= 3.0  # 0 in the last run: turns are left out of the direction vote
    # stance and speed variants of the free-living trials may leave weak bouts unknown
    assert sum(c.passed for c in checks) >= 38


def test_variants_keep_cadence_and_length(report) -> None:  # type: ignore[no-untyped-def]
    for tag in ("time-reversed", "speed x0.8", "speed x1.2", "reversed speed x1.2"):
        for c in _values(report, "stride time x speed change", tag):
            assert abs(c.value) <= 3.0, (c.item, c.value)
        for c in _values(report, "stride length change", tag):
            # the drift filter follows the step frequency: lengths keep under time scaling
            assert abs(c.value) <= 5.0, (c.item, c.value)
    lengths = [c.value for c in _values(report, "stride length change")]
    assert np.median(np.abs(lengths)) < 3.0


def test_reference_errors_in_summary(report) -> None:  # type: ignore[no-untyped-def]
    s = report.summary
    assert s["n_reference_bouts"] == 16
    assert s["phone_step_mae_percent"] < APP_STEP_ERROR_PERCENT
    assert s["foot_stride_length_mae_m"] < 0.06
    # honest bounds of the current lower-back pipeline per cohort (see docs/gait.md). The
    # previous pipeline (step-frequency excursion, K = 1.25, no same-side merge) gave HA
    # 4.6 % / 0.16 m / 0.13 m/s and MS 11.3 % / 0.17 m / 0.16 m/s and fails these.
    assert s["n_reference_bouts_HA"] == 8 and s["n_reference_bouts_MS"] == 8
    # last run: HA 2.96 % / 0.129 m / 0.108 m/s, MS 9.9 % / 0.136 m / 0.136 m/s
    assert s["mobgap_lab_HA_cadence_mae_percent"] < 3.2  # issue 5's goal: mobgap's 3 %
    assert s["mobgap_lab_HA_stride_length_mae_m"] < 0.14
    assert s["mobgap_lab_HA_speed_mae_m_s"] < 0.115
    assert s["mobgap_lab_MS_cadence_mae_percent"] < 11.0
    assert s["mobgap_lab_MS_stride_length_mae_m"] < 0.15
    assert s["mobgap_lab_MS_speed_mae_m_s"] < 0.15
    assert s["phone_step_mae_percent_on_hardware_files"] < s["hardware_counter_mae_percent"]
    # issue 5's goal, measured as mobgap's quoted errors are: per test over the 6 lab tests
    # (last run: 1.96 %, 0.056 m, 0.053 m/s; mobgap 3.1 %, 0.089 m, 0.078 m/s in bench.gait)
    assert s["n_tests"] == 6
    assert s["mobgap_lab_per_test_cadence_mae_percent"] <= MOBGAP_ERRORS["cadence_percent"]
    assert s["mobgap_lab_per_test_stride_length_mae_m"] <= MOBGAP_ERRORS["stride_length_m"]
    assert s["mobgap_lab_per_test_speed_mae_m_s"] <= MOBGAP_ERRORS["speed_m_s"]
    goal_checks = [c for c in report.checks if c.metric.startswith("per-test")]
    assert len(goal_checks) == 3 and all(c.passed for c in goal_checks)
    d = report.to_dict()
    assert d["checks"] and "passed" in d


def test_bout_averaging_is_indips_own(shared_data: Path) -> None:
    """Our bout figures average strides as INDIP does: on INDIP's own strides they give INDIP's
    bout cadence and speed (120 / mean duration would not, on bouts with irregular strides)."""
    recs = load_mobilised_mat(shared_data / "imu" / "mobgap-lab" / "HA" / "001" / "data.mat")
    n = 0
    for rec in recs:
        for wb in rec.reference.get("indip", []):
            dur, length = wb["stride_duration_s"], wb["stride_length_per_stride_m"]
            cad, sl, sp = bout_figures(dur, length, length / dur)
            assert cad == pytest.approx(wb["cadence_spm"], rel=0.01)
            assert sl == pytest.approx(wb["stride_length_m"], abs=0.01)
            assert sp == pytest.approx(wb["speed_m_s"], abs=0.01)
            n += 1
    assert n == 8


def test_empty_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="data_dir"):
        validate(tmp_path)


def test_no_validation_check_fails(report) -> None:  # type: ignore[no-untyped-def]
    """Every one of the 243 checks passes (the two MS free-living variant checks that failed
    before bouts stopped being cut at one long step, docs/gait.md, now pass too)."""
    assert len(report.checks) == 243
    failed = {(c.item, c.metric) for c in report.checks if c.passed is False}
    assert not failed, failed
