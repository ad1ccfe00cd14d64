"""Safety first: screening before a program starts, and fall-risk guidance on every backward
prescription.

The questions (``screening.toml``, ``kind = "screening"``) are in the style of the PAR-Q+ (the
Physical Activity Readiness Questionnaire for Everyone, Warburton et al.) but in our own words;
the PAR-Q+ text itself is not reproduced. Each "yes" answer has an effect: ``stop`` (do not start
before a health professional clears it), ``modify`` (start only with the listed restrictions) or
``info`` (a note). Walking backward removes sight of the path, so falls are the main risk
(fall risk is screened as in CDC STEADI, Stevens & Phelan 2013): restrictions keep people with
falls, poor balance or dizziness on a treadmill with handrails or beside a spotter.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

from retrostride.errors import InputError
from retrostride.science import limits
from retrostride.training.program import Prescription, Program

EFFECTS = ("stop", "modify", "info")
RESTRICTIONS: dict[str, str] = {
    "handrails-or-spotter": "walk backward only on a treadmill holding the handrails, or "
    "overground beside a spotter",
    "supervised": "train only with a physiotherapist, coach or trained helper present",
    "no-incline": "no incline or hill work",
    "no-deadmill": "no switched-off treadmill (deadmill) work",
    "no-sled": "no sled dragging",
    "no-running": "walk only; no backward running",
}
"""Restriction code -> what it means for the person."""

_RESTRICTED_SETTINGS: dict[str, tuple[str, ...]] = {
    "handrails-or-spotter": ("deadmill", "sled-lane", "curved-treadmill"),
    "no-deadmill": ("deadmill",),
    "no-sled": ("sled-lane",),
}


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    text: str
    effect: str
    restrictions: tuple[str, ...]
    advice: str


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    """``status``: ``cleared``, ``modified`` or ``stop``."""

    status: str
    reasons: tuple[str, ...]
    restrictions: tuple[str, ...]
    advice: tuple[str, ...]

    @property
    def may_start(self) -> bool:
        return self.status != "stop"


def load_questions(path: Path) -> tuple[Question, ...]:
    """Read the screening questions file."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    if data.get("kind") != "screening":
        raise InputError(f"{path.name}.kind", data.get("kind"), '"screening"')
    out = []
    for i, q in enumerate(data.get("questions", [])):
        where = f"{path.name}.questions[{i}]"
        if q.get("effect") not in EFFECTS:
            raise InputError(f"{where}.effect", q.get("effect"), " or ".join(EFFECTS))
        for r in q.get("restrictions", []):
            if r not in RESTRICTIONS:
                raise InputError(f"{where}.restrictions", r, ", ".join(RESTRICTIONS))
        out.append(
            Question(
                str(q["id"]),
                str(q["text"]),
                str(q["effect"]),
                tuple(q.get("restrictions", [])),
                str(q.get("advice", "")),
            )
        )
    return tuple(out)


TUG_HIGH_RISK_S: Final = 12.0
"""Timed Up and Go of 12 s or more: at risk of falling (CDC STEADI, Stevens & Phelan 2013,
Health Promot Pract 14:706)."""
OLDER_ADULT_AGE_YEARS: Final = 65.0
"""STEADI screens adults aged 65 and over for fall risk (Stevens & Phelan 2013)."""


def screen(
    questions: tuple[Question, ...],
    answers: Mapping[str, bool],
    *,
    age_years: float | None = None,
    tug_s: float | None = None,
) -> ScreeningResult:
    """Judge the answers (``True`` = yes). Every question must be answered.

    ``age_years`` and ``tug_s`` (a Timed Up and Go time [s]) add the STEADI checks: a TUG of
    12 s or more requires supervision and handrails or a spotter; aged 65 or over without a TUG,
    handrails or a spotter until one is done (our rule after STEADI).
    """
    result = _screen_answers(questions, answers)
    if age_years is not None:
        limits.AGE_YEARS.check(age_years)
    if tug_s is not None:
        limits.TUG_S.check(tug_s)
    extra_restrictions: list[str] = []
    reasons: list[str] = []
    advice: list[str] = []
    if tug_s is not None and tug_s >= TUG_HIGH_RISK_S:
        extra_restrictions += ["handrails-or-spotter", "supervised"]
        reasons.append("tug")
        advice.append(
            f"A Timed Up and Go of {tug_s:g} s (12 s or more) means a higher risk of falling "
            "(CDC STEADI): train supervised, on a treadmill with handrails or beside a spotter."
        )
    elif tug_s is None and age_years is not None and age_years >= OLDER_ADULT_AGE_YEARS:
        extra_restrictions.append("handrails-or-spotter")
        reasons.append("age")
        advice.append(
            "At 65 or over, have a Timed Up and Go test done (CDC STEADI); until then walk "
            "backward only holding handrails or beside a spotter."
        )
    if age_years is None:
        advice.append(
            "Age not given: the fall-risk checks for people aged 65 and over were not made."
        )
    if not extra_restrictions:
        return replace(result, advice=(*result.advice, *advice))
    status = "stop" if result.status == "stop" else "modified"
    return ScreeningResult(
        status,
        (*result.reasons, *reasons),
        tuple(sorted({*result.restrictions, *extra_restrictions})),
        (*result.advice, *advice),
    )


def _screen_answers(
    questions: tuple[Question, ...], answers: Mapping[str, bool]
) -> ScreeningResult:
    """Judge the yes/no answers alone."""
    missing = [q.id for q in questions if q.id not in answers]
    if missing:
        raise InputError("screening", ", ".join(missing), "a yes/no answer to every question")
    unknown = set(answers) - {q.id for q in questions}
    if unknown:
        raise InputError("screening", ", ".join(sorted(unknown)), "known question ids")
    yes = [q for q in questions if answers[q.id]]
    status = "cleared"
    if any(q.effect == "modify" for q in yes):
        status = "modified"
    if any(q.effect == "stop" for q in yes):
        status = "stop"
    restrictions = tuple(sorted({r for q in yes for r in q.restrictions}))
    return ScreeningResult(
        status,
        tuple(q.id for q in yes if q.effect != "info"),
        restrictions,
        tuple(q.advice for q in yes if q.advice),
    )


def allowed(prescription: Prescription, restrictions: tuple[str, ...]) -> list[str]:
    """The restrictions a prescription breaks (empty when it may be done as written)."""
    p = prescription
    unsupported = not p.handrails and p.supervision == "none"
    breaks = {
        "no-incline": (p.grade_percent or 0.0) > 0.0,
        "no-sled": bool(p.sled_kg),
        "no-running": p.gait != "walk",
        "supervised": p.supervision == "none",
        "handrails-or-spotter": unsupported,
    }
    return [
        r
        for r in restrictions
        if p.setting in _RESTRICTED_SETTINGS.get(r, ()) or breaks.get(r, False)
    ]


def check_program(program: Program, result: ScreeningResult) -> list[str]:
    """Levels of ``program`` that the screening's restrictions forbid, as readable lines."""
    lines = []
    for i, level in enumerate(program.levels):
        broken = allowed(level.start, result.restrictions)
        if broken:
            lines.append(f"level {i + 1} ({level.name}) needs clearance: {', '.join(broken)}")
    return lines


_SETTING_GUIDANCE: dict[str, tuple[str, ...]] = {
    "treadmill": (
        "Clip the treadmill's safety key to your clothing; start the belt at its lowest speed "
        "before stepping on, facing away from the console.",
        "Keep both hands on the handrails until you are steady; raise speed in small steps.",
    ),
    "lbpp-treadmill": (
        "Use the unloading (positive-pressure) treadmill only as its operator has set it up; "
        "keep the emergency stop within reach.",
    ),
    "deadmill": (
        "On a switched-off treadmill, hold the handrails and push the belt with short steps; "
        "make sure it cannot be switched on by accident.",
    ),
    "curved-treadmill": (
        "On a curved treadmill, stay near the handrails: the belt speeds up as you move back.",
    ),
    "overground": (
        "Choose a flat, dry, known path with nothing behind you (a track, an empty hall, "
        "along a wall or rail); check behind you before you start and every few steps.",
        "Walk beside a spotter or with a partner walking forward facing you when you are new "
        "to it, older, or have ever fallen.",
    ),
    "sled-lane": (
        "Drag the sled on a clear, marked lane; start with the empty sled and add plates only "
        "when your steps are steady.",
    ),
}

GENERAL_GUIDANCE: tuple[str, ...] = (
    "Walking backward takes away the sight of your path: falls are the main risk.",
    "Start slowly with short steps, landing on the ball of the foot; stop at once if you feel "
    "dizzy, unsteady, short of breath or have chest pain.",
)


def fall_risk_guidance(
    prescription: Prescription, restrictions: tuple[str, ...] = ()
) -> tuple[str, ...]:
    """The fall-risk guidance to show with a prescription (every backward one has some)."""
    if prescription.direction != "backward":
        return ()
    lines = [*GENERAL_GUIDANCE, *_SETTING_GUIDANCE.get(prescription.setting, ())]
    if prescription.grade_percent:
        lines.append("On an incline, hold the handrails and lower the incline before stopping.")
    lines.extend(RESTRICTIONS[r] for r in restrictions)
    return tuple(lines)
