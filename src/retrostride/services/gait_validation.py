"""Validation of the gait pipelines against the reference data in ``imu/`` of the shared data.

:func:`validate` reads the recordings, runs the pipelines and returns a :class:`ValidationReport`
(the CLI prints it as a table or JSON). Sections:

- ``mobgap-lab``: INDIP reference bouts (cadence, stride length, speed) of the Mobilise-D lab
  recordings; our strides whose IC falls inside a reference bout are averaged.
- ``gaitmap-foot``: motion-capture heel displacement per stride and mocap IC/TC times.
- ``phone-oxford``: ground-truth step counts (the data set's app: 3.7 % mean error; the phone's
  hardware counter: 1.2 %).
- ``reversal`` and ``perturbation``: time-reversed, sped-up/slowed-down and stance-warped
  variants. These prove the bookkeeping (time, sign and frame conventions), not accuracy on
  real backward walking.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from retrostride.gait.pipeline import analyze
from retrostride.gait.recording import FootPair, Recording
from retrostride.gait.result import GaitResult
from retrostride.gait.transforms import phase_warped, stance_knots, time_reversed, time_scaled
from retrostride.importers.imu import (
    load_gaitmap_foot,
    load_mobilised_mat,
    load_phone_oxford,
)
from retrostride.science.locomotion import Direction

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
        }


def _strides_in(result: GaitResult, start_s: float, end_s: float) -> tuple[np.ndarray, ...]:
    """Durations, lengths and speeds of our strides lying in [start, end] (0.1 s slack)."""
    ics, lengths, speeds = [], [], []
    for b in result.bouts:
        sel = (b.strides.start_s >= start_s - 0.1) & (b.strides.end_s <= end_s + 0.1)
        ics.append(b.strides.duration_s[sel])
        lengths.append(b.strides.length_m[sel])
        speeds.append(b.strides.speed_m_s[sel])
    cat = [np.concatenate(x) if x else np.empty(0) for x in (ics, lengths, speeds)]
    return cat[0], cat[1], cat[2]


def validate_mobgap(folder: Path, report: ValidationReport) -> list[Recording]:
    """Cadence, stride length and speed vs INDIP, per reference bout."""
    recordings: list[Recording] = []
    for mat in sorted(folder.glob("*/*/data.mat")):
        recordings += load_mobilised_mat(mat)
    cad_err, sl_err, sp_err = [], [], []
    for rec in recordings:
        res = analyze(rec)
        cohort = Path(str(rec.source).split("#")[0]).parent.parent.name
        for wb in rec.reference.get("indip", []):
            dur, sl, sp = _strides_in(res, wb["start_s"], wb["end_s"])
            # INDIP's cadence is 2 x its stride frequency: 120 / mean stride time
            cad = 120.0 / float(np.mean(dur)) if dur.size else math.nan
            item = f"{cohort} {rec.reference['test']} {wb['start_s']:.1f}-{wb['end_s']:.1f}s"
            e_cad = 100.0 * (cad - wb["cadence_spm"]) / wb["cadence_spm"]
            e_sl = float(np.nanmean(sl)) - wb["stride_length_m"] if sl.size else math.nan
            e_sp = float(np.nanmean(sp)) - wb["speed_m_s"] if sp.size else math.nan
            cad_err.append(e_cad)
            sl_err.append(e_sl)
            sp_err.append(e_sp)
            report.checks.append(
                Check("mobgap-lab", item, "cadence error %", e_cad, wb["cadence_spm"])
            )
            report.checks.append(
                Check("mobgap-lab", item, "stride length error m", e_sl, wb["stride_length_m"])
            )
            report.checks.append(
                Check("mobgap-lab", item, "speed error m/s", e_sp, wb["speed_m_s"])
            )
    summary = {
        "cadence_mae_percent": float(np.nanmean(np.abs(cad_err))),
        "stride_length_mae_m": float(np.nanmean(np.abs(sl_err))),
        "speed_mae_m_s": float(np.nanmean(np.abs(sp_err))),
        "n_reference_bouts": len(cad_err),
    }
    for key, goal_key, goal in (
        ("cadence_mae_percent", "cadence_percent", MOBGAP_ERRORS["cadence_percent"]),
        ("stride_length_mae_m", "stride_length_m", MOBGAP_ERRORS["stride_length_m"]),
        ("speed_mae_m_s", "speed_m_s", MOBGAP_ERRORS["speed_m_s"]),
    ):
        report.checks.append(
            Check(
                "mobgap-lab",
                "all INDIP bouts",
                key,
                summary[key],
                goal,
                f"<= mobgap's {goal} ({goal_key})",
                summary[key] <= goal,
            )
        )
        report.summary[f"mobgap_lab_{key}"] = summary[key]
    report.summary["n_reference_bouts"] = summary["n_reference_bouts"]
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
            "vs hardware counter MAE %",
            float(np.mean(np.abs(own_on_hw))),
            float(np.mean(np.abs(hw_errors))),
            "information only",
            None,
        )
    )


def _confident(res: GaitResult, min_conf: float = 0.5) -> list[Direction]:
    return [b.direction for b in res.bouts if b.direction_confidence >= min_conf]


def _means(res: GaitResult) -> tuple[float, float]:
    """Step-weighted mean cadence [steps/min] and mean stride length [m] over the bouts."""
    steps = np.concatenate([np.diff(b.initial_contacts_s) for b in res.bouts] or [np.empty(0)])
    lengths = np.concatenate([b.strides.length_m for b in res.bouts] or [np.empty(0)])
    # medians: a variant may find or lose one slow step at a bout's edge
    cad = 60.0 / float(np.median(steps)) if steps.size else math.nan
    sl = float(np.nanmedian(lengths)) if np.isfinite(lengths).any() else math.nan
    return cad, sl


def _variant_checks(
    report: ValidationReport,
    name: str,
    original: Recording | FootPair,
    variants: list[tuple[str, Recording | FootPair, Direction, float]],
) -> None:
    base = analyze(original)
    cad0, sl0 = _means(base)
    dirs0 = _confident(base)
    report.checks.append(
        Check(
            "reversal",
            name,
            "original confident bouts",
            f"{sum(d is Direction.FORWARD for d in dirs0)}/{len(dirs0)} forward",
            "forward",
            "all forward",
            bool(dirs0) and all(d is Direction.FORWARD for d in dirs0),
        )
    )
    for tag, rec, expected, cad_factor in variants:
        res = analyze(rec)
        cad, sl = _means(res)
        dirs = _confident(res)
        section = "reversal" if "reversed" in tag else "perturbation"
        ok_dir = bool(dirs) and all(d is expected for d in dirs)
        report.checks.append(
            Check(
                section,
                f"{name} {tag}",
                "confident bouts",
                f"{sum(d is expected for d in dirs)}/{len(dirs)} {expected.value}",
                expected.value,
                f"all {expected.value}",
                ok_dir,
            )
        )
        e_cad = 100.0 * (cad / (cad0 * cad_factor) - 1.0)
        e_sl = 100.0 * (sl / sl0 - 1.0)
        report.checks.append(
            Check(
                section,
                f"{name} {tag}",
                "cadence change vs expected %",
                e_cad,
                None,
                "|x| <= 3",
                abs(e_cad) <= 3.0,
            )
        )
        report.checks.append(
            Check(
                section,
                f"{name} {tag}",
                "stride length change %",
                e_sl,
                None,
                "|x| <= 5",
                abs(e_sl) <= 5.0,
            )
        )


def _stance_variant(rec: Recording, delta_pp: float) -> Recording:
    """Stance share +/- ``delta_pp`` percentage points: FCs moved within each step."""
    res = analyze(rec)
    ics = np.concatenate([b.initial_contacts_s for b in res.bouts] or [np.empty(0)])
    fcs = np.concatenate([b.final_contacts_s for b in res.bouts] or [np.empty(0)])
    # stance share of a stride = (step + double support) / stride: +d of a stride is +2d of a step
    orig, new = stance_knots(ics, fcs, 2.0 * delta_pp / 100.0)
    return phase_warped(rec, orig, new, f"stance {delta_pp:+g} pp")


def validate_variants(
    recordings: list[Recording], pair: FootPair | None, report: ValidationReport
) -> None:
    """Reversal, speed and stance-share variants of every reference recording."""
    factory: list[tuple[str, Callable[[Any], Any], Direction, float]] = [
        ("time-reversed", time_reversed, Direction.BACKWARD, 1.0),
        ("speed x0.8", lambda r: time_scaled(r, 0.8), Direction.FORWARD, 0.8),
        ("speed x1.2", lambda r: time_scaled(r, 1.2), Direction.FORWARD, 1.2),
        (
            "reversed speed x1.2",
            lambda r: time_reversed(time_scaled(r, 1.2)),
            Direction.BACKWARD,
            1.2,
        ),
    ]
    for rec in recordings:
        name = f"{Path(str(rec.source).split('#')[0]).parent.parent.name} {rec.reference['test']}"
        variants = [(t, f(rec), d, c) for t, f, d, c in factory]
        variants += [
            ("stance +10 pp", _stance_variant(rec, 10.0), Direction.FORWARD, 1.0),
            ("stance -10 pp", _stance_variant(rec, -10.0), Direction.FORWARD, 1.0),
            (
                "reversed stance +10 pp",
                time_reversed(_stance_variant(rec, 10.0)),
                Direction.BACKWARD,
                1.0,
            ),
        ]
        _variant_checks(report, name, rec, variants)
    if pair is not None:
        # foot: reversal only; speed and stance warps need the foot's orientation to separate
        # gravity from motion, which the trunk-sensor warp of transforms.py does not do
        variants = [(t, f(pair), d, c) for t, f, d, c in factory[:1]]
        _variant_checks(report, "gaitmap-foot", pair, variants)


def validate(data_dir: Path, *, variants: bool = True) -> ValidationReport:
    """Run every validation whose data is present under ``data_dir`` (the shared ``data`` folder
    or its ``imu`` sub-folder)."""
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
    if not report.checks:
        from retrostride.errors import InputError

        raise InputError(
            "--data",
            str(data_dir),
            "a folder holding imu/mobgap-lab, imu/gaitmap-foot or imu/phone-oxford",
        )
    return report
