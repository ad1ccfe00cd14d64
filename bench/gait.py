"""Gait goals measured side by side with mobgap, in one run.

1. Accuracy: retrostride's lower-back pipeline and mobgap's ``MobilisedPipelineHealthy`` on the
   same Mobilise-D lab tests (``imu/mobgap-lab``), each compared with the INDIP reference:
   cadence [%], stride length [m] and walking speed [m/s] per test (stride-weighted means over the
   walking bouts, as read by mobgap's loader for both), then the mean absolute error overall and
   for the healthy adult (HA) alone.
2. Throughput: seconds of computation per minute of recording, after one warm-up call, for both
   pipelines on the same tests (data already in memory on both sides), and the ratio
   (goal: retrostride at least 100 times mobgap's throughput).
3. A week in bounded memory: :mod:`bench.gait_week` (seconds and peak RSS for 1 and 7 days).

Run from the repository root: ``.venv/bin/python -m bench.gait`` (``--skip-week`` for parts 1-2
only, ``--repeat N`` to time N passes). Needs the ``bench`` extra (mobgap).
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from bench.gait_mobgap import GaitFigures, MobgapTest, load_tests, run_mobgap

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data"
THROUGHPUT_GOAL = 100.0
"""retrostride's throughput per recording-minute over mobgap's, measured in the same run."""


@dataclass(slots=True)
class OursTest:
    seconds: float
    result: GaitFigures


def _figures(result: object) -> GaitFigures:
    from retrostride.gait.result import GaitResult
    from retrostride.services.gait_validation import recording_figures

    assert isinstance(result, GaitResult)
    bouts = [b for b in result.bouts if b.n_steps > 0]
    if not bouts:
        nan = math.nan
        return GaitFigures(nan, nan, nan, 0)
    table = tuple(
        (b.start_s, b.end_s, b.cadence_spm, b.stride_length_m, b.speed_m_s) for b in bouts
    )
    return GaitFigures(*recording_figures(result), len(bouts), table)


def run_ours(data_root: Path, tests: list[MobgapTest], repeat: int) -> dict[str, OursTest]:
    """retrostride's pipeline on the same tests (loaded with retrostride's own loader)."""
    from retrostride.gait.pipeline import analyze
    from retrostride.importers.imu import load_mobilised_mat

    wanted = {f"{t.key.cohort}/{t.key.participant}": t for t in tests}
    recordings = {}
    for who in wanted:
        for rec in load_mobilised_mat(data_root / "imu" / "mobgap-lab" / who / "data.mat"):
            recordings[f"{who} {rec.reference['test']}"] = rec
    analyze(next(iter(recordings.values())))  # warm-up
    out: dict[str, OursTest] = {}
    for t in tests:
        key = f"{t.key.cohort}/{t.key.participant} {t.key.time_measure}/{t.key.test}/{t.key.trial}"
        rec = recordings[key]
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            result = analyze(rec)
            times.append(time.perf_counter() - started)
        out[t.key.label()] = OursTest(min(times), _figures(result))
    return out


def _errors(result: GaitFigures | None, ref: GaitFigures) -> tuple[float, float, float]:
    if result is None:
        return (math.nan, math.nan, math.nan)
    return (
        100.0 * abs(result.cadence_spm - ref.cadence_spm) / ref.cadence_spm,
        abs(result.stride_length_m - ref.stride_length_m),
        abs(result.speed_m_s - ref.speed_m_s),
    )


def _mean(values: list[float]) -> float:
    finite = [v for v in values if math.isfinite(v)]
    return statistics.fmean(finite) if finite else math.nan


def accuracy_table(tests: list[MobgapTest], ours: dict[str, OursTest]) -> dict[str, float]:
    """Print per-test and overall errors; returns the overall means by name."""
    head = (
        f"{'test':<24} {'min':>5} | {'ref cad':>7} {'ref SL':>6} {'ref v':>5} | "
        f"{'cad% rs':>7} {'mg':>5} | {'SL m rs':>7} {'mg':>5} | {'v m/s rs':>8} {'mg':>5}"
    )
    print(head)
    print("-" * len(head))
    rows: dict[str, list[tuple[float, ...]]] = {"all": [], "HA": []}
    for t in tests:
        e_rs = _errors(ours[t.key.label()].result, t.reference)
        e_mg = _errors(t.result, t.reference)
        r = t.reference
        print(
            f"{t.key.label():<24} {t.minutes:>5.2f} | {r.cadence_spm:>7.1f} "
            f"{r.stride_length_m:>6.2f} {r.speed_m_s:>5.2f} | {e_rs[0]:>7.1f} {e_mg[0]:>5.1f} | "
            f"{e_rs[1]:>7.3f} {e_mg[1]:>5.3f} | {e_rs[2]:>8.3f} {e_mg[2]:>5.3f}"
        )
        rows["all"].append((*e_rs, *e_mg))
        if t.key.cohort == "HA":
            rows["HA"].append((*e_rs, *e_mg))
    overall: dict[str, float] = {}
    for group, values in rows.items():
        if not values:
            continue
        means = [_mean([v[i] for v in values]) for i in range(6)]
        label = f"mean |error| ({group}, {len(values)} tests)"
        print(
            f"{label:<30} | {'':>20} | {means[0]:>7.1f} {means[3]:>5.1f} | "
            f"{means[1]:>7.3f} {means[4]:>5.3f} | {means[2]:>8.3f} {means[5]:>5.3f}"
        )
        for i, name in enumerate(("cadence_pct", "stride_length_m", "speed_m_s")):
            overall[f"{group}_{name}_retrostride"] = means[i]
            overall[f"{group}_{name}_mobgap"] = means[i + 3]
    print("(rs = retrostride, mg = mobgap MobilisedPipelineHealthy; reference: INDIP, per test)")
    for name in ("cadence_pct", "stride_length_m", "speed_m_s"):
        rs, mg = overall[f"all_{name}_retrostride"], overall[f"all_{name}_mobgap"]
        verdict = "PASS" if rs <= mg else "FAIL"
        print(f"  {name:<16} retrostride {rs:.3f} vs mobgap {mg:.3f}: {verdict} (goal: <= mobgap)")
    return overall


def _iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    overlap = max(0.0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return overlap / union if union > 0 else 0.0


def matched_bout_table(
    tests: list[MobgapTest], ours: dict[str, OursTest], min_iou: float = 0.5
) -> None:
    """Errors per reference walking bout matched to a detected bout (time IoU >= ``min_iou``)."""
    print(f"per matched walking bout (each reference bout vs the detected one of best IoU >= "
          f"{min_iou}):")
    print(f"  {'pipeline':<12} {'matched':>9} {'cad %':>7} {'SL m':>7} {'v m/s':>7}")
    for name in ("retrostride", "mobgap"):
        errors: list[tuple[float, float, float]] = []
        n_ref = 0
        for t in tests:
            result = ours[t.key.label()].result if name == "retrostride" else t.result
            detected = result.bouts if result is not None else ()
            for ref in t.reference.bouts:
                n_ref += 1
                best = max(detected, key=lambda d, r=ref: _iou(d, r), default=None)
                if best is None or _iou(best, ref) < min_iou:
                    continue
                errors.append(
                    (100 * abs(best[2] - ref[2]) / ref[2], abs(best[3] - ref[3]),
                     abs(best[4] - ref[4]))
                )
        means = [_mean([e[i] for e in errors]) for i in range(3)]
        print(
            f"  {name:<12} {len(errors):>4}/{n_ref:<4} {means[0]:>7.1f} {means[1]:>7.3f} "
            f"{means[2]:>7.3f}"
        )


def throughput(tests: list[MobgapTest], ours: dict[str, OursTest]) -> float:
    """Print seconds per recording-minute for both and the ratio; returns the ratio."""
    minutes = sum(t.minutes for t in tests)
    s_rs = sum(ours[t.key.label()].seconds for t in tests)
    s_mg = sum(t.seconds for t in tests)
    per_rs, per_mg = s_rs / minutes, s_mg / minutes
    ratio = per_mg / per_rs if per_rs > 0 else math.inf
    print(f"throughput over {len(tests)} tests, {minutes:.2f} recording-minutes (after warm-up):")
    print(f"  retrostride {per_rs:.4f} s per recording-minute ({s_rs:.3f} s)")
    print(f"  mobgap      {per_mg:.4f} s per recording-minute ({s_mg:.3f} s)")
    verdict = "PASS" if ratio >= THROUGHPUT_GOAL else "FAIL"
    print(
        f"  retrostride / mobgap throughput: {ratio:.1f}x: {verdict} "
        f"(goal: >= {THROUGHPUT_GOAL:.0f}x)"
    )
    if hasattr(os, "getloadavg"):
        one, five, fifteen = os.getloadavg()
        print(f"  load average {one:.2f} {five:.2f} {fifteen:.2f} (both timed in this run)")
    return ratio


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="retrostride gait vs mobgap, one run")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--repeat", type=int, default=3, help="timing passes (min is kept)")
    parser.add_argument("--skip-week", action="store_true", help="skip the week-long memory part")
    parser.add_argument("--week-days", type=float, nargs="+", default=[1, 7])
    args = parser.parse_args(argv)
    started = time.perf_counter()
    tests = load_tests(args.data / "imu" / "mobgap-lab")
    print(f"== accuracy vs INDIP: {len(tests)} Mobilise-D lab tests with a reference ==")
    run_mobgap(tests, repeat=args.repeat)
    ours = run_ours(args.data, tests, args.repeat)
    accuracy_table(tests, ours)
    print()
    matched_bout_table(tests, ours)
    print()
    print("== throughput ==")
    throughput(tests, ours)
    if not args.skip_week:
        from bench.gait_week import week_bench

        print()
        print("== a week of 100 Hz lower-back data in bounded memory (streaming) ==")
        week_bench(args.data, sorted(args.week_days), None)
    print(f"\ntotal bench time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
