"""Gait accuracy per INDIP walking bout: retrostride and mobgap side by side, aligned the same way.

Both pipelines run on the Mobilise-D lab tests (``imu/mobgap-lab``; mobgap's
``MobilisedPipelineHealthy`` via :mod:`bench.gait_mobgap`, retrostride's
:func:`retrostride.gait.pipeline.analyze`). For every INDIP reference bout, each pipeline's
strides lying inside the bout (reference start and end, 0.1 s slack) are averaged the way INDIP
averages its own strides (mean over strides of each stride's cadence, length and speed:
:func:`retrostride.services.gait_validation.bout_figures`) and compared with INDIP's figures.
Each pipeline contributes its own per-stride values (mobgap: its per-stride cadence, stride
length and walking speed; retrostride: 120 / stride duration, stride length, stride speed).
A bout where a pipeline has no stride counts as missed for it; the means are given over all
bouts each pipeline covers and over the bouts both cover.

Run from the repo root: ``.venv/bin/python -m bench.gait_accuracy [--data DIR]``.
"""

from __future__ import annotations

import argparse
import math
import warnings
from pathlib import Path

import numpy as np

from retrostride.gait.pipeline import analyze
from retrostride.importers.imu import load_mobilised_mat
from retrostride.services.gait_validation import bout_figures

Errors = tuple[float, float, float]


def _errors(figures: tuple[float, float, float], wb: dict[str, float]) -> Errors:
    cad, sl, sp = figures
    return (
        100.0 * (cad - wb["cadence_spm"]) / wb["cadence_spm"],
        sl - wb["stride_length_m"],
        sp - wb["speed_m_s"],
    )


def _inside(start: np.ndarray, end: np.ndarray, wb: dict[str, float]) -> np.ndarray:
    return np.asarray((start >= wb["start_s"] - 0.1) & (end <= wb["end_s"] + 0.1))


def mobgap_strides(lab: Path) -> dict[tuple[str, str, str], dict[str, np.ndarray]]:
    """mobgap's per-stride table of each test: start/end [s], cadence, length, speed."""
    from mobgap.pipeline import MobilisedPipelineHealthy

    from bench.gait_mobgap import load_tests

    warnings.filterwarnings("ignore")
    out = {}
    for test in load_tests(lab):
        fs = test.datapoint.sampling_rate_hz
        table = MobilisedPipelineHealthy().safe_run(test.datapoint).per_stride_parameters_
        out[(test.key.cohort, test.key.test, test.key.trial)] = {
            "start": table["start"].to_numpy(float) / fs,
            "end": table["end"].to_numpy(float) / fs,
            "cadence": table["cadence_spm"].to_numpy(float),
            "length": table["stride_length_m"].to_numpy(float),
            "speed": table["walking_speed_mps"].to_numpy(float),
        }
    return out


def _mae(rows: list[Errors]) -> tuple[float, float, float]:
    if not rows:
        return (math.nan, math.nan, math.nan)
    a = np.abs(np.array(rows, dtype=float))
    return (float(a[:, 0].mean()), float(a[:, 1].mean()), float(a[:, 2].mean()))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[1].parent / "shared" / "data"
    parser.add_argument("--data", type=Path, default=default, help="the shared data folder")
    args = parser.parse_args(argv)
    lab = args.data / "imu" / "mobgap-lab"
    mg = mobgap_strides(lab)
    rows: list[tuple[str, Errors | None, Errors | None]] = []
    print(
        f"{'bout':<34} {'ours: cad %':>11} {'SL m':>7} {'v m/s':>7} | "
        f"{'mobgap: cad %':>13} {'SL m':>7} {'v m/s':>7}"
    )
    for mat in sorted(lab.glob("*/*/data.mat")):
        cohort = mat.parent.parent.name
        for rec in load_mobilised_mat(mat):
            bouts = rec.reference.get("indip", [])
            if not bouts:
                continue
            _, test, trial = rec.reference["test"].split("/")
            res = analyze(rec)
            st = [b.strides for b in res.bouts]
            s0 = np.concatenate([x.start_s for x in st] or [np.empty(0)])
            s1 = np.concatenate([x.end_s for x in st] or [np.empty(0)])
            ln = np.concatenate([x.length_m for x in st] or [np.empty(0)])
            m = mg.get((cohort, test, trial))
            for wb in bouts:
                sel = _inside(s0, s1, wb)
                dur = s1 - s0
                ours = (
                    _errors(bout_figures(dur[sel], ln[sel], ln[sel] / dur[sel]), wb)
                    if sel.any()
                    else None
                )
                theirs = None
                if m is not None:
                    k = _inside(m["start"], m["end"], wb)
                    if k.any():
                        figs = (
                            float(np.nanmean(m["cadence"][k])),
                            float(np.nanmean(m["length"][k])),
                            float(np.nanmean(m["speed"][k])),
                        )
                        theirs = _errors(figs, wb)
                label = f"{cohort} {test} {trial} {wb['start_s']:.1f}-{wb['end_s']:.1f}s"
                rows.append((cohort, ours, theirs))

                def fmt(e: Errors | None) -> str:
                    return (
                        "   (no stride)              "
                        if e is None
                        else (f"{e[0]:>+11.1f} {e[1]:>+7.3f} {e[2]:>+7.3f}")
                    )

                print(f"{label:<34} {fmt(ours)} | {fmt(theirs):>29}")
    print("\nmean |error| (cadence %, stride length m, speed m/s), INDIP bouts, same alignment")
    for group in ("HA", "MS", "all"):
        sub = [r for r in rows if group in ("all", r[0])]
        ours_all = [r[1] for r in sub if r[1] is not None]
        mg_all = [r[2] for r in sub if r[2] is not None]
        both = [r for r in sub if r[1] is not None and r[2] is not None]
        o, g = _mae(ours_all), _mae(mg_all)
        ob, gb = _mae([r[1] for r in both if r[1]]), _mae([r[2] for r in both if r[2]])
        print(
            f"  {group:<3} retrostride {len(ours_all):>2}/{len(sub)} bouts: "
            f"{o[0]:.2f} % {o[1]:.3f} m {o[2]:.3f} m/s | mobgap {len(mg_all):>2}/{len(sub)}: "
            f"{g[0]:.2f} % {g[1]:.3f} m {g[2]:.3f} m/s"
        )
        print(
            f"      on the {len(both)} bouts both cover: retrostride {ob[0]:.2f} % {ob[1]:.3f} m "
            f"{ob[2]:.3f} m/s | mobgap {gb[0]:.2f} % {gb[1]:.3f} m {gb[2]:.3f} m/s"
        )


if __name__ == "__main__":
    main()
