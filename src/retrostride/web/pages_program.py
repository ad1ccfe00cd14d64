"""The program page (screening questions before a start) and the assessments page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from retrostride.api.database import AppDatabase, ReadDb
from retrostride.api.policy import AthleteId
from retrostride.errors import InputError, RetrostrideError
from retrostride.science.outcomes import MEASURES, POPULATIONS, Better, find_mic
from retrostride.services import assessments as assess_service
from retrostride.services import programs as program_service
from retrostride.training.program import Prescription
from retrostride.web.auth import PageError, PagePrincipal, page_subject, prefs_of, redirect, render
from retrostride.web.charts import (
    DIRECTION_COLOURS,
    Bars,
    Level,
    Line,
    Table,
    XAxis,
    bar_chart,
    epoch_days,
    line_chart,
)
from retrostride.web.prefs import Formatter

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class ProgramState:
    """What the pages show of an athlete's active program."""

    status: program_service.Status
    today: program_service.Today
    volume: list[dict[str, float]] = field(default_factory=list)
    """Minutes per plan week by direction (``services.programs.weekly_volume``), when asked."""


def program_state(
    database: Any, person: str, day: date, *, volume: bool = False
) -> ProgramState | None:
    """The active program's status, the day's prescription (and with ``volume`` the minutes
    per plan week) from one reading of the plan, or None when not enrolled."""
    try:
        ep = program_service.plan_for(database, person=person, today=day)
    except program_service.NotEnrolled:
        return None
    return ProgramState(
        *program_service.state_of(ep), program_service.weekly_volume(ep) if volume else []
    )


def describe(p: Prescription, fmt: Formatter) -> str:
    """A prescription in the person's units."""
    return p.describe(speed_text=fmt.speed, mass_text=fmt.mass)


def _program_figures(state: ProgramState) -> dict[str, Any]:
    s = state.status
    weeks = s.plan.weeks
    planned = [sum(1 for m in w.matches if m.planned.on <= s.plan.today) for w in weeks]
    completed = [sum(1 for m in w.matches if m.logged is not None) for w in weeks]
    labels = [str(w.week + 1) for w in weeks]
    adherence = bar_chart(
        labels,
        [Bars("planned so far", planned, "#8a8a8a"), Bars("done", completed, "#1f5f8b")],
        title="Sessions planned and done per program week", unit="sessions", stacked=False,
        summary=f"{sum(completed)} of {sum(planned)} sessions due so far are done.",
    )
    return {"adherence": adherence, "planned": planned, "completed": completed}


def _volume_figure(volume: list[dict[str, float]]) -> Any:
    labels = [str(i + 1) for i in range(len(volume))]
    return bar_chart(
        labels,
        [Bars("backward", [v["backward"] for v in volume], DIRECTION_COLOURS["backward"]),
         Bars("forward", [v["forward"] for v in volume], DIRECTION_COLOURS["forward"]),
         Bars("other", [v["other"] for v in volume], "#8a8a8a")],
        title="Minutes walked per program week, by direction", unit="min",
        table=Table("The numbers", ("Week", "Backward (min)", "Forward (min)", "Other (min)"),
                    [(lab, f"{v['backward']:.0f}", f"{v['forward']:.0f}", f"{v['other']:.0f}")
                     for lab, v in zip(labels, volume, strict=True)]),
    )


def _program_page(
    request: Request, principal: Any, subject: Any, database: Any, *,
    errors: dict[str, str] | None = None, values: dict[str, Any] | None = None,
    stop_reasons: tuple[str, ...] = (), status_code: int = 200,
) -> Response:
    fmt = Formatter(prefs_of(request))
    day = fmt.today()
    state = program_state(database, subject.person_name, day, volume=True)
    figures: dict[str, Any] = {}
    if state is not None:
        figures = _program_figures(state)
        figures["volume"] = _volume_figure(state.volume)
    return render(
        request, "program.html", principal, subject=subject, title="Program",
        state=state, figures=figures, describe=lambda p: describe(p, fmt),
        programs=program_service.list_programs(),
        questions=program_service.screening_questions(), populations=POPULATIONS,
        errors=errors or {}, values=values or {"start": day.isoformat()},
        stop_reasons=stop_reasons, started=request.query_params.get("started") == "1",
        status_code=status_code,
    )


@router.get("/athletes/{athlete_id}/program")
def program_page(
    request: Request, athlete_id: AthleteId, principal: PagePrincipal, db: ReadDb,
    database: AppDatabase,
) -> Response:
    subject = page_subject(db, principal, athlete_id)
    return _program_page(request, principal, subject, database)


@router.post("/athletes/{athlete_id}/program")
async def program_start(
    request: Request, athlete_id: AthleteId, principal: PagePrincipal, db: ReadDb,
    database: AppDatabase,
) -> Response:
    """Answer the screening questions and start a program (or stop the active one)."""
    subject = page_subject(db, principal, athlete_id, need_write=True)
    form = await request.form()
    if form.get("action") == "stop":
        program_service.stop(database, person=subject.person_name)
        return redirect(request.url.path)
    values: dict[str, Any] = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    errors: dict[str, str] = {}
    program_id = values.get("program_id", "")
    if program_id not in {p.id for p in program_service.list_programs()}:
        errors["program_id"] = "Choose one of the programs."
    try:
        start = date.fromisoformat(values.get("start", ""))
    except ValueError:
        errors["start"] = "Enter the first day as a date, such as 2026-11-30."
        start = date.today()
    answers: dict[str, bool] = {}
    for q in program_service.screening_questions():
        answer = values.get(f"q-{q.id}")
        if answer not in ("yes", "no"):
            errors[f"q-{q.id}"] = f"Answer yes or no: {q.text}"
        else:
            answers[q.id] = answer == "yes"
    if errors:
        return _program_page(request, principal, subject, database, errors=errors,
                             values=values, status_code=422)
    try:
        program_service.enrol(
            database, program_id, start, answers, person=subject.person_name,
            cleared_by=values.get("cleared_by") or None, replace=values.get("replace") == "on",
        )
    except program_service.ScreeningStop as exc:
        errors["cleared_by"] = (
            "Your answers mean: see a doctor or physiotherapist before starting. Once they have "
            "cleared you, write their name here and send the form again."
        )
        return _program_page(request, principal, subject, database, errors=errors,
                             values=values, stop_reasons=exc.result.reasons, status_code=409)
    except InputError as exc:
        errors["program_id"] = f"{exc.value_text}: expected {exc.expected}."
        return _program_page(request, principal, subject, database, errors=errors,
                             values=values, status_code=422)
    return redirect(f"{request.url.path}?started=1")


LIST_SIZE = 20
"""Measurements per page of the list."""


def _page_number(request: Request) -> int:
    text = request.query_params.get("page", "1")
    if not text.isdigit() or not 1 <= int(text) <= 100_000:
        raise PageError(404, f"page {text!r}: expected a page number from 1")
    return int(text)


def shown_unit(unit: str, fmt: Formatter) -> tuple[float, str]:
    """(factor, unit) to show a measure's value in the person's units (kg -> lb when chosen)."""
    if unit == "kg":
        return fmt.mass_value(1.0), fmt.prefs.mass_unit
    return 1.0, unit


BETTER_WORDS = {Better.LOWER: "lower is better", Better.HIGHER: "higher is better",
                Better.NEITHER: "neither direction is better"}
TABLE_ROWS = 12
"""Readings listed under each assessment chart (the newest; the full list is paged below)."""


def _assessment_figures(
    reports: list[assess_service.MeasureReport], population: str, fmt: Formatter
) -> list[Any]:
    out = []
    for r in reports:
        mic = find_mic(r.measure, population)
        k, unit = shown_unit(r.unit, fmt)
        days = [epoch_days(a.on) for a in r.series]
        values = [a.value * k for a in r.series]
        baseline = values[0]
        digits = 2 if max(abs(v) for v in values) < 10 else 1
        levels = [Level(baseline, baseline, "baseline (first value)", "#555555")]
        if mic is not None:
            levels.insert(0, Level(
                baseline - mic.absolute * k, baseline + mic.absolute * k,
                f"minimal important change around the baseline (±{mic.absolute * k:.{digits}g} "
                f"{unit}, {mic.kind}, {mic.source.split(',')[0]})",
            ))
        better = BETTER_WORDS[r.better]
        newest = list(zip(r.series, values, strict=True))[-TABLE_ROWS:][::-1]
        figure = line_chart(
            days, [Line(r.label, values, unit, "#1f5f8b", digits, markers=True)],
            title=f"{r.label} ({unit}): {better}", axis=XAxis("date"), levels=levels,
            summary=(f"{len(values)} readings; first {baseline:.{digits}f}, latest "
                     f"{values[-1]:.{digits}f} {unit}; {better}."),
            table=Table(
                f"The numbers (the newest {len(newest)} of {len(values)})",
                ("Date", f"Value ({unit})"),
                [(fmt.day(a.on), f"{v:.{digits}f}") for a, v in newest],
            ),
            note="" if mic else "No minimal important change is published for this population.",
        )
        last = r.series[-1] if r.series else None
        latest = f"{last.value * k:.1f} {unit} on {fmt.day(last.on)}" if last else "-"
        out.append({"report": r, "figure": figure, "mic": mic, "k": k, "unit": unit,
                    "latest": latest, "better": better})
    return out


def _assessments_page(
    request: Request, principal: Any, subject: Any, database: Any, *,
    errors: dict[str, str] | None = None, values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    fmt = Formatter(prefs_of(request))
    population = request.query_params.get("population") or assess_service.default_population(
        database, person=subject.person_name
    )
    if population not in POPULATIONS:
        raise PageError(404, f"population {population!r}: expected one of {', '.join(POPULATIONS)}")
    reports = assess_service.report(database, person=subject.person_name, population=population)
    page = _page_number(request)
    listed = assess_service.assessment_page(
        database, person=subject.person_name, limit=LIST_SIZE, offset=(page - 1) * LIST_SIZE
    )
    return render(
        request, "assessments.html", principal, subject=subject, title="Assessments",
        measures=list(MEASURES.values()), population=population, populations=POPULATIONS,
        items=_assessment_figures(reports, population, fmt),
        shown_unit=lambda u: shown_unit(u, fmt),
        all_items=listed.items, total=listed.total, page=page,
        pages=max(1, -(-listed.total // LIST_SIZE)),
        errors=errors or {}, values=values or {"on": fmt.today().isoformat()},
        saved=request.query_params.get("saved") == "1", status_code=status_code,
    )


@router.get("/athletes/{athlete_id}/assessments")
def assessments_page(
    request: Request, athlete_id: AthleteId, principal: PagePrincipal, db: ReadDb,
    database: AppDatabase,
) -> Response:
    subject = page_subject(db, principal, athlete_id)
    return _assessments_page(request, principal, subject, database)


@router.post("/athletes/{athlete_id}/assessments")
async def assessment_add(
    request: Request, athlete_id: AthleteId, principal: PagePrincipal, db: ReadDb,
    database: AppDatabase,
) -> Response:
    """Record a measurement, or delete one (``delete`` = its id)."""
    subject = page_subject(db, principal, athlete_id, need_write=True)
    form = await request.form()
    if form.get("delete"):
        try:
            assess_service.delete_assessment(
                database, int(str(form["delete"])), person=subject.person_name
            )
        except (ValueError, InputError, assess_service.AssessmentNotFound):
            raise PageError(404, "There is no such assessment here.") from None
        return redirect(request.url.path)
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    errors: dict[str, str] = {}
    if values.get("measure") not in MEASURES:
        errors["measure"] = "Choose a measure."
    try:
        on = date.fromisoformat(values.get("on", ""))
    except ValueError:
        errors["on"] = "Enter the date of the measurement, such as 2026-11-30."
    try:
        value = float(values.get("value", "").replace(",", "."))
        measure = MEASURES.get(values.get("measure", ""))
        if measure is not None and measure.unit == "kg":  # typed in the person's mass unit
            value /= shown_unit("kg", Formatter(prefs_of(request)))[0]
    except ValueError:
        errors["value"] = "Enter the result as a number, such as 420 or 12.5."
    if not errors:
        try:
            assess_service.add_assessment(
                database, values["measure"], on, value,
                method=values.get("method") or None, notes=values.get("notes", "")[:2000],
                person=subject.person_name,
            )
        except InputError as exc:
            key = "method" if exc.field == "method" else "value"
            errors[key] = f"{exc.value_text} is not accepted: expected {exc.expected}."
        except RetrostrideError as exc:
            errors["value"] = str(exc)
    if errors:
        return _assessments_page(request, principal, subject, database, errors=errors,
                                 values=values, status_code=422)
    return redirect(f"{request.url.path}?saved=1")
