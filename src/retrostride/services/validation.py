"""Every model and algorithm against every reference the project holds: the validation report.

:func:`run` builds a :class:`ValidationReport` of :class:`Comparison` lines, one per model figure
set beside its reference (a Compendium row, a published study point with its spread, a published
worked example, a file's own summary, a gait reference recording). :func:`write_report` writes one
self-contained HTML page (tables and inline SVG plots, no external resource) and the same figures
as JSON; :func:`regressions` compares a report with the baseline recorded in the repository
(``data/validation-baseline.json``), each figure with its stated tolerance. ``retrostride
validate --report DIR`` and ``make validate`` call them; ``make test`` runs the fast part
(``tests/services/test_validation_report.py``).

Sections: ``energy-compendium`` (every locomotion row of both editions, model at the row's middle
speed and grade), ``energy-studies`` (published backward-locomotion points), ``energy-body``
(the kcal and RMR arithmetic), ``outcomes`` (equations and norms against their printed
examples), ``importers`` (each activity file's own summary against the full parse) and
``gait`` (the gait validation service, :mod:`retrostride.services.gait_validation`, when asked
and its data is present; otherwise a note says why it is missing).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from retrostride.errors import RetrostrideError

BASELINE_RESOURCE = "validation-baseline.json"


@dataclass(frozen=True, slots=True)
class Comparison:
    """One model figure against one reference.

    ``error`` is ``model - reference`` in ``unit`` (``relative_error`` the same over the
    reference); ``spread`` the reference's published +- where known. ``key`` identifies the line
    in the baseline.
    """

    section: str
    key: str
    item: str
    unit: str
    reference: float | None
    model: float | None
    source: str
    spread: float | None = None
    note: str = ""

    @property
    def error(self) -> float | None:
        if self.reference is None or self.model is None:
            return None
        return self.model - self.reference

    @property
    def relative_error(self) -> float | None:
        error = self.error
        if error is None or self.reference in (None, 0):
            return None
        assert self.reference is not None
        return error / abs(self.reference)

    @property
    def within_spread(self) -> bool | None:
        if self.spread is None or self.error is None:
            return None
        return abs(self.error) <= self.spread + 1e-12

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["error"] = self.error
        out["relative_error"] = self.relative_error
        out["within_spread"] = self.within_spread
        return out


@dataclass(slots=True)
class ValidationReport:
    comparisons: list[Comparison] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)
    gait: dict[str, Any] | None = None
    model_version: str = ""
    generated_utc: str = ""
    baseline_changes: list[dict[str, str]] = field(default_factory=list)

    def section(self, name: str) -> list[Comparison]:
        return [c for c in self.comparisons if c.section == name]

    def to_dict(self) -> dict[str, Any]:
        return {
            "model_version": self.model_version,
            "generated_utc": self.generated_utc,
            "notes": self.notes,
            "baseline_changes": self.baseline_changes,
            "comparisons": [c.to_dict() for c in self.comparisons],
            "gait": self.gait,
        }


# ---------------------------------------------------------------- energy


def energy_compendium() -> list[Comparison]:
    """Every locomotion row of both editions against the model at its middle speed and grade."""
    from retrostride.science.energy import Conditions, estimate
    from retrostride.science.energy.compendium import rows

    out = []
    for edition in (2011, 2024):
        for row in rows(edition):
            speed, grade = row.speed_mid_m_s, row.grade_mid_percent
            if row.gait is None or row.direction is None or not speed or grade is None:
                continue
            if row.load_min_lb:
                continue  # loaded rows are answered by Pandolf, checked separately
            try:
                model: float | None = estimate(
                    Conditions(
                        speed,
                        grade,
                        direction=row.direction,
                        gait=row.gait,
                        setting=row.setting,
                        edition=edition,
                    )
                ).met
                note = ""
            except RetrostrideError as exc:
                model, note = None, f"refused: {exc}"
            out.append(
                Comparison(
                    "energy-compendium",
                    f"{edition}-{row.code}",
                    f"{edition} {row.code}: {row.description}",
                    "MET",
                    row.met,
                    model,
                    row.source,
                    note=note,
                )
            )
    return out


def _net_ratio(speed: float, grade: float = 0.0) -> float:
    from retrostride.science.energy import Conditions, estimate

    result = estimate(Conditions(speed, grade, direction="backward", gait="run"))
    return (result.met - 1.0) / (result.forward_met - 1.0)


def _optimal_transition_m_s() -> float:
    """Speed where the model's backward walking and running cost per distance cross [m/s]."""
    from retrostride.science.energy import Conditions, estimate

    def gap(v: float) -> float:
        walk = estimate(Conditions(v, direction="backward", gait="walk")).met
        run = estimate(Conditions(v, direction="backward", gait="run")).met
        return walk - run

    low, high = 1.2, 2.6
    if gap(low) * gap(high) > 0:
        return math.nan
    for _ in range(60):
        mid = (low + high) / 2
        if gap(low) * gap(mid) <= 0:
            high = mid
        else:
            low = mid
    return (low + high) / 2


def energy_studies() -> list[Comparison]:
    """Published backward-locomotion points against the model."""
    from retrostride.science.energy import Conditions, estimate

    williford_run = estimate(Conditions(2.24, direction="backward", gait="run"))
    williford_walk = estimate(Conditions(1.34, direction="backward", gait="walk"))
    flynn_walk = estimate(Conditions(107.2 / 60, direction="backward", gait="walk"))
    flynn_run = estimate(Conditions(160.8 / 60, direction="backward", gait="run"))
    paes = estimate(Conditions(2.46, direction="backward", gait="run"))
    w = "Williford et al. 1998, Med Sci Sports Exerc 30:1419"
    return [
        Comparison(
            "energy-studies",
            "williford-run-vo2",
            "backward running 2.24 m/s, VO2 (13 athletes)",
            "mL/kg/min",
            31.33,
            williford_run.vo2_ml_kg_min,
            w,
        ),
        Comparison(
            "energy-studies",
            "williford-run-ratio",
            "backward/forward running 2.24 m/s, gross VO2 ratio",
            "ratio",
            1.15,
            williford_run.ratio_to_forward,
            w,
        ),
        Comparison(
            "energy-studies",
            "williford-walk-vo2",
            "backward walking 1.34 m/s, VO2",
            "mL/kg/min",
            15.95,
            williford_walk.vo2_ml_kg_min,
            w,
        ),
        Comparison(
            "energy-studies",
            "wright-weyand-ratio",
            "backward/forward running, net cost ratio, 1.75-3.5 m/s (4 men; model at 2.5 m/s)",
            "ratio",
            1.35,
            _net_ratio(2.5),
            "Wright & Weyand 2001, J Exp Biol 204:1805",
            spread=0.06,
        ),
        Comparison(
            "energy-studies",
            "rasica-ratio",
            "backward/forward running, net cost ratio, 0 to +25% (model at 2.5 m/s, 10%: the "
            "study's speeds are open)",
            "ratio",
            1.35,
            _net_ratio(2.5, 10.0),
            "Rasica et al. 2020, Eur J Appl Physiol 120:2507",
        ),
        Comparison(
            "energy-studies",
            "paes-jogging-ratio",
            "backward/forward jogging 2.46 m/s (no significant difference; means open)",
            "ratio",
            1.0,
            paes.ratio_to_forward,
            "Paes & Fernandez 2016, Braz J Med Biol Res 49(5)",
            note="reference 1.0 stands for 'no significant difference', not a measured mean",
        ),
        Comparison(
            "energy-studies",
            "flynn-run-walk",
            "backward running 160.8 m/min over backward walking 107.2 m/min, VO2 (84% / 60% of "
            "VO2peak)",
            "ratio",
            0.84 / 0.60,
            flynn_run.vo2_ml_kg_min / flynn_walk.vo2_ml_kg_min,
            "Flynn et al. 1994, Med Sci Sports Exerc 26:89",
        ),
        Comparison(
            "energy-studies",
            "hreljac-optimal-transition",
            "backward walk-run energetically optimal transition speed",
            "m/s",
            1.85,
            _optimal_transition_m_s(),
            "Hreljac et al. 2005, J Sports Sci Med 4:446",
            spread=0.09,
        ),
    ]


def energy_body() -> list[Comparison]:
    """The kcal and RMR arithmetic against printed and worked figures."""
    from retrostride.science.energy import Profile, kcal_for_duration, rmr_kcal_day

    man = Profile(30, "male", 1.75, 70)
    woman = Profile(65, "female", 1.60, 90)
    kcal = kcal_for_duration(6.0, 90.0, 3600.0, profile=woman)
    hb = "Harris & Benedict 1919 (worked by hand)"
    return [
        Comparison(
            "energy-body",
            "hb-man-1702",
            "Harris-Benedict, man 30 y, 70 kg, 175 cm",
            "kcal/day",
            1702.0125,
            rmr_kcal_day(man),
            hb,
        ),
        Comparison(
            "energy-body",
            "older-woman-gross",
            "Compendium 17320 for 1 h, 90 kg: MET x kg x h",
            "kcal",
            540.0,
            kcal.gross_kcal,
            "Herrmann et al. 2024 (1 MET = 1 kcal/kg/h)",
        ),
        Comparison(
            "energy-body",
            "older-woman-o2",
            "same, from VO2 21 mL/kg/min at 5 kcal/L",
            "kcal",
            567.0,
            kcal.gross_kcal_o2,
            "Herrmann et al. 2024 (1 MET = 3.5 mL/kg/min)",
        ),
        Comparison(
            "energy-body",
            "mifflin-man",
            "Mifflin-St Jeor, man 30 y, 70 kg, 175 cm: 10 W + 6.25 H - 5 A + 5",
            "kcal/day",
            10 * 70 + 6.25 * 175 - 5 * 30 + 5,
            rmr_kcal_day(Profile(30, "male", 1.75, 70, equation="mifflin-st-jeor")),
            "Mifflin et al. 1990, Am J Clin Nutr 51:241",
        ),
    ]


# ---------------------------------------------------------------- outcomes


def outcomes() -> list[Comparison]:
    """Outcome equations and norms against their printed examples."""
    from retrostride.science.outcomes import shuttle_run_vo2max, tug_norm
    from retrostride.science.outcomes.mic import Better, interpret_change

    out = []
    for stage in (1, 5, 10, 15):
        speed = 8.0 + 0.5 * stage
        out.append(
            Comparison(
                "outcomes",
                f"leger-gadoury-stage-{stage}",
                f"20 m shuttle, adult, stage {stage}: -27.4 + 6.0 S",
                "mL/kg/min",
                -27.4 + 6.0 * speed,
                shuttle_run_vo2max(stage, 30).vo2max_ml_kg_min,
                "Leger et al. 1988, J Sports Sci 6:93; Leger & Gadoury 1989",
                spread=0.1,
            )
        )
    for age, mean in ((65, 8.1), (75, 9.2), (85, 11.3)):
        norm = tug_norm(age)
        out.append(
            Comparison(
                "outcomes",
                f"bohannon-{age}",
                f"Timed Up and Go norm at {age} y",
                "s",
                mean,
                None if norm is None else norm.mean_s,
                "Bohannon 2006, J Geriatr Phys Ther 29:64",
            )
        )
    for base, latest, important in ((6.0, 5.0, 1.0), (1.0, 0.8, 0.0), (6.0, 4.2, 1.0)):
        verdict = interpret_change("nrs_pain", base, latest, Better.LOWER, "knee_oa").verdict
        out.append(
            Comparison(
                "outcomes",
                f"salaffi-{base:g}-{latest:g}",
                f"pain NRS {base:g} -> {latest:g}: clinically important (1) or not (0)",
                "",
                important,
                float(verdict == "important"),
                "Salaffi et al. 2004, Eur J Pain 8:283 (-1 point and -15%)",
            )
        )
    out.append(
        Comparison(
            "outcomes",
            "enright-worked-example",
            "6-minute walk, Enright & Sherrill: a printed worked example",
            "m",
            None,
            None,
            "Enright & Sherrill 1998, Am J Respir Crit Care Med 158:1384",
            note="no worked example printed in what we read: open (the equations are tested "
            "by hand in tests/science/outcomes)",
        )
    )
    return out


# ---------------------------------------------------------------- importers


def importers(data_dir: Path) -> list[Comparison]:
    """Each activity file's own summary (read_summary) against the full parse."""
    from retrostride.importers.activity import parse_activity_file, read_summary

    out: list[Comparison] = []
    folder = data_dir / "activity"
    if not folder.is_dir():
        return out
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or "broken" in path.parts or path.suffix.lower() in (".md", ".txt"):
            continue
        name = str(path.relative_to(folder))
        try:
            summary = read_summary(path)
            parsed = parse_activity_file(path)
        except (RetrostrideError, ValueError) as exc:
            out.append(
                Comparison(
                    "importers",
                    name,
                    f"{name}: refused",
                    "m",
                    None,
                    None,
                    "the file",
                    note=str(exc)[:200],
                )
            )
            continue
        distance = sum(s.distance_m or 0.0 for s in parsed.sessions)
        elapsed = sum(s.elapsed_s or 0.0 for s in parsed.sessions)
        out.append(
            Comparison(
                "importers",
                f"{name}:distance",
                f"{name}: distance",
                "m",
                summary.distance_m,
                distance if parsed.sessions else None,
                "the file's own summary",
            )
        )
        out.append(
            Comparison(
                "importers",
                f"{name}:elapsed",
                f"{name}: elapsed time",
                "s",
                summary.elapsed_s,
                elapsed if parsed.sessions else None,
                "the file's own summary",
            )
        )
    return out


# ---------------------------------------------------------------- gait


def gait(data_dir: Path, report: ValidationReport) -> None:
    """The gait validation service's report, or a note saying why it is not here."""
    try:
        from retrostride.services import gait_validation
    except ImportError:  # pragma: no cover - the gait engineer's service is part of the build
        report.notes["gait"] = "the gait validation service is not part of this build"
        return
    if not (data_dir / "imu").is_dir() and not (data_dir / "mobgap-lab").is_dir():
        report.notes["gait"] = f"no IMU reference data under {data_dir.name}/imu: gait not run"
        return
    result = gait_validation.validate(data_dir)
    report.gait = result.to_dict()
    report.notes["gait"] = (
        "from services.gait_validation (Mobilise-D INDIP reference: cadence, stride length, "
        "speed; gaitmap foot motion capture; Oxford phone step counts; reversal and "
        "perturbation variants). Bland-Altman plots of cadence, stride length and speed per "
        "reference test (mobgap-lab: ours minus INDIP)."
    )


# ---------------------------------------------------------------- run, baseline, write


def run(data_dir: Path | None = None, *, include_gait: bool = True) -> ValidationReport:
    """Every section whose data is present (``data_dir``: the shared ``data`` folder)."""
    from retrostride.science.energy import MODEL_VERSION

    report = ValidationReport(
        model_version=MODEL_VERSION, generated_utc=datetime.now(UTC).isoformat(timespec="seconds")
    )
    report.comparisons += energy_compendium()
    report.comparisons += energy_studies()
    report.comparisons += energy_body()
    report.comparisons += outcomes()
    if data_dir is not None and data_dir.is_dir():
        report.comparisons += importers(data_dir)
        if include_gait:
            gait(data_dir, report)
        else:
            report.notes["gait"] = "gait not run (fast subset)"
    else:
        report.notes["importers"] = "no shared data folder given: importers and gait not run"
    baseline = load_baseline()
    report.baseline_changes = list(baseline.get("changes", []))
    return report


def load_baseline() -> dict[str, Any]:
    """The baseline recorded in the repository (``retrostride/data``)."""
    text = resources.files("retrostride.data").joinpath(BASELINE_RESOURCE).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def baseline_of(report: ValidationReport, reason: str) -> dict[str, Any]:
    """A new baseline from ``report``: each line's absolute error; ``reason`` is recorded."""
    old = load_baseline()
    errors = {c.key: abs(c.error) for c in report.comparisons if c.error is not None}
    return {
        "tolerance": old.get("tolerance", {"absolute": 1e-6, "relative": 0.005}),
        "errors": dict(sorted(errors.items())),
        "changes": [*old.get("changes", []), {"date": report.generated_utc[:10], "reason": reason}],
    }


def regressions(report: ValidationReport, baseline: dict[str, Any] | None = None) -> list[str]:
    """Lines whose absolute error grew beyond the baseline's by more than its tolerance.

    The tolerance is ``absolute + relative x |reference|`` (``baseline["tolerance"]``). A line in
    the baseline that the report no longer answers is a regression too.
    """
    base = load_baseline() if baseline is None else baseline
    tolerance = base.get("tolerance", {})
    absolute = float(tolerance.get("absolute", 1e-6))
    relative = float(tolerance.get("relative", 0.005))
    by_key = {c.key: c for c in report.comparisons}
    out = []
    for key, old_error in base.get("errors", {}).items():
        line = by_key.get(key)
        if line is None:
            continue  # a section not run (no data, fast subset)
        if line.error is None:
            out.append(f"{key}: answered before ({old_error:.4g}), not now ({line.note})")
            continue
        allowed = float(old_error) + absolute + relative * abs(line.reference or 0.0)
        if abs(line.error) > allowed:
            out.append(f"{key}: error {abs(line.error):.4g} > baseline {old_error:.4g}")
    return out


def write_report(report: ValidationReport, out_dir: Path) -> tuple[Path, Path]:
    """Write ``validation.html`` (self-contained) and ``validation.json`` into ``out_dir``."""
    from retrostride.services.validation_html import render

    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / "validation.json"
    data = report.to_dict()
    data["regressions"] = regressions(report)
    json_path.write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
    html_path = out_dir / "validation.html"
    html_path.write_text(render(report, data["regressions"]), encoding="utf-8")
    return html_path, json_path
