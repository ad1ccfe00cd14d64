"""The validation service on the real reference data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrostride.errors import InputError
from retrostride.services.gait_validation import APP_STEP_ERROR_PERCENT, validate


@pytest.fixture(scope="module")
def report(shared_data: Path):  # type: ignore[no-untyped-def]
    return validate(shared_data)


def test_every_direction_check_passes(report) -> None:  # type: ignore[no-untyped-def]
    direction = [c for c in report.checks if "bouts" in c.metric]
    assert len(direction) >= 40
    failed = [(c.item, c.value) for c in direction if c.passed is False]
    # stance-warped variants of the long free-living trials may leave one weak bout unknown
    assert len(failed) <= 3, failed
    reversed_ = [c for c in direction if c.item.endswith("time-reversed")]
    assert reversed_ and all(c.passed for c in reversed_)


def test_reversal_keeps_cadence_and_length_overall(report) -> None:  # type: ignore[no-untyped-def]
    cad = [
        c.value for c in report.checks if c.section == "reversal" and c.metric.startswith("cadence")
    ]
    sl = [
        c.value
        for c in report.checks
        if c.section == "reversal" and c.metric.startswith("stride length")
    ]
    assert np.median(np.abs(cad)) < 3.0
    assert np.median(np.abs(sl)) < 5.0


def test_reference_errors_in_summary(report) -> None:  # type: ignore[no-untyped-def]
    s = report.summary
    assert s["n_reference_bouts"] == 16
    assert s["phone_step_mae_percent"] < APP_STEP_ERROR_PERCENT
    assert s["foot_stride_length_mae_m"] < 0.06
    # honest bounds of the current lower-back pipeline on all 16 INDIP bouts (see docs/gait.md)
    assert s["mobgap_lab_cadence_mae_percent"] < 10.0
    assert s["mobgap_lab_stride_length_mae_m"] < 0.3
    d = report.to_dict()
    assert d["checks"] and "passed" in d


def test_empty_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--data"):
        validate(tmp_path)
