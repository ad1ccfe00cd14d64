"""Minimal important change (MIC) per measure and population, with its source, and the reading
of a change from baseline against it.

Every threshold below names its study, the population it was measured in and its kind:
``MCID``/``MCII`` (anchor-based minimal clinically important difference/improvement) or ``MDC``
(minimal detectable change: measurement error, not importance). Where no MIC was found for a
population, :func:`interpret_change` says so in its text instead of inventing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Better(StrEnum):
    """Which direction of change is an improvement."""

    LOWER = "lower"
    HIGHER = "higher"
    NEITHER = "neither"


@dataclass(frozen=True, slots=True)
class MinimalImportantChange:
    """A published threshold for a change in one measure in one population.

    ``absolute`` is in the measure's own unit (an improvement of at least this size);
    ``absolute_upper`` is set when the source gives a range (the change is then "within the
    published range" between the two). ``relative_percent`` is the relative threshold (percent
    of baseline) where the source gives one. ``rule`` says how the source's two criteria combine:
    ``"both"`` (the change must reach the absolute and the relative threshold) or ``"either"``.
    """

    measure: str
    population: str
    kind: str
    absolute: float
    source: str
    absolute_upper: float | None = None
    relative_percent: float | None = None
    note: str = ""
    rule: str = "either"


# Populations: "knee_oa", "hip_oa", "knee_arthroplasty", "chronic_msk_pain", "healthy".
_WOMAC_FUNCTION_MAX = 68.0
_WOMAC_PAIN_MAX = 20.0
_WOMAC_STIFFNESS_MAX = 8.0

MIC_TABLE: tuple[MinimalImportantChange, ...] = (
    # Salaffi et al. 2004, Eur J Pain 8:283 (825 patients with chronic musculoskeletal pain,
    # 233 with knee OA, 86 hip OA): MCID a reduction of 1 point and of 15% (two ROC cut-offs,
    # raw and percent, for the same "slightly better" anchor); "much better" -2 points and -33%.
    # The study set out to estimate how the MCID depends on baseline pain: a raw cut-off alone
    # over-reads high baselines and a percent alone low ones (1.0 -> 0.8 is -20% but 0.2 of a
    # point, below the 11-point scale's own unit), so both must be reached (rule "both").
    *(
        MinimalImportantChange(
            "nrs_pain",
            pop,
            "MCID",
            1.0,
            "Salaffi et al. 2004, Eur J Pain 8:283 (PGIC anchor, ROC)",
            relative_percent=15.0,
            note="'much better': -2 points and -33% (same source)",
            rule="both",
        )
        for pop in ("knee_oa", "hip_oa", "chronic_msk_pain")
    ),
    # Tubach et al. 2005, Ann Rheum Dis 64:29: MCII of the WOMAC function subscale normalised
    # 0-100: knee OA -9.1 (-26.0%), hip OA -7.9 (-21.1%); converted to the 0-68 Likert total.
    MinimalImportantChange(
        "womac_function",
        "knee_oa",
        "MCII",
        9.1 * _WOMAC_FUNCTION_MAX / 100.0,
        "Tubach et al. 2005, Ann Rheum Dis 64:29 (603 knee OA outpatients, 4 weeks)",
        relative_percent=26.0,
        note="published as -9.1 (-26.0%) on the 0-100 normalised subscale",
        rule="both",
    ),
    MinimalImportantChange(
        "womac_function",
        "hip_oa",
        "MCII",
        7.9 * _WOMAC_FUNCTION_MAX / 100.0,
        "Tubach et al. 2005, Ann Rheum Dis 64:29 (211 hip OA outpatients, 4 weeks)",
        relative_percent=21.1,
        note="published as -7.9 (-21.1%) on the 0-100 normalised subscale",
        rule="both",
    ),
    # Angst, Aeschlimann, Michel, Stucki 2002, J Rheumatol 29:131: MCID for improvement
    # 0.80 to 1.01 points on the 0-10 WOMAC scale (17-22% of baseline), OA of the lower
    # extremities, inpatient rehabilitation; converted to the Likert subscale totals.
    *(
        MinimalImportantChange(
            measure,
            pop,
            "MCID",
            0.80 * maximum / 10.0,
            "Angst et al. 2002, J Rheumatol 29:131 (192 hip/knee OA, rehabilitation)",
            absolute_upper=1.01 * maximum / 10.0,
            note="published as 0.80-1.01 on a 0-10 scale across WOMAC sections",
        )
        for measure, maximum in (
            ("womac_pain", _WOMAC_PAIN_MAX),
            ("womac_stiffness", _WOMAC_STIFFNESS_MAX),
        )
        for pop in ("knee_oa", "hip_oa")
    ),
    # Timed Up and Go. Knee OA: no MCID found; the minimal detectable change is 1.10 s (single
    # rater) in grade 1-3 knee OA (Alghadir, Anwer, Brismee 2015, BMC Musculoskelet Disord
    # 16:174). Hip OA: major clinically important improvement 0.8 to 1.4 s by three methods
    # (Wright et al. 2011, J Orthop Sports Phys Ther 41:319).
    MinimalImportantChange(
        "tug",
        "knee_oa",
        "MDC",
        1.10,
        "Alghadir, Anwer, Brismee 2015, BMC Musculoskelet Disord 16:174 (65 people, knee OA)",
        note="measurement error only: no MCID for TUG in knee OA was found",
    ),
    MinimalImportantChange(
        "tug",
        "hip_oa",
        "MCII",
        0.8,
        "Wright et al. 2011, J Orthop Sports Phys Ther 41:319 (65 hip OA, physiotherapy)",
        absolute_upper=1.4,
        note="major clinically important improvement; 0.8, 1.4 and 1.2 s by three methods",
    ),
    # Six-minute walk: after knee arthroplasty only. Naylor et al. 2016, BMC Musculoskelet
    # Disord, doi:10.1186/s12891-016-1249-7 (26 m at 26 weeks); King et al. 2022, BMC
    # Musculoskelet Disord, doi:10.1186/s12891-022-05262-4 (74.3 m at 12 months).
    MinimalImportantChange(
        "six_minute_walk",
        "knee_arthroplasty",
        "MCID",
        26.0,
        "Naylor et al. 2016, BMC Musculoskelet Disord, doi:10.1186/s12891-016-1249-7",
        absolute_upper=74.3,
        note="26 m at 26 weeks after arthroplasty; 74.3 m at 12 months (King et al. 2022, "
        "doi:10.1186/s12891-022-05262-4)",
    ),
)

NO_MIC_NOTES: dict[str, str] = {
    "six_minute_walk": "no MIC for the 6-minute walk in knee OA under conservative care was "
    "found; published values are after knee arthroplasty (26-74 m)",
    "quadriceps_strength": "no MIC for quadriceps strength in knee OA was found",
    "shuttle_run": "no MIC for shuttle-run VO2max was found",
    "womac_total": "no MIC for the WOMAC total was found for this population; see the subscales",
    "body_mass": "no MIC for body mass applies; the change is reported as measured",
    "body_fat": "no MIC for body fat was found; method differences exceed most changes",
    "tug": "no MIC for the Timed Up and Go was found for this population",
}


_EPS = 1e-9
"""Tolerance for rounding when a change equals its threshold."""


def find_mic(measure: str, population: str) -> MinimalImportantChange | None:
    """The MIC for ``measure`` in ``population``, or None where none is published (found)."""
    for mic in MIC_TABLE:
        if mic.measure == measure and mic.population == population:
            return mic
    return None


@dataclass(frozen=True, slots=True)
class ChangeInterpretation:
    """A change from baseline read against the MIC.

    ``change`` is latest minus baseline (measure units); ``improvement`` is the change signed so
    that positive is better (None when neither direction is better). ``verdict`` is one of
    ``important``, ``within-range``, ``below``, ``worse``, ``beyond-error``, ``within-error``,
    ``no-mic``.
    """

    measure: str
    baseline: float
    latest: float
    change: float
    change_percent: float | None
    improvement: float | None
    mic: MinimalImportantChange | None
    verdict: str
    text: str


def interpret_change(
    measure: str, baseline: float, latest: float, better: Better, population: str
) -> ChangeInterpretation:
    """Read ``latest - baseline`` against the MIC of ``measure`` in ``population``."""
    change = latest - baseline
    pct = None if baseline == 0 else 100.0 * change / abs(baseline)
    if better is Better.NEITHER:
        improvement = None
    else:
        improvement = -change if better is Better.LOWER else change
    mic = find_mic(measure, population)
    pct_text = "" if pct is None else f" ({pct:+.0f}%)"
    head = f"change {change:+.2f}{pct_text}"
    if mic is None or improvement is None:
        note = NO_MIC_NOTES.get(measure, "no MIC for this measure and population was found")
        return ChangeInterpretation(
            measure, baseline, latest, change, pct, improvement, None, "no-mic", f"{head}; {note}"
        )
    rel_improvement = None if pct is None else (-pct if better is Better.LOWER else pct)
    meets_rel = (
        mic.relative_percent is not None
        and rel_improvement is not None
        and rel_improvement >= mic.relative_percent - _EPS
    )
    threshold = f"{mic.kind} {mic.absolute:.2f}"
    if mic.absolute_upper is not None:
        threshold += f"-{mic.absolute_upper:.2f}"
    if mic.relative_percent is not None:
        joint = "and" if mic.rule == "both" else "or"
        threshold += f" {joint} {mic.relative_percent:.0f}%"
    where = f"{threshold}, {mic.source}"
    if mic.kind == "MDC":
        beyond = abs(change) >= mic.absolute - _EPS
        verdict = "beyond-error" if beyond else "within-error"
        if not beyond:
            state = "within measurement error"
        elif improvement >= 0:
            state = "an improvement larger than measurement error"
        else:
            state = "worse, by more than measurement error"
        text = f"{head}; {state} ({where}); {mic.note}"
    elif improvement < 0:
        verdict = "worse"
        text = f"{head}; worse than baseline ({where})"
    elif (
        improvement >= mic.absolute - _EPS and meets_rel
        if mic.rule == "both"
        else improvement >= (mic.absolute_upper or mic.absolute) - _EPS or meets_rel
    ):
        verdict = "important"
        text = f"{head}; reaches the minimal important change ({where})"
    elif mic.rule == "both" and (improvement >= mic.absolute - _EPS or meets_rel):
        verdict = "below"
        text = f"{head}; reaches one of the two cut-offs, not both ({where})"
    elif improvement >= mic.absolute - _EPS:
        verdict = "within-range"
        text = f"{head}; within the published range of minimal important change ({where})"
    else:
        verdict = "below"
        text = f"{head}; below the minimal important change ({where})"
    return ChangeInterpretation(
        measure, baseline, latest, change, pct, improvement, mic, verdict, text
    )
