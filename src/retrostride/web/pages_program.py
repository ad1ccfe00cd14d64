"""The program page (screening questions before a start) and the assessments page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from retrostride.api.database import AppDatabase, ReadDb
from retrostride.api.policy import AthleteId
from retrostride.errors import InputError, RetrostrideError
from retrostride.plots import plot_adherence, plot_outcome, plot_weekly_volume
from retrostride.science.outcomes import MEASURES, POPULATIONS, Better, find_mic
from retrostride.services import assessments as assess_service
from retrostride.services import programs as program_service
from retrostride.training.program import Prescription
from retrostride.web.auth import PageError, PagePrincipal, page_subject, prefs_of, redirect, render
from retrostride.web.figures import inline_svg
from retrostride.web.prefs import Formatter

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class ProgramState:
    """What the pages show of an athlete's active program."""

    status: program_service.Status
    today: program_service.Today


def program_state(database: Any, person: str, day: date) -> ProgramState | None:
    """The active program's status and the day's prescription, or None when not enrolled."""
    try:
        return ProgramState(
            program_service.status(database, person=person, today=day),
            program_service.today(database, person=person, day=day),
        )
    except program_service.NotEnrolled:
        return None


def describe(p: Prescription, fmt: Formatter) -> str:
    """A prescription in the person's units."""
    return p.describe(speed_text=fmt.speed, mass_text=fmt.mass)


def _program_figures(state: ProgramState) -> dict[str, Any]:
    s = state.status
    weeks = s.plan.weeks
    planned = [sum(1 for m in w.matches if m.planned.on <= s.plan.today) for w in weeks]
    completed = [sum(1 for m in w.matches if m.logged is not None) for w in weeks]
    adherence = inline_svg(
        lambda p: plot_adherence(planned, completed, p, title="Sessions planned and done"),
        "Planned and completed sessions per week, with adherence so far",
    )
    return {"adherence": adherence, "planned": planned, "completed": completed}


def _volume_figure(database: Any, person: str, day: date) -> Any:
    ep = program_service.plan_for(database, person=person, today=day)
    return inline_svg(
        lambda p: plot_weekly_volume(
            program_service.weekly_volume(ep), p, title="Minutes per week by direction"
        ),
        "Minutes walked per program week, backward, forward and other",
    )


def _program_page(
    request: Request, principal: Any, subject: Any, database: Any, *,
    errors: dict[str, str] | None = None, values: dict[str, Any] | None = None,
    stop_reasons: tuple[str, ...] = (), status_code: int = 200,
) -> Response:
    fmt = Formatter(prefs_of(request))
    day = fmt.today()
    state = program_state(database, subject.person_name, day)
    figures: dict[str, Any] = {}
    if state is not None:
        figures = _program_figures(state)
        figures["volume"] = _volume_figure(database, subject.person_name, day)
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
        errors["program_id"] = f"{exc.value}: expected {exc.expected}."
        return _program_page(request, principal, subject, database, errors=errors,
                             values=values, status_code=422)
    return redirect(f"{request.url.path}?started=1")


def shown_unit(unit: str, fmt: Formatter) -> tuple[float, str]:
    """(factor, unit) to show a measure's value in the person's units (kg -> lb when chosen)."""
    if unit == "kg":
        return fmt.mass_value(1.0), fmt.prefs.mass_unit
    return 1.0, unit


def _assessment_figures(
    reports: list[assess_service.MeasureReport], population: str, fmt: Formatter
) -> list[Any]:
    out = []
    for r in reports:
        mic = find_mic(r.measure, population)
        m = MEASURES[r.measure]
        k, unit = shown_unit(r.unit, fmt)
        points = [(a.on, a.value * k) for a in r.series]
        figure = inline_svg(
            partial(
                plot_outcome, points, title=r.label, unit=unit,
                mic=mic.absolute * k if mic else None,
                mic_label=f"{mic.kind}, {mic.source.split(',')[0]}" if mic else "",
                lower_is_better=None if m.better is Better.NEITHER else m.better is Better.LOWER,
            ),
            f"{r.label} over time with the minimal important change band around the baseline",
        )
        last = r.series[-1] if r.series else None
        latest = f"{last.value * k:.1f} {unit} on {fmt.day(last.on)}" if last else "-"
        out.append({"report": r, "figure": figure, "mic": mic, "k": k, "unit": unit,
                    "latest": latest})
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
    return render(
        request, "assessments.html", principal, subject=subject, title="Assessments",
        measures=list(MEASURES.values()), population=population, populations=POPULATIONS,
        items=_assessment_figures(reports, population, fmt),
        shown_unit=lambda u: shown_unit(u, fmt),
        all_items=assess_service.list_assessments(database, person=subject.person_name),
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
            errors[key] = f"{exc.value} is not accepted: expected {exc.expected}."
        except RetrostrideError as exc:
            errors["value"] = str(exc)
    if errors:
        return _assessments_page(request, principal, subject, database, errors=errors,
                                 values=values, status_code=422)
    return redirect(f"{request.url.path}?saved=1")
