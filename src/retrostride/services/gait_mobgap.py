"""mobgap's strides on the Mobilise-D lab recordings, for the goal table (optional).

mobgap (Mobilise-D, Apache-2.0) is an optional dependency (``pip install -e .[bench]``). Its
generic Mobilise-D loader reads the ``data.mat`` files given by path (its example-data loader,
which may download, is never used); its healthy-adult pipeline ``MobilisedPipelineHealthy`` runs
on each test with an INDIP reference.
"""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import numpy as np

from retrostride.gait.recording import FloatArray

TEST_LEVELS = ("time_measure", "test", "trial")


def mobgap_available() -> bool:
    """Whether mobgap can be imported."""
    return importlib.util.find_spec("mobgap") is not None


def mobgap_strides(folder: Path) -> dict[str, tuple[FloatArray, FloatArray]]:
    """Per lab test (``"HA TimeMeasure1/Test5/Trial1"``): the start [s] and length [m] of each
    stride mobgap finds. ``folder`` holds ``<cohort>/<id>/data.mat``."""
    warnings.filterwarnings("ignore")
    from mobgap.data import GenericMobilisedDataset
    from mobgap.pipeline import MobilisedPipelineHealthy

    files = sorted(folder.rglob("data.mat"))
    if not files:
        return {}
    dataset = GenericMobilisedDataset(
        files,
        test_level_names=TEST_LEVELS,
        parent_folders_as_metadata=["cohort", "participant_id"],
        measurement_condition="laboratory",
        reference_system="INDIP",
        reference_para_level="wb",
    )
    out: dict[str, tuple[FloatArray, FloatArray]] = {}
    for dp in dataset:
        if len(dp.reference_parameters_.wb_list) == 0:
            continue
        label = dp.group_label
        key = f"{label.cohort} " + "/".join(getattr(label, n) for n in TEST_LEVELS)
        strides = MobilisedPipelineHealthy().safe_run(dp).per_stride_parameters_
        fs = float(dp.sampling_rate_hz)
        out[key] = (
            np.asarray(strides["start"], dtype=float) / fs,
            np.asarray(strides["stride_length_m"], dtype=float),
        )
    return out
