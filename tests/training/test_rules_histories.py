"""The progression rules against scripted six-week histories (deliverable 8)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from itertools import pairwise

import pytest

from retrostride.training.loader import Catalogue, load_catalogue
from retrostride.training.plan import ProgramPlan, build_plan
from retrostride.training.program import Program
from retrostride.training.rules import WeekSummary, decide

from .histories import COMFORTABLE, SKIPPED, Week, history

START = date(2026, 1, 5)  # a Monday
AFTER = date(2026, 3, 30)  # every week of a 6-week plan has ended
DOSE = 1e-9  # km/h and min: doses are sums and products of the rules' steps, to float rounding


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def run(
    catalogue: Catalogue, program_id: str, weeks: list[Week], today: date = AFTER
) -> ProgramPlan:
    program = catalogue.program(program_id)
    logged = history(program, START, weeks)
    return build_plan(program, catalogue.rules_for(program), START, logged, today)


def kmh(plan: ProgramPlan, week: int) -> float:
    speed = plan.weeks[week].prescription.speed_m_s
    assert speed is not None
    return speed * 3.6


def minutes(plan: ProgramPlan, week: int) -> float:
    return plan.weeks[week].prescription.duration_s / 60


def rules(plan: ProgramPlan) -> list[str]:
    return [w.decision.rule if w.decision else "start" for w in plan.weeks]


def test_everything_done_comfortably_progresses_every_week(catalogue: Catalogue) -> None:
    plan = run(catalogue, "knee-oa", [COMFORTABLE] * 6)
    assert rules(plan) == ["start"] + ["progress-comfortable"] * 5
    speeds = [kmh(plan, w) for w in range(6)]
    assert speeds == pytest.approx([2.0, 2.2, 2.4, 2.6, 2.8, 3.0], abs=DOSE)
    # Alghadir 2019: 10 minutes a session throughout (the limit keeps it there)
    assert [minutes(plan, w) for w in range(6)] == pytest.approx([10] * 6, abs=DOSE)
    assert plan.adherence().fraction == pytest.approx(1.0, abs=1e-12)


def test_comfortable_unloading_program_lengthens_and_unloads(catalogue: Catalogue) -> None:
    plan = run(catalogue, "knee-oa-lbpp", [COMFORTABLE] * 6)
    assert [minutes(plan, w) for w in range(6)] == pytest.approx(
        [15, 17, 19, 21, 23, 25], abs=DOSE
    )
    support = [plan.weeks[w].prescription.body_weight_support_percent for w in range(6)]
    assert support == pytest.approx([40, 30, 20, 10, 0, 0], abs=DOSE)  # never below 0


def test_rising_pain_is_stepped_back_then_progresses_again(catalogue: Catalogue) -> None:
    flare = Week(pain_before=2, pain_after=6)
    plan = run(catalogue, "knee-oa", [COMFORTABLE, COMFORTABLE, flare, COMFORTABLE, COMFORTABLE])
    assert rules(plan)[3] == "step-back-pain-rise"
    assert minutes(plan, 2) == pytest.approx(10, abs=DOSE)
    assert minutes(plan, 3) == pytest.approx(8, abs=DOSE)  # 10 min x 0.8
    assert kmh(plan, 3) == pytest.approx(kmh(plan, 2) - 0.3, abs=DOSE)
    assert rules(plan)[4] == "progress-comfortable"
    assert minutes(plan, 4) == pytest.approx(10, abs=DOSE)
    assert kmh(plan, 4) == pytest.approx(kmh(plan, 3) + 0.2, abs=DOSE)


def test_pain_that_keeps_rising_keeps_stepping_back_to_the_floor(catalogue: Catalogue) -> None:
    rising = [Week(pain_before=3, pain_after=3 + 2.5 + i * 0.1) for i in range(6)]
    plan = run(catalogue, "knee-oa", rising)
    assert rules(plan)[1:] == ["step-back-pain-rise"] * 5
    assert minutes(plan, 5) == pytest.approx(6, abs=DOSE)  # the program's lower limit
    assert kmh(plan, 5) < kmh(plan, 0)


def test_severe_pain_pauses_the_program_for_review(catalogue: Catalogue) -> None:
    plan = run(
        catalogue, "knee-oa", [COMFORTABLE, Week(pain_before=2, pain_after=7)] + [COMFORTABLE] * 4
    )
    assert plan.paused
    assert [w.status for w in plan.weeks][2:] == ["paused"] * 4
    decision = plan.pause_decision
    assert decision is not None and decision.rule == "pause-severe-pain"
    assert any("physiotherapist" in m for m in decision.messages)


def test_a_skipped_week_repeats_the_dose_then_progress_resumes(catalogue: Catalogue) -> None:
    plan = run(catalogue, "knee-oa", [COMFORTABLE, COMFORTABLE, SKIPPED, COMFORTABLE, COMFORTABLE])
    assert rules(plan)[3] == "repeat-after-missed-week"
    assert kmh(plan, 3) == pytest.approx(kmh(plan, 2), abs=DOSE)
    assert kmh(plan, 2) == pytest.approx(2.4, abs=DOSE)
    assert rules(plan)[4] == "progress-comfortable"
    assert kmh(plan, 4) == pytest.approx(2.6, abs=DOSE)
    adherence = plan.adherence()
    assert (adherence.completed, adherence.due) == (12, 18)


def test_two_skipped_weeks_restart_below_the_last_dose(catalogue: Catalogue) -> None:
    plan = run(catalogue, "fitness", [COMFORTABLE, COMFORTABLE, SKIPPED, SKIPPED, COMFORTABLE])
    assert rules(plan)[3] == "repeat-after-missed-week"
    assert rules(plan)[4] == "resume-after-break"
    assert minutes(plan, 2) == pytest.approx(15 * 1.1**2, abs=DOSE)
    assert minutes(plan, 4) == pytest.approx(15 * 1.1**2 * 0.8, abs=DOSE)
    assert kmh(plan, 4) == pytest.approx(kmh(plan, 2) - 0.5, abs=DOSE)


def test_an_incomplete_week_holds(catalogue: Catalogue) -> None:
    plan = run(catalogue, "knee-oa", [Week(sessions=1), COMFORTABLE])
    assert rules(plan)[1] == "hold-incomplete-week"
    assert kmh(plan, 1) == pytest.approx(2.0, abs=DOSE)


def test_no_pain_reports_hold_a_pain_guided_program(catalogue: Catalogue) -> None:
    plan = run(catalogue, "knee-oa", [Week(pain_before=None, pain_after=None)] * 2)
    assert rules(plan)[1] == "hold-without-pain-reports"


def test_effort_guided_program_follows_rpe(catalogue: Catalogue) -> None:
    easy = run(catalogue, "fitness", [COMFORTABLE] * 6)
    # the program states about 10% a week: duration x 1.1 (until now +3 min, +20% in week 2)
    assert [minutes(easy, w) for w in range(6)] == pytest.approx(
        [15 * 1.1**w for w in range(6)], abs=DOSE
    )
    # distance per session grows by 10% a week, never more (was +29% in week 2)
    distance = [minutes(easy, w) * kmh(easy, w) for w in range(6)]
    assert [b / a for a, b in pairwise(distance)] == pytest.approx(
        [1.1] * 5, abs=1e-9
    )
    hard = run(catalogue, "fitness", [Week(rpe=8)] * 2)
    assert rules(hard)[1] == "ease-very-hard" and kmh(hard, 1) == pytest.approx(3.7, abs=DOSE)


def test_beginner_path_moves_up_a_level_from_the_top_of_the_last(catalogue: Catalogue) -> None:
    plan = run(catalogue, "beginner", [COMFORTABLE] * 12, today=date(2026, 6, 1))
    levels = [w.prescription.level for w in plan.weeks[:12]]
    assert levels[:5] == [0, 0, 0, 0, 1]
    assert [minutes(plan, w) for w in range(4)] == pytest.approx([5, 7, 9, 11], abs=DOSE)
    assert plan.weeks[4].prescription.setting == "overground"
    assert rules(plan)[4] == "move-up-a-level"
    assert max(levels) >= 2


def test_beginner_steps_back_a_level_on_pain(catalogue: Catalogue) -> None:
    weeks = [COMFORTABLE] * 4 + [Week(pain_before=1, pain_after=6)]
    plan = run(catalogue, "beginner", weeks, today=date(2026, 6, 1))
    assert plan.weeks[4].prescription.level == 1
    assert plan.weeks[5].prescription.level == 0
    assert rules(plan)[5] == "step-back-a-level"


def test_weeks_not_yet_ended_are_not_decided(catalogue: Catalogue) -> None:
    program: Program = catalogue.program("knee-oa")
    logged = history(program, START, [COMFORTABLE])
    plan = build_plan(program, catalogue.rules_for(program), START, logged, date(2026, 1, 14))
    assert [w.status for w in plan.weeks] == [
        "done",
        "current",
        "future",
        "future",
        "future",
        "future",
    ]
    assert plan.weeks[1].decision is not None and plan.weeks[2].decision is None
    assert plan.adherence().due == 5  # Mon, Wed, Fri of week 1; Mon, Wed of week 2


def test_screening_restrictions_keep_a_person_off_forbidden_levels(catalogue: Catalogue) -> None:
    program = catalogue.program("beginner")
    logged = history(program, START, [COMFORTABLE] * 20)
    restricted = build_plan(
        program,
        catalogue.rules_for(program),
        START,
        logged,
        date(2026, 8, 1),
        ("handrails-or-spotter", "no-deadmill", "no-sled"),
    )
    free = build_plan(program, catalogue.rules_for(program), START, logged, date(2026, 8, 1))
    assert max(w.prescription.level for w in free.weeks) == 4  # reaches the sled
    levels = [w.prescription.level for w in restricted.weeks]
    assert max(levels) == 2  # incline on the treadmill with handrails, never the deadmill
    blocked = [w.decision for w in restricted.weeks if w.decision and w.decision.messages]
    assert any("needs clearance" in m for d in blocked for m in d.messages)


def test_effort_guided_speed_steps_by_ten_percent_at_the_longest_session(
    catalogue: Catalogue,
) -> None:
    program = catalogue.program("fitness")
    longest = replace(program.first_prescription, duration_s=30 * 60)
    rule_set = catalogue.rules_for(program)
    summary = WeekSummary(0, {"completion": 1.0, "rpe_mean": 4.0, "rpe_missing": 0.0,
                              "pain_after_max": 1.0, "pain_increase_max": 0.0})
    decision = decide(program, rule_set, longest, summary)
    assert decision.rule == "progress-speed-at-longest"
    assert decision.prescription.speed_m_s == pytest.approx(
        (longest.speed_m_s or 0) * 1.1, rel=1e-12
    )


def test_staged_programs_do_not_progress_without_pain_and_effort(catalogue: Catalogue) -> None:
    silent = Week(pain_before=None, pain_after=None, rpe=None)
    plan = run(catalogue, "beginner", [silent] * 6, today=date(2026, 6, 1))
    assert {w.prescription.level for w in plan.weeks[:6]} == {0}
    assert minutes(plan, 5) == pytest.approx(minutes(plan, 0), abs=DOSE)
    assert rules(plan)[1] == "hold-without-pain-reports"
    assert any("Record your pain" in m for m in plan.weeks[1].decision.messages)  # type: ignore[union-attr]
    no_rpe = run(catalogue, "balance", [Week(rpe=None)] * 3, today=date(2026, 6, 1))
    assert rules(no_rpe)[1] == "hold-without-effort-reports"


def test_a_fall_steps_back_and_flags_the_clinician(catalogue: Catalogue) -> None:
    for program_id in ("knee-oa", "fitness", "beginner"):
        program = catalogue.program(program_id)
        logged = history(program, START, [COMFORTABLE] * 5)
        fell = logged[10]  # a session of week 4
        logged[10] = replace(fell, safety_event="fall")
        plan = build_plan(program, catalogue.rules_for(program), START, logged, date(2026, 6, 1))
        week = plan.weeks[(fell.on - START).days // 7 + 1]
        assert week.decision is not None and week.decision.rule == "step-back-after-fall"
        assert week.decision.flagged and plan.flags == (week,)
        before = plan.weeks[week.week - 1].prescription
        assert week.prescription.duration_s < before.duration_s or (
            week.prescription.level < before.level
        )


def test_a_near_fall_holds_the_dose(catalogue: Catalogue) -> None:
    program = catalogue.program("knee-oa")
    logged = history(program, START, [COMFORTABLE] * 3)
    logged[4] = replace(logged[4], safety_event="near-fall")
    plan = build_plan(program, catalogue.rules_for(program), START, logged, date(2026, 6, 1))
    assert rules(plan)[2] == "hold-after-near-fall"
    assert plan.weeks[2].prescription == plan.weeks[1].prescription
