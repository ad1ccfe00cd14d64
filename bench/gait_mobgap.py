"""The mobgap side of the gait benchmark: its healthy-adult pipeline and the INDIP reference.

mobgap (Mobilise-D, Apache-2.0) is an optional benchmark dependency (``pip install -e .[bench]``).
Its example data loader is never used (it may download); its generic Mobilise-D loader reads the
``data.mat`` files given by path. The data are loaded once, then each test runs from memory
(``GaitDatasetFromData``), so the timing covers the pipeline only, as on our side.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

TEST_LEVELS = ("time_measure", "test", "trial")


@dataclass(frozen=True, slots=True)
class TestKey:
    """One lab test of one participant, as mobgap indexes it (``HA/001 Test5 Trial1``)."""

    cohort: str
    participant: str
    time_measure: str
    test: str
    trial: str

    def label(self) -> str:
        return f"{self.cohort}/{self.participant} {self.test} {self.trial}"


Bout = tuple[float, float, float, float, float]
"""(start [s], end [s], cadence [steps/min], stride length [m], speed [m/s]) of one bout."""


@dataclass(frozen=True, slots=True)
class GaitFigures:
    """Recording-level walking figures: stride-weighted means over the walking bouts."""

    cadence_spm: float
    stride_length_m: float
    speed_m_s: float
    n_bouts: int
    bouts: tuple[Bout, ...] = ()


@dataclass(slots=True)
class MobgapTest:
    key: TestKey
    minutes: float
    reference: GaitFigures
    datapoint: Any
    result: GaitFigures | None = None
    seconds: float = float("nan")


def _weighted(values: Any, weights: Any) -> float:
    v = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    ok = np.isfinite(v) & np.isfinite(w) & (w > 0)
    return float(np.average(v[ok], weights=w[ok])) if ok.any() else float("nan")


def figures_from_table(
    table: Any, cadence: str, stride_length: str, speed: str, strides: str, rate_hz: float
) -> GaitFigures:
    """Stride-weighted means of a per-bout table (pandas DataFrame; start/end in samples)."""
    if len(table) == 0:
        nan = float("nan")
        return GaitFigures(nan, nan, nan, 0)
    weights = table[strides]
    bouts = tuple(
        (float(r["start"]) / rate_hz, float(r["end"]) / rate_hz, float(r[cadence]),
         float(r[stride_length]), float(r[speed]))
        for _, r in table.iterrows()
    )
    return GaitFigures(
        cadence_spm=_weighted(table[cadence], weights),
        stride_length_m=_weighted(table[stride_length], weights),
        speed_m_s=_weighted(table[speed], weights),
        n_bouts=len(table),
        bouts=bouts,
    )


def load_tests(data_root: Path) -> list[MobgapTest]:
    """Every lab test with an INDIP reference under ``data_root`` (``<cohort>/<id>/data.mat``)."""
    warnings.filterwarnings("ignore")
    from mobgap.data import GaitDatasetFromData, GenericMobilisedDataset

    files = sorted(data_root.rglob("data.mat"))
    if not files:
        raise SystemExit(f"no Mobilise-D data.mat under {data_root}")
    dataset = GenericMobilisedDataset(
        files,
        test_level_names=TEST_LEVELS,
        parent_folders_as_metadata=["cohort", "participant_id"],
        measurement_condition="laboratory",
        reference_system="INDIP",
        reference_para_level="wb",
    )
    tests: list[MobgapTest] = []
    for dp in dataset:
        label = dp.group_label
        key = TestKey(label.cohort, label.participant_id, *(getattr(label, n) for n in TEST_LEVELS))
        ref_wbs = dp.reference_parameters_.wb_list
        if len(ref_wbs) == 0:
            continue
        reference = figures_from_table(
            ref_wbs, "avg_cadence_spm", "avg_stride_length_m", "avg_walking_speed_mps",
            "n_strides", dp.sampling_rate_hz,
        )
        data = dp.data_ss.copy()
        in_memory = GaitDatasetFromData(
            {key.label(): {"LowerBack": data}},
            dp.sampling_rate_hz,
            {key.label(): dict(dp.participant_metadata)},
            {key.label(): dict(dp.recording_metadata)},
        )
        minutes = len(data) / dp.sampling_rate_hz / 60.0
        tests.append(MobgapTest(key, minutes, reference, in_memory[0]))
    return tests


def run_mobgap(tests: list[MobgapTest], repeat: int = 1) -> None:
    """Run ``MobilisedPipelineHealthy`` on every test after one warm-up call; fill results.

    Each test is timed ``repeat`` times; the fastest pass is kept.
    """
    from mobgap.pipeline import MobilisedPipelineHealthy

    warnings.filterwarnings("ignore")
    MobilisedPipelineHealthy().safe_run(tests[0].datapoint)  # warm-up: numba compilation, caches
    for test in tests:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            pipeline = MobilisedPipelineHealthy().safe_run(test.datapoint)
            times.append(time.perf_counter() - start)
        test.seconds = min(times)
        test.result = figures_from_table(
            pipeline.per_wb_parameters_,
            "cadence_spm",
            "stride_length_m",
            "walking_speed_mps",
            "n_strides",
            test.datapoint.sampling_rate_hz,
        )
