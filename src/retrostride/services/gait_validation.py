"""Validation of the gait pipelines against the reference data in ``imu/`` of the shared data.

:func:`validate` reads the recordings, runs the pipelines and returns a :class:`ValidationReport`
(the CLI prints it as a table or JSON). Sections:

- ``mobgap-lab``: the INDIP reference (cadence, stride length, speed) of the Mobilise-D lab
  recordings, per test (the goal: mobgap's errors in issue 5, measured the same way) and per
  reference bout (our strides lying inside it, averaged as INDIP averages,
  :func:`bout_figures`; summaries per cohort, HA and MS, and overall).
- ``gaitmap-foot``: motion-capture heel displacement per stride and mocap IC/TC times.
- ``phone-oxford``: ground-truth step counts (the data set's app: 3.7 % mean error; the phone's
  hardware counter: 1.2 %).
- ``reversal`` and ``perturbation``: time-reversed, sped-up/slowed-down and stance-warped
  variants. These prove the bookkeeping (time, sign and frame conventions), not accuracy on
  real backward walking.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from retrostride.gait.pipeline import analyze
from retrostride.gait.recording import FootPair, Recording
from retrostride.gait.result import GaitResult
from retrostride.importers.imu import (
    load_gaitmap_foot,
    load_mobilised_mat,
    load_phone_oxford,
)
from retrostride.science.locomotion import Direction
from retrostride.services.gait_goals import Goal, goal_table, goals_to_dict
from retrostride.services.gait_variants import run_variants

APP_STEP_ERROR_PERCENT = 3.7
"""Mean absolute step-count error of the Oxford data set's own app on these six files [%]."""
HARDWARE_STEP_ERROR_PERCENT = 1.2
"""Same for the phone's hardware step counter (user2's three files) [%]."""
MOBGAP_ERRORS = {"cadence_percent": 3.0, "stride_length_m": 0.09, "speed_m_s": 0.08}
"""mobgap's healthy-adult pipeline vs INDIP on the lab data, as given in issue 5 (for scale)."""


@dataclass(slots=True)
class Check:
    """One line of the report: a measured figure, its reference or goal, and whether it passed."""

    section: str
    item: str
    metric: str
    value: float | str
    reference: float | str | None = None
    goal: str = ""
    passed: bool | None = None


@dataclass(slots=True)
class ValidationReport:
    checks: list[Check] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    goals: list[Goal] = field(default_factory=list)
    """The goal table of issue 14 (:mod:`retrostride.services.gait_goals`)."""

    @property
    def passed(self) -> bool:
        return all(c.passed is not False for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        def clean(v: Any) -> Any:
            if isinstance(v, float):
                return None if not math.isfinite(v) else round(v, 4)
            return v

        return {
            "passed": self.passed,
            "summary": {k: clean(v) for k, v in self.summary.items()},
            "checks": [{k: clean(v) for k, v in asdict(c).items()} for c in self.checks],
            "goals": goals_to_dict(self.goals),
        }


def strides_in(result: GaitResult, start_s: float, end_s: float) -> tuple[np.ndarray, ...]:
    """Durations, lengths and speeds of our strides lying in [start, end] (0.1 s slack)."""
    ics, lengths, speeds = [], [], []
    for b in result.bouts:
        sel = (b.strides.start_s >= start_s - 0.1) & (b.strides.end_s <= end_s + 0.1)
        ics.append(b.strides.duration_s[sel])
        lengths.append(b.strides.length_m[sel])
        speeds.append(b.strides.speed_m_s[sel])
    cat = [np.concatenate(x) if x else np.empty(0) for x in (ics, lengths, speeds)]
    return cat[0], cat[1], cat[2]


def bout_figures(
    duration_s: np.ndarray, length_m: np.ndarray, speed_m_s: np.ndarray
) -> tuple[float, float, float]:
    """Cadence [steps/min], stride length [m] and speed [m/s] of a set of strides, averaged as
    INDIP averages its bouts: the mean over strides of each stride's own value (cadence of a
    stride = 120 / its duration). Checked on the reference itself: on every INDIP bout of the
    Mobilise-D lab data, ``Cadence`` equals the mean of ``120 / Stride_Duration`` and
    ``WalkingSpeed`` the mean of ``Stride_Speed``, not 120 / mean duration."""

    def mean(x: np.ndarray) -> float:
        x = x[np.isfinite(x)]
        return float(np.mean(x)) if x.size else math.nan

    return mean(120.0 / duration_s), mean(length_m), mean(speed_m_s)


def recording_figures(result: GaitResult) -> tuple[float, float, float]:
    """Cadence [steps/min], stride length [m] and speed [m/s] of a whole recording: means over
    its walking bouts weighted by their steps (as mobgap's evaluation and ``bench.gait``)."""
    rows = np.array(
        [(b.cadence_spm, b.stride_length_m, b.speed_m_s, b.n_steps) for b in result.bouts],
        dtype=float,
    ).reshape(-1, 4)
    return _weighted_means(rows[:, :3], rows[:, 3])


def reference_figures(bouts: list[dict[str, Any]]) -> tuple[float, float, float]:
    """The same figures of a reference's walking bouts, weighted by their strides."""
    rows = np.array(
        [(b["cadence_spm"], b["stride_length_m"], b["speed_m_s"], b["n_strides"]) for b in bouts],
        dtype=float,
    ).reshape(-1, 4)
    return _weighted_means(rows[:, :3], rows[:, 3])


def _weighted_means(values: np.ndarray, weights: np.ndarray) -> tuple[float, float, float]:
    out = []
    for col in values.T:
        ok = np.isfinite(col) & np.isfinite(weights) & (weights > 0)
        out.append(float(np.average(col[ok], weights=weights[ok])) if ok.any() else math.nan)
    return out[0], out[1], out[2]


def validate_mobgap(folder: Path, report: ValidationReport) -> list[Recording]:
    """Cadence, stride length and speed vs INDIP, per test and per reference bout.

    Per test (the goal): the means over the walking bouts we find, weighted by their steps
    (:func:`recording_figures`), against INDIP's over its bouts (:func:`reference_figures`),
    averaged over all tests with a reference; this is how mobgap's errors quoted in issue 5
    come out (``bench.gait`` reproduces them from mobgap's own run: 3.1 %, 0.089 m,
    0.078 m/s), so the goal check compares like with like.

    Per reference bout (reported, no goal here; ``bench.gait_accuracy`` sets them beside
    mobgap's on the same bouts): our strides lying inside an INDIP bout (0.1 s slack) are
    averaged the way INDIP averages its own strides (:func:`bout_figures`). Summaries per
    cohort (HA healthy adult, MS multiple sclerosis) and over all bouts.
    """
    recordings: list[Recording] = []
    for mat in sorted(folder.glob("*/*/data.mat")):
        recordings += load_mobilised_mat(mat)
    errors: dict[str, list[tuple[float, float, float]]] = {}
    test_errors: list[tuple[float, float, float]] = []
    for rec in recordings:
        res = analyze(rec)
        reference = rec.reference.get("indip", [])
        if reference:
            ours, ref = recording_figures(res), reference_figures(reference)
            test_errors.append(
                (100.0 * (ours[0] - ref[0]) / ref[0], ours[1] - ref[1], ours[2] - ref[2])
            )
        cohort = Path(str(rec.source).split("#")[0]).parent.parent.name
        for wb in rec.reference.get("indip", []):
            cad, sl, sp = bout_figures(*strides_in(res, wb["start_s"], wb["end_s"]))
            item = f"{cohort} {rec.reference['test']} {wb['start_s']:.1f}-{wb['end_s']:.1f}s"
            e_cad = 100.0 * (cad - wb["cadence_spm"]) / wb["cadence_spm"]
            e_sl = sl - wb["stride_length_m"]
            e_sp = sp - wb["speed_m_s"]
            errors.setdefault(cohort, []).append((e_cad, e_sl, e_sp))
            report.checks.append(
                Check("mobgap-lab", item, "cadence error %", e_cad, wb["cadence_spm"])
            )
            report.checks.append(
                Check("mobgap-lab", item, "stride length error m", e_sl, wb["stride_length_m"])
            )
            report.checks.append(
                Check("mobgap-lab", item, "speed error m/s", e_sp, wb["speed_m_s"])
            )
    keys = ("cadence_mae_percent", "stride_length_mae_m", "speed_mae_m_s")
    goals = ("cadence_percent", "stride_length_m", "speed_m_s")
    groups = {"": [e for v in errors.values() for e in v]} | {
        f"{c}_": v for c, v in sorted(errors.items())
    }
    for prefix, errs in groups.items():
        if not errs:
            continue
        mae = np.nanmean(np.abs(np.array(errs, dtype=float)), axis=0)
        for key, value in zip(keys, mae, strict=True):
            report.summary[f"mobgap_lab_{prefix}{key}"] = float(value)
        report.summary[f"n_reference_bouts{'_' + prefix[:-1] if prefix else ''}"] = len(errs)
    # the goal, as issue 5 states mobgap's errors: per test, stride-weighted means over the
    # walking bouts found (ours) against those over INDIP's bouts, averaged over the tests
    per_test = np.array(test_errors, dtype=float).reshape(-1, 3)
    report.summary["n_tests"] = per_test.shape[0]
    if per_test.size:
        mae = np.nanmean(np.abs(per_test), axis=0)
        for key, goal_key, value in zip(keys, goals, mae, strict=True):
            report.summary[f"mobgap_lab_per_test_{key}"] = float(value)
            goal = MOBGAP_ERRORS[goal_key]
            report.checks.append(
                Check(
                    "mobgap-lab",
                    f"all {per_test.shape[0]} tests",
                    f"per-test {key}",
                    float(value),
                    goal,
                    f"<= mobgap's {goal} ({goal_key})",
                    bool(value <= goal),
                )
            )
    return recordings


def validate_foot(folder: Path, report: ValidationReport) -> FootPair | None:
    path = folder / "imu_sample.csv"
    if not path.is_file():
        return None
    pair = load_gaitmap_foot(path)
    res = analyze(pair)
    sl_err, ic_err, tc_err = [], [], []
    for side in ("left", "right"):
        ev = pair.reference.get(f"{side}_events")
        lengths = pair.reference.get(f"{side}_stride_length_m")
        if ev is None or lengths is None:
            continue
        ref_len = dict(zip(lengths["s_id"], lengths["length_m"], strict=True))
        ours = [
            (ic, tc, ln)
            for b in res.bouts
            for ic, tc, ln, s in zip(
                b.strides.initial_contact_s,
                b.strides.final_contact_s,
                b.strides.length_m,
                b.strides.side,
                strict=True,
            )
            if s == side
        ]
        if not ours:
            continue
        o_ic = np.array([o[0] for o in ours])
        o_tc = np.array([o[1] for o in ours])
        o_len = np.array([o[2] for o in ours])
        for sid, ric, rtc in zip(ev["s_id"], ev["ic_s"], ev["tc_s"], strict=True):
            # our stride whose swing ends at this mocap stride's IC: same swing, same stride
            j = int(np.argmin(np.abs(o_ic - ric)))
            if abs(o_ic[j] - ric) > 0.15:
                continue
            ic_err.append(o_ic[j] - ric)
            k = int(np.argmin(np.abs(o_tc - rtc)))
            tc_err.append(o_tc[k] - rtc)
            # mocap stride sid spans min_vel -> min_vel around this swing, as ours does
            sl_err.append(o_len[j] - ref_len[sid])
    n_ref = sum(len(pair.reference[f"{s}_events"]["s_id"]) for s in ("left", "right"))
    summary = {
        "foot_strides_matched": len(sl_err),
        "foot_strides_reference": n_ref,
        "foot_stride_length_mae_m": float(np.mean(np.abs(sl_err))) if sl_err else math.nan,
        "foot_stride_length_bias_m": float(np.mean(sl_err)) if sl_err else math.nan,
        "foot_ic_mae_s": float(np.mean(np.abs(ic_err))) if ic_err else math.nan,
        "foot_tc_mae_s": float(np.mean(np.abs(tc_err))) if tc_err else math.nan,
    }
    report.summary.update(summary)
    report.checks += [
        Check(
            "gaitmap-foot",
            "mocap heel displacement",
            "stride length MAE m",
            summary["foot_stride_length_mae_m"],
            None,
            "<= 0.10",
            summary["foot_stride_length_mae_m"] <= 0.10,
        ),
        Check(
            "gaitmap-foot",
            "mocap events",
            "IC MAE s",
            summary["foot_ic_mae_s"],
            None,
            "<= 0.05",
            summary["foot_ic_mae_s"] <= 0.05,
        ),
        Check(
            "gaitmap-foot",
            "mocap events",
            "TC MAE s",
            summary["foot_tc_mae_s"],
            None,
            "<= 0.05",
            summary["foot_tc_mae_s"] <= 0.05,
        ),
        Check(
            "gaitmap-foot",
            "strides found",
            "matched / reference",
            f"{len(sl_err)}/{n_ref}",
            None,
            ">= 80 %",
            len(sl_err) >= 0.8 * n_ref,
        ),
        Check(
            "gaitmap-foot",
            "direction",
            "bouts forward",
            ", ".join(b.direction.value for b in res.bouts),
            "forward",
            "all forward",
            all(b.direction is Direction.FORWARD for b in res.bouts),
        ),
    ]
    return pair


def validate_phone(folder: Path, report: ValidationReport) -> None:
    errors, hw_errors, own_on_hw = [], [], []
    for path in sorted(folder.glob("*.csv")):
        rec = load_phone_oxford(path)
        gt = rec.reference["steps_ground_truth"]
        res = analyze(rec)
        err = 100.0 * (res.step_count - gt) / gt
        errors.append(err)
        hw = rec.reference.get("steps_hardware")
        if hw is not None:
            hw_errors.append(100.0 * (hw - gt) / gt)
            own_on_hw.append(err)
        report.checks.append(
            Check(
                "phone-oxford",
                path.name,
                "step count error %",
                err,
                gt,
                f"<= {APP_STEP_ERROR_PERCENT}",
                abs(err) <= APP_STEP_ERROR_PERCENT * 1.5,
            )
        )
    mae = float(np.mean(np.abs(errors)))
    report.summary["phone_step_mae_percent"] = mae
    report.summary["phone_step_mae_percent_on_hardware_files"] = float(np.mean(np.abs(own_on_hw)))
    report.summary["hardware_counter_mae_percent"] = float(np.mean(np.abs(hw_errors)))
    report.checks.append(
        Check(
            "phone-oxford",
            "all files",
            "step count MAE %",
            mae,
            APP_STEP_ERROR_PERCENT,
            f"< app's {APP_STEP_ERROR_PERCENT}",
            mae < APP_STEP_ERROR_PERCENT,
        )
    )
    report.checks.append(
        Check(
            "phone-oxford",
            "user2 files",
            "step count MAE % (ref: hardware counter's)",
            float(np.mean(np.abs(own_on_hw))),
            float(np.mean(np.abs(hw_errors))),
            "< hardware counter's",
            float(np.mean(np.abs(own_on_hw))) < float(np.mean(np.abs(hw_errors))),
        )
    )


def validate_variants(
    recordings: list[Recording], pair: FootPair | None, report: ValidationReport
) -> None:
    """Reversal, speed and stance-share variants of every reference recording, compared stride
    by stride with the original (:mod:`retrostride.services.gait_variants`)."""
    items: list[tuple[str, Recording | FootPair]] = [
        (f"{Path(str(r.source).split('#')[0]).parent.parent.name} {r.reference['test']}", r)
        for r in recordings
    ]
    if pair is not None:
        items.append(("gaitmap-foot", pair))
    all_outcomes = []
    for name, rec in items:
        base, outcomes = run_variants(rec)
        confident = [b for b in base.bouts if b.direction_confidence >= 0.5]
        report.checks.append(
            Check(
                "reversal",
                name,
                "original confident bouts forward",
                f"{sum(b.direction is Direction.FORWARD for b in confident)}/{len(confident)}",
                "forward",
                "all forward",
                bool(confident) and all(b.direction is Direction.FORWARD for b in confident),
            )
        )
        for o in outcomes:
            section = "reversal" if "reversed" in o.tag else "perturbation"
            ok = o.passed
            item = f"{name} {o.tag}"
            report.checks += [
                Check(
                    section,
                    item,
                    "strides matched %",
                    100.0 * o.matched_fraction,
                    None,
                    ">= 80",
                    ok["matched"],
                ),
                Check(
                    section,
                    item,
                    f"direction {o.expected.value} / wrong %",
                    f"{o.direction_right_percent:.0f} / {o.direction_wrong_percent:.0f}",
                    o.expected.value,
                    ">= 80 / 0",
                    ok["direction"],
                ),
                Check(
                    section,
                    item,
                    "stride time x speed change %",
                    o.duration_change_percent,
                    None,
                    "|x| <= 3",
                    ok["cadence"],
                ),
                Check(
                    section,
                    item,
                    "stride length change %",
                    o.length_change_percent,
                    None,
                    "|x| <= 5",
                    ok["length"],
                ),
            ]
            all_outcomes.append(o)
    if all_outcomes:
        report.summary["variants"] = len(all_outcomes)
        report.summary["variants_direction_wrong_percent_max"] = max(
            o.direction_wrong_percent for o in all_outcomes
        )
        report.summary["variants_all_passed"] = sum(all(o.passed.values()) for o in all_outcomes)


def validate(
    data_dir: Path, *, variants: bool = True, goals: bool = False, mobgap: bool = True
) -> ValidationReport:
    """Run every validation whose data is present under ``data_dir`` (the shared ``data`` folder
    or its ``imu`` sub-folder). ``goals``: also the goal table (bands, coverage; with mobgap
    beside ours when ``mobgap`` and it is installed)."""
    imu = data_dir / "imu" if (data_dir / "imu").is_dir() else data_dir
    report = ValidationReport()
    recordings: list[Recording] = []
    pair = None
    if (imu / "mobgap-lab").is_dir():
        recordings = validate_mobgap(imu / "mobgap-lab", report)
    if (imu / "gaitmap-foot").is_dir():
        pair = validate_foot(imu / "gaitmap-foot", report)
    if (imu / "phone-oxford").is_dir():
        validate_phone(imu / "phone-oxford", report)
    if variants:
        validate_variants(recordings, pair, report)
    if goals:
        lab = imu / "mobgap-lab"
        report.goals = goal_table(recordings, pair, lab if mobgap and lab.is_dir() else None)
    if not report.checks:
        from retrostride.errors import InputError

        raise InputError(
            "data_dir",
            str(data_dir),
            "a folder holding imu/mobgap-lab, imu/gaitmap-foot or imu/phone-oxford",
        )
    return report
