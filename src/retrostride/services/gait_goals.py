"""The goal table of ``retrostride gait validate``: stride length per length band and direction
coverage, ours beside mobgap's, per recording with a reference and over all of them.

Recordings: the Mobilise-D lab tests with an INDIP reference (lower back) and gaitmap's foot
pair (motion capture), each as recorded (forward), time-reversed (backward; proves the
bookkeeping, not accuracy on real backward walking) and mixed (the recording followed by its
reversed copy: a forward stretch then a backward one in one file). Band rows use the recordings
as recorded; mobgap's band errors (its ``MobilisedPipelineHealthy``, no direction) when mobgap
is installed (``pip install -e .[bench]``). Totals are sums of the rows listed.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

import numpy as np

from retrostride.gait.pipeline import analyze
from retrostride.gait.recording import FloatArray, FootPair, Recording
from retrostride.gait.transforms import time_reversed
from retrostride.science.locomotion import Direction
from retrostride.services.gait_coverage import (
    BANDS,
    CONFIDENT,
    BandFigures,
    Coverage,
    band_figures,
    coverage,
    match_strides,
    our_strides,
)

COVERAGE_GOAL_PERCENT = 90.0
"""Issue 14: at least 90 % of walking time in bouts of the right direction said with >= 0.8."""

MIN_BAND_STRIDES = 10
"""A band is judged against mobgap only when it holds this many reference strides (issue 14)."""


@dataclasses.dataclass(slots=True)
class Goal:
    """One row of the goal table."""

    item: str
    metric: str
    ours: float | str
    mobgap: float | str | None = None
    goal: str = ""
    met: bool | None = None


@dataclasses.dataclass(slots=True)
class Reference:
    """A recording's reference walking: stride starts, lengths and mid-times [s], windows [s]."""

    label: str
    recording: Recording | FootPair
    stride_start_s: FloatArray
    stride_length_m: FloatArray
    stride_mid_s: FloatArray
    windows_s: list[tuple[float, float]]
    mobgap_key: str | None = None


def lab_reference(rec: Recording) -> Reference | None:
    """INDIP strides and bouts of one Mobilise-D lab test (None without a reference)."""
    bouts = rec.reference.get("indip", [])
    if not bouts:
        return None
    starts, lengths, mids = [], [], []
    for wb in bouts:
        ics = np.asarray(wb["stride_initial_contacts_s"], dtype=float).reshape(-1, 2)
        starts.append(ics[:, 0])
        mids.append(ics.mean(axis=1))
        lengths.append(np.asarray(wb["stride_length_per_stride_m"], dtype=float).reshape(-1))
    cohort = Path(str(rec.source).split("#")[0]).parent.parent.name
    test = str(rec.reference["test"])
    return Reference(
        f"{cohort} {test}",
        rec,
        np.concatenate(starts),
        np.concatenate(lengths),
        np.concatenate(mids),
        [(float(wb["start_s"]), float(wb["end_s"])) for wb in bouts],
        f"{cohort} {test}",
    )


def foot_reference(pair: FootPair) -> Reference | None:
    """Motion-capture strides of gaitmap's foot pair, matched by initial contact."""
    starts, lengths = [], []
    for side in ("left", "right"):
        ev = pair.reference.get(f"{side}_events")
        ln = pair.reference.get(f"{side}_stride_length_m")
        if ev is None or ln is None:
            continue
        by_id = dict(zip(ln["s_id"], ln["length_m"], strict=True))
        for sid, ic in zip(ev["s_id"], ev["ic_s"], strict=True):
            if sid in by_id and math.isfinite(float(ic)):
                starts.append(float(ic))
                lengths.append(float(by_id[sid]))
    if not starts:
        return None
    t = np.array(starts)
    return Reference(
        "gaitmap-foot", pair, t, np.array(lengths), t, [(float(t.min()), float(t.max()))]
    )


def _concatenated(rec: Recording | FootPair) -> Recording | FootPair:
    """The recording followed by its time-reversed copy."""
    rev = time_reversed(rec)
    if isinstance(rec, FootPair):
        assert isinstance(rev, FootPair)
        left = _concatenated_one(rec.left, rev.left)
        right = _concatenated_one(rec.right, rev.right)
        return FootPair(left=left, right=right)
    assert isinstance(rev, Recording)
    return _concatenated_one(rec, rev)


def _concatenated_one(a: Recording, b: Recording) -> Recording:
    gyr = None
    if a.gyr_rad_s is not None and b.gyr_rad_s is not None:
        gyr = np.concatenate([a.gyr_rad_s, b.gyr_rad_s])
    return dataclasses.replace(
        a, acc_m_s2=np.concatenate([a.acc_m_s2, b.acc_m_s2]), gyr_rad_s=gyr, reference={}
    )


def _mirror(ref: Reference, duration_s: float, shift_s: float = 0.0) -> tuple[
    list[tuple[float, float]], FloatArray
]:
    """Windows and stride mid-times of the reversed copy, starting at ``shift_s``."""
    windows = [(shift_s + duration_s - w1, shift_s + duration_s - w0) for w0, w1 in ref.windows_s]
    return windows, shift_s + duration_s - ref.stride_mid_s


def _coverage_rows(ref: Reference) -> list[Coverage]:
    """Coverage of one recording as recorded, reversed and mixed (see the module docstring)."""
    rec = ref.recording
    duration = rec.duration_s
    out = []
    original = analyze(rec)
    out.append(coverage(original, ref.windows_s, ref.stride_mid_s, Direction.FORWARD))
    reversed_result = analyze(time_reversed(rec))
    windows, mids = _mirror(ref, duration)
    out.append(coverage(reversed_result, windows, mids, Direction.BACKWARD))
    mixed = analyze(_concatenated(rec))
    fwd = coverage(mixed, ref.windows_s, ref.stride_mid_s, Direction.FORWARD)
    windows, mids = _mirror(ref, duration, shift_s=duration)
    bwd = coverage(mixed, windows, mids, Direction.BACKWARD)
    fwd.expected, bwd.expected = "mixed: forward", "mixed: backward"
    out += [fwd, bwd]
    return out


def goal_table(
    lab: list[Recording], pair: FootPair | None, mobgap_folder: Path | None = None
) -> list[Goal]:
    """The goal table (see the module docstring)."""
    refs = [r for r in (lab_reference(x) for x in lab) if r is not None]
    if pair is not None:
        foot = foot_reference(pair)
        if foot is not None:
            refs.append(foot)
    theirs: dict[str, tuple[FloatArray, FloatArray]] = {}
    if mobgap_folder is not None:
        from retrostride.services.gait_mobgap import mobgap_available, mobgap_strides

        if mobgap_available():
            theirs = mobgap_strides(mobgap_folder)
    rows: list[Goal] = []
    total_ours = {name: BandFigures(name) for name, _, _ in BANDS}
    total_theirs = {name: BandFigures(name) for name, _, _ in BANDS}
    both_ours = {name: BandFigures(name) for name, _, _ in BANDS}
    both_theirs = {name: BandFigures(name) for name, _, _ in BANDS}
    total_cov: dict[str, Coverage] = {}
    for ref in refs:
        start, length = our_strides(analyze(ref.recording))
        ours_m = match_strides(ref.stride_start_s, start, length)
        ours = band_figures(ref.stride_length_m, ours_m)
        other = None
        if ref.mobgap_key is not None and ref.mobgap_key in theirs:
            t_start, t_len = theirs[ref.mobgap_key]
            theirs_m = match_strides(ref.stride_start_s, t_start, t_len)
            other = band_figures(ref.stride_length_m, theirs_m)
            if ref.mobgap_key is not None:
                b_ours, b_theirs = both_matched(ours_m, theirs_m)
                for fig_o, fig_t in zip(
                    band_figures(ref.stride_length_m, b_ours),
                    band_figures(ref.stride_length_m, b_theirs),
                    strict=True,
                ):
                    both_ours[fig_o.band].add(fig_o)
                    both_theirs[fig_t.band].add(fig_t)
        for k, band in enumerate(ours):
            if ref.mobgap_key is not None:  # totals over the lower-back recordings
                total_ours[band.band].add(band)
            if other is not None:
                total_theirs[band.band].add(other[k])
            if band.n_reference:
                rows.extend(_band_rows(ref.label, band, None if other is None else other[k]))
        for cov in _coverage_rows(ref):
            total_cov.setdefault(cov.expected, Coverage(cov.expected)).add(cov)
            rows.extend(_coverage_goal(ref.label, cov))
    for name, _, _ in BANDS:
        has_theirs = bool(theirs) and total_theirs[name].n_reference > 0
        rows.extend(
            _band_rows(
                "all lower-back", total_ours[name], total_theirs[name] if has_theirs else None
            )
        )
    if theirs:  # the same strides for both: the band MAEs above are over different ones
        for name, _, _ in BANDS:
            rows.extend(_both_rows(both_ours[name], both_theirs[name]))
    for cov in total_cov.values():
        rows.extend(_coverage_goal("all", cov))
    return rows


def both_matched(ours_m: FloatArray, theirs_m: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Both lengths per reference stride where both pipelines matched it, NaN elsewhere."""
    both = np.isfinite(ours_m) & np.isfinite(theirs_m)
    return np.where(both, ours_m, math.nan), np.where(both, theirs_m, math.nan)


def _both_rows(ours: BandFigures, theirs: BandFigures) -> list[Goal]:
    item = f"all lower-back, strides both match {ours.band}"
    return [
        Goal(item, "strides matched by both", f"{ours.n_matched}", f"{theirs.n_matched}"),
        Goal(item, "stride length MAE m", ours.mae_m, theirs.mae_m),
        Goal(item, "stride length bias m", ours.bias_m, theirs.bias_m),
    ]


def _band_rows(label: str, ours: BandFigures, theirs: BandFigures | None) -> list[Goal]:
    item = f"{label} {ours.band}"
    judged = theirs is not None and ours.n_reference >= MIN_BAND_STRIDES
    met = None
    if judged and theirs is not None:
        met = bool(ours.mae_m <= theirs.mae_m) if math.isfinite(theirs.mae_m) else None
    return [
        Goal(
            item,
            "strides: reference / matched",
            f"{ours.n_reference} / {ours.n_matched}",
            None if theirs is None else f"{theirs.n_reference} / {theirs.n_matched}",
        ),
        Goal(
            item,
            "stride length MAE m",
            ours.mae_m,
            None if theirs is None else theirs.mae_m,
            f"<= mobgap's (bands of >= {MIN_BAND_STRIDES} strides)" if judged else "",
            met,
        ),
        Goal(item, "stride length bias m", ours.bias_m, None if theirs is None else theirs.bias_m),
    ]


def _coverage_goal(label: str, cov: Coverage) -> list[Goal]:
    item = f"{label} {cov.expected}"
    return [
        Goal(
            item,
            f"walking in {cov.expected.split(': ')[-1]} bouts, confidence >= {CONFIDENT} %",
            cov.percent,
            None,
            f">= {COVERAGE_GOAL_PERCENT:g}",
            bool(cov.percent >= COVERAGE_GOAL_PERCENT) if math.isfinite(cov.percent) else None,
        ),
        Goal(
            item,
            "reference strides in a bout of the opposite direction",
            f"{cov.n_wrong} / {cov.n_strides}",
            None,
            "0",
            cov.n_wrong == 0,
        ),
    ]


def goals_to_dict(rows: list[Goal]) -> list[dict[str, Any]]:
    def clean(v: Any) -> Any:
        if isinstance(v, float):
            return None if not math.isfinite(v) else round(v, 4)
        return v

    return [{k: clean(v) for k, v in dataclasses.asdict(r).items()} for r in rows]
