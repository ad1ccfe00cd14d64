"""``retrostride program list|show|start|today|status|ics|stop``: programs as data, with
screening before the start, today's dose with its fall-risk guidance, adherence and the
calendar export."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from retrostride.cli.log import DatabaseOption, PersonOption, console, fail, opened
from retrostride.errors import InputError
from retrostride.science import units
from retrostride.services import programs as service
from retrostride.training.program import Program
from retrostride.training.safety import RESTRICTIONS

program_app = typer.Typer(
    name="program",
    help="Evidence-based backward-walking programs that adapt week by week.",
    no_args_is_help=True,
)

ProgramOption = Annotated[
    str | None,
    typer.Option("--program", help="Which active program (default: the latest started)."),
]
DateOption = Annotated[
    str | None, typer.Option("--date", help="The day to show, YYYY-MM-DD (default: today).")
]


def _day(text: str | None, option: str = "--date") -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(option, text, "a date such as 2026-12-01") from None


def register(app: typer.Typer) -> None:
    app.add_typer(program_app, name="program")


@program_app.command("list")
def list_programs() -> None:
    """The programs shipped with retrostride."""
    table = Table("id", "title", "weeks", "per week", "population")
    for p in service.list_programs():
        table.add_row(p.id, p.title, str(p.weeks), str(p.sessions_per_week), p.population)
    console.print(table)


def _human(field: str, value: float) -> str:
    """A limit in the units people use."""
    if field == "duration_s":
        return f"{value / 60:g} min"
    if field == "speed_m_s":
        return units.format_speed(value)
    if field == "grade_percent":
        return f"{value:g}% grade"
    if field == "body_weight_support_percent":
        return f"{value:g}% body weight unloaded"
    return f"{value:g} kg ({field.removesuffix('_kg')})"


def _show(program: Program) -> None:
    console.print(f"[bold]{program.title}[/bold]  ({program.id}, version {program.version})")
    console.print(program.summary)
    console.print(
        f"{program.weeks} weeks, {program.sessions_per_week} sessions a week "
        f"({', '.join(program.days)}); population: {program.population}; "
        f"rules: {program.rules}"
    )
    for i, level in enumerate(program.levels):
        name = f"level {i + 1}: {level.name}" if len(program.levels) > 1 else "start"
        console.print(f"[bold]{name}[/bold]: {level.start.describe()}")
        for field, (low, high) in level.limits.bounds.items():
            console.print(f"   {_human(field, low)} to {_human(field, high)}")
    console.print("[bold]What rests on evidence and what is our choice[/bold]")
    for item in program.evidence:
        tag = f"evidence ({item.source})" if item.basis == "evidence" else "our choice"
        why = f" - {item.why}" if item.why else ""
        console.print(escape(f" [{tag}] {item.item}{why}"), highlight=False)
    if program.exercises:
        console.print("[bold]Also in each session[/bold]")
        for e in program.exercises:
            console.print(f" - {e.name}: {e.dose} ({e.basis})")
    rules = service.catalogue().rule_sets[program.rules]
    console.print(f"[bold]Progression rules ({rules.id})[/bold]: {rules.description}")
    for rule in rules.rules:
        conds = [c.describe() for c in rule.when]
        if rule.when_any:
            conds.append("any of (" + "; ".join(c.describe() for c in rule.when_any) + ")")
        console.print(f" - {rule.name}: if {' and '.join(conds) or 'always'}: {rule.because}")
    console.print("[bold]Sources[/bold]")
    for s in program.sources:
        doi = f" doi:{s.doi}" if s.doi else ""
        console.print(escape(f" [{s.key}] {s.citation}{doi}"), highlight=False)


@program_app.command("show")
def show(
    program_id: Annotated[str, typer.Argument(help="Program id (see `program list`).")],
) -> None:
    """A program: dose, levels, limits, rules, evidence and sources."""
    try:
        _show(service.get_program(program_id))
    except InputError as exc:
        fail(str(exc), 2)


def _answers(given: list[str], no_to_rest: bool) -> dict[str, bool]:
    questions = service.screening_questions()
    known = {q.id for q in questions}
    answers: dict[str, bool] = {}
    for item in given:
        key, _, value = item.partition("=")
        if key not in known or value.lower() not in ("yes", "no", "y", "n"):
            raise InputError("--answer", item, "ID=yes or ID=no with ID one of " + ", ".join(known))
        answers[key] = value.lower() in ("yes", "y")
    for q in questions:
        if q.id in answers:
            continue
        if no_to_rest:
            answers[q.id] = False
        elif sys.stdin.isatty():
            answers[q.id] = typer.confirm(q.text, default=False)
        else:
            raise InputError(
                "--answer",
                q.id,
                "an answer to every screening question (--answer ID=yes|no, or "
                "--no-to-others); see `retrostride program screening`",
            )
    return answers


@program_app.command("screening")
def screening() -> None:
    """The safety questions asked before a program starts (our wording, PAR-Q+ style)."""
    for q in service.screening_questions():
        effect = {
            "stop": "yes = see a professional first",
            "modify": "yes = restrictions",
            "info": "yes = a note",
        }[q.effect]
        console.print(f"[bold]{q.id}[/bold] ({effect}): {q.text}", highlight=False)


@program_app.command("start")
def start(
    program_id: Annotated[str, typer.Argument(help="Program id (see `program list`).")],
    start_date: Annotated[
        str | None, typer.Option("--start", help="First day, YYYY-MM-DD (default: today).")
    ] = None,
    answer: Annotated[
        list[str] | None,
        typer.Option(
            "--answer",
            help="A screening answer ID=yes|no (repeatable); unanswered "
            "questions are asked interactively.",
        ),
    ] = None,
    no_to_others: Annotated[
        bool, typer.Option("--no-to-others", help="Answer no to every question not given.")
    ] = False,
    cleared_by: Annotated[
        str | None,
        typer.Option(
            "--cleared-by",
            help="Name and role of the professional who cleared you "
            "when the screening says to see one first.",
        ),
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Restart a program that is already active.")
    ] = False,
    age: Annotated[
        float | None,
        typer.Option("--age", help="Your age in years (fall-risk checks at 65 and over)."),
    ] = None,
    tug: Annotated[
        float | None,
        typer.Option("--tug", help="A Timed Up and Go time in seconds (12 s or more: supervised)."),
    ] = None,
    database: DatabaseOption = None,
    person: PersonOption = service.DEFAULT_PERSON,
) -> None:
    """Screen for safety (questions, age, Timed Up and Go), then enrol on a program from a date."""
    with opened(database) as db:
        answers = _answers(answer or [], no_to_others)
        if age is None and not no_to_others:
            age = typer.prompt("Your age in years", type=float)
        first = _day(start_date, "--start") or date.today()
        try:
            enrolment, result, blocked = service.enrol(
                db,
                program_id,
                first,
                answers,
                person=person,
                cleared_by=cleared_by,
                replace=replace,
                age_years=age,
                tug_s=tug,
            )
        except service.ScreeningStop as exc:
            fail(f"{exc} (--cleared-by NAME)", 3)
        console.print(
            f"Enrolled {person} on [bold]{enrolment.program.title}[/bold] from {enrolment.start}"
        )
        console.print(f"screening: {result.status}")
        for r in result.restrictions:
            console.print(f" restriction: {RESTRICTIONS[r]}")
        for line in result.advice:
            console.print(f" advice: {line}")
        for line in blocked:
            console.print(f" [yellow]{line}[/yellow]")
        console.print("See today's session with `retrostride program today`.")


@program_app.command("today")
def today(
    program_id: ProgramOption = None,
    day: DateOption = None,
    database: DatabaseOption = None,
    person: PersonOption = service.DEFAULT_PERSON,
) -> None:
    """Today's prescription, with the fall-risk guidance."""
    with opened(database) as db:
        t = service.today(db, person=person, program_id=program_id, day=_day(day))
        console.print(f"[bold]{t.program.title}[/bold], {t.day}")
        if t.paused:
            console.print("[red]PAUSED[/red]: the rules asked for a review by your clinician.")
            if t.decision:
                for m in t.decision.messages:
                    console.print(f" {m}")
        elif t.finished:
            console.print("The program has ended: record your follow-up assessments.")
        elif t.match is None:
            nxt = f"; next session {t.next_session}" if t.next_session else ""
            console.print(f"No session planned today{nxt}.")
        else:
            done = " (done)" if t.match.logged is not None else ""
            week = t.week.week + 1 if t.week else 0
            console.print(f"Week {week}, session {t.match.planned.index + 1}{done}:")
            console.print(f" [bold]{t.prescription.describe()}[/bold]")
            if t.prescription.note:
                console.print(f" {t.prescription.note}")
            if t.decision is not None:
                console.print(f" why this dose: {t.decision.rule} - {t.decision.because}")
                for m in t.decision.messages:
                    console.print(f" {m}")
            for e in t.exercises:
                console.print(f" also: {e.name} ({e.dose})")
        console.print("[bold]Safety[/bold]")
        for line in t.guidance:
            console.print(f" - {line}")


@program_app.command("status")
def status(
    program_id: ProgramOption = None,
    day: DateOption = None,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Write the adherence picture (.png or .svg).")
    ] = None,
    volume_plot: Annotated[
        Path | None,
        typer.Option("--volume-plot", help="Write weekly minutes by direction (.png or .svg)."),
    ] = None,
    database: DatabaseOption = None,
    person: PersonOption = service.DEFAULT_PERSON,
) -> None:
    """Weeks so far, adherence and the next prescription from the rules."""
    from retrostride.plots import plot_adherence, plot_weekly_volume

    with opened(database) as db:
        s = service.status(db, person=person, program_id=program_id, today=_day(day))
        table = Table("week", "from", "prescription", "done", "decision", "status")
        for w in s.plan.weeks:
            done = sum(1 for m in w.matches if m.logged is not None)
            rule = w.decision.rule if w.decision else "start"
            table.add_row(
                str(w.week + 1),
                str(w.start),
                w.prescription.describe(),
                f"{done}/{len(w.matches)}",
                rule,
                w.status,
            )
        console.print(f"[bold]{s.enrolment.program.title}[/bold] from {s.enrolment.start}")
        console.print(table)
        a = s.adherence
        pct = "n/a" if a.fraction is None else f"{100 * a.fraction:.0f}%"
        console.print(
            f"Adherence: {a.completed} of {a.due} sessions due ({pct}); "
            f"{a.minutes_done:.0f} of {a.minutes_due:.0f} minutes"
        )
        for week in s.plan.flags:
            console.print(
                f"[red]flagged for clinician review[/red] after week {week.week}: "
                + " ".join(week.decision.messages if week.decision else ())
            )
        console.print(f"Next: {s.next_prescription.describe()}")
        if s.next_decision is not None:
            console.print(f" because: {s.next_decision.rule} - {s.next_decision.because}")
        if s.plan.unmatched:
            console.print(f"{len(s.plan.unmatched)} logged session(s) matched no planned one.")
        if plot is not None:
            planned = [
                sum(1 for m in w.matches if m.planned.on <= s.plan.today) for w in s.plan.weeks
            ]
            completed = [sum(1 for m in w.matches if m.logged is not None) for w in s.plan.weeks]
            plot_adherence(planned, completed, plot, title=f"Adherence: {s.enrolment.program.id}")
            console.print(f"wrote {plot}")
        if volume_plot is not None:
            ep = service.plan_for(db, person=person, program_id=program_id, today=_day(day))
            plot_weekly_volume(
                service.weekly_volume(ep),
                volume_plot,
                title=f"Weekly minutes: {s.enrolment.program.id}",
            )
            console.print(f"wrote {volume_plot}")


@program_app.command("event")
def event(
    session_id: Annotated[int, typer.Argument(help="The logged session's id.")],
    kind: Annotated[str, typer.Argument(help="stumble, near-fall or fall (none clears it).")],
    database: DatabaseOption = None,
    person: PersonOption = service.DEFAULT_PERSON,
) -> None:
    """Record a stumble, near-fall or fall with a session (the program's rules react to it)."""
    with opened(database) as db:
        stored = service.record_safety_event(
            db, session_id, None if kind == "none" else kind, person=person
        )
    console.print(f"session {session_id}: {stored or 'no event'} recorded")
    if stored == "fall":
        console.print(
            "A fall steps your program back and flags it for your physiotherapist or doctor."
        )


@program_app.command("ics")
def ics(
    output: Annotated[Path, typer.Option("--output", "-o", help="The .ics file to write.")],
    program_id: ProgramOption = None,
    database: DatabaseOption = None,
    person: PersonOption = service.DEFAULT_PERSON,
) -> None:
    """Export the plan as an iCalendar file for calendar applications."""
    with opened(database) as db:
        data = service.export_ics(db, person=person, program_id=program_id)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(data)
        console.print(f"wrote {output} ({data.count(b'BEGIN:VEVENT')} sessions)")


@program_app.command("stop")
def stop(
    program_id: ProgramOption = None,
    database: DatabaseOption = None,
    person: PersonOption = service.DEFAULT_PERSON,
) -> None:
    """Stop an active program."""
    with opened(database) as db:
        n = service.stop(db, person=person, program_id=program_id)
        console.print(f"stopped {n} program(s)")
