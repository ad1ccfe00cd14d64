"""``retrostride demo``: a made-up athlete and clinician, so that a newcomer sees a living app.

Everything is GENERATED here with a seeded random generator and the toolkit's own model and
services: treadmill and park sessions with synthetic samples (speed, heart rate, cadence and,
outdoors, a made-up loop), a knee-osteoarthritis program in progress logged week by week at the
prescription its rules give, assessments improving over the weeks, and a sharing grant. No real
person's trace or file is used. Runs only when asked; an ordinary start creates no account.
"""

from __future__ import annotations

import math
import secrets
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

import numpy as np
import typer
from rich.table import Table

from retrostride.cli.log import DatabaseOption, console, opened
from retrostride.errors import InputError
from retrostride.log.model import BodyMass, Samples, Segment, Session, Sex
from retrostride.science.energy import Conditions, estimate
from retrostride.science.locomotion import Direction, Setting
from retrostride.services import accounts as account_service
from retrostride.services import assessments as assess_service
from retrostride.services import log as log_service
from retrostride.services import programs as program_service
from retrostride.services import sharing as sharing_service
from retrostride.services.database import Database

ATHLETE_EMAIL = "demo-athlete@example.org"
CLINICIAN_EMAIL = "demo-clinician@example.org"
ZONE = "Europe/London"
PROGRAM = "knee-oa"
LOOP_CENTRE_DEG = (51.0, -1.0)
"""Centre of the made-up park loop (a circle of our own, not a recorded route)."""


def _block(
    rng: np.random.Generator, seconds: int, speed_m_s: float, direction: str,
    hr_start: float, hr_steady: float, noise_m_s: float,
) -> dict[str, np.ndarray]:
    """One stretch at 1 Hz: speed with noise, heart rate rising towards ``hr_steady``, cadence.

    Heart rate follows a first-order response (time constant 45 s); backward cadence is higher
    and steps shorter than forward at the same speed (made-up but plausible values).
    """
    t = np.arange(seconds, dtype=float)
    speed = np.clip(speed_m_s + rng.normal(0.0, noise_m_s, seconds), 0.05, None)
    hr = hr_steady + (hr_start - hr_steady) * np.exp(-t / 45.0) + rng.normal(0, 1.5, seconds)
    step_m = (0.42 if direction == "backward" else 0.68) * (0.6 + 0.4 * speed_m_s / 1.4)
    cadence = 60.0 * speed / step_m + rng.normal(0, 2.0, seconds)
    return {"speed": speed, "hr": hr, "cadence": cadence}


def synthetic_session(
    rng: np.random.Generator, start_local: datetime, plan: list[tuple[int, float, str]], *,
    setting: Setting, mass_kg: float, title: str, outdoors: bool,
) -> Session:
    """A session of stretches ``(seconds, speed [m/s], direction)`` with 1 Hz synthetic samples."""
    parts: dict[str, list[np.ndarray]] = {"speed": [], "hr": [], "cadence": []}
    segments: list[Segment] = []
    offset, hr = 0, 74.0
    for seconds, speed_m_s, direction in plan:
        met = estimate(
            Conditions(speed_m_s=speed_m_s, direction=direction, setting=setting,
                       body_mass_kg=mass_kg, gait="walk")
        ).met
        steady = 62.0 + 11.0 * met
        block = _block(rng, seconds, speed_m_s, direction, hr, steady,
                       0.08 if outdoors else 0.015)
        for key in parts:
            parts[key].append(block[key])
        hr = float(block["hr"][-1])
        segments.append(
            Segment(
                start_offset_s=float(offset), elapsed_s=float(seconds), moving_s=float(seconds),
                distance_m=float(block["speed"].sum()), direction=Direction(direction),
                speed_m_s=float(block["speed"].mean()),
                grade_percent=0.0, heart_rate_bpm=float(block["hr"].mean()),
                cadence_spm=float(block["cadence"].mean()),
            )
        )
        offset += seconds
    speed = np.concatenate(parts["speed"])
    t = np.arange(speed.size, dtype=float)
    distance = np.cumsum(speed)
    samples = Samples(
        time_s=t, distance_m=distance, speed_m_s=speed,
        heart_rate_bpm=np.round(np.concatenate(parts["hr"])),
        cadence_spm=np.round(np.concatenate(parts["cadence"])),
    )
    if outdoors:
        radius_m = 180.0
        angle = distance / radius_m
        wobble = 1.0 + 0.08 * np.sin(3 * angle)
        lat0, lon0 = LOOP_CENTRE_DEG
        samples.latitude_deg = lat0 + radius_m * wobble * np.sin(angle) / 110_574.0
        samples.longitude_deg = lon0 + radius_m * wobble * np.cos(angle) / (
            111_320.0 * math.cos(math.radians(lat0))
        )
    start_utc = start_local.astimezone(UTC)
    offset_s = start_local.utcoffset()
    return Session(
        sport="walking", start_utc=start_utc,
        utc_offset_s=int(offset_s.total_seconds()) if offset_s else 0,
        elapsed_s=float(t.size), moving_s=float(t.size), distance_m=float(distance[-1]),
        setting=setting, surface="grass" if outdoors else None, title=title,
        segments=segments, samples=samples, device="retrostride demo generator",
    )


def _treadmill_plan(minutes: float, speed_m_s: float) -> list[tuple[int, float, str]]:
    return [(120, 0.97, "forward"), (int(minutes * 60), speed_m_s, "backward"),
            (120, 0.97, "forward")]


def _park_plan(rounds: int) -> list[tuple[int, float, str]]:
    plan: list[tuple[int, float, str]] = []
    for _ in range(rounds):
        plan += [(180, 1.25, "forward"), (240, 0.75, "backward")]
    return plan


def _make_accounts(
    database: Database, rules: account_service.AccountRules, replace: bool
) -> tuple[
    account_service.Account, account_service.Account, str, str
]:
    existing = account_service.find_account_ids(database, [ATHLETE_EMAIL, CLINICIAN_EMAIL])
    if existing and not replace:
        raise InputError("--replace", "(not given)",
                         "--replace to recreate the demo accounts that already exist here")
    for account_id in existing:
        account_service.delete_account(database, account_id)
    athlete_pw, clinician_pw = secrets.token_urlsafe(12), secrets.token_urlsafe(12)
    athlete = account_service.register(database, rules, email=ATHLETE_EMAIL, password=athlete_pw,
                                       role="athlete", display_name="Robin Demo (made up)")
    clinician = account_service.register(database, rules, email=CLINICIAN_EMAIL,
                                         password=clinician_pw, role="clinician",
                                         display_name="Dr Sam Demo (made up)")
    return athlete, clinician, athlete_pw, clinician_pw


def fill_demo(database: Database, *, today: date, seed: int = 7, replace: bool = False) -> dict[
    str, str
]:
    """Create the demo accounts and their data; returns the logins (e-mail -> password)."""
    from retrostride.api.app import account_rules
    from retrostride.api.settings import Settings

    rules = account_rules(Settings())
    athlete, clinician, athlete_pw, clinician_pw = _make_accounts(database, rules, replace)
    code = sharing_service.create_invite(database, rules, athlete.id, can_write=False)[1]
    sharing_service.redeem_invite(database, clinician.id, code)
    person_name = _person_name(database, athlete)
    rng = np.random.default_rng(seed)
    mass_kg = 74.0
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=4)
    log_service.update_profile(
        database,
        log_service.ProfileChanges(
            home_time_zone=ZONE, height_m=1.68, birth_year=1961, sex=Sex.FEMALE,
            add_mass=BodyMass(start - timedelta(days=3), mass_kg),
        ),
        person_name,
    )
    answers = {q.id: False for q in program_service.screening_questions()}
    program_service.enrol(database, PROGRAM, start, answers, person=person_name)
    zone = ZoneInfo(ZONE)
    day = start
    skipped = {start + timedelta(days=9)}  # one missed session, as in life
    while day < today:
        if day.weekday() in (0, 2, 4) and day not in skipped:
            p = program_service.today(database, person=person_name, day=day).prescription
            speed = p.speed_m_s or 0.56
            session = synthetic_session(
                rng, datetime.combine(day, time(10, 5), zone), _treadmill_plan(
                    p.duration_s / 60, speed), setting=Setting.TREADMILL, mass_kg=mass_kg,
                title="Treadmill, backward block", outdoors=False,
            )
            week = (day - start).days // 7
            session.rpe = float(max(3, 5 - week // 2))
            session.pain_before = float(max(1, 5 - week))
            session.pain_after = float(max(1, 5 - week))
            log_service.add_session(database, session, person_name)
        if day.weekday() == 5:
            session = synthetic_session(
                rng, datetime.combine(day, time(9, 30), zone), _park_plan(3),
                setting=Setting.OVERGROUND, mass_kg=mass_kg, title="Park loop, mixed",
                outdoors=True,
            )
            session.rpe = 4.0
            log_service.add_session(database, session, person_name)
        day += timedelta(days=1)
    series = {
        "nrs_pain": (6.0, 4.5, 3.0), "womac_pain": (11.0, 9.0, 7.0),
        "tug": (11.8, 10.9, 10.1), "six_minute_walk": (410.0, 438.0, 466.0),
    }
    for i, when in enumerate((start, start + timedelta(weeks=2), start + timedelta(weeks=4))):
        if when > today:
            continue
        for measure, values in series.items():
            assess_service.add_assessment(database, measure, when, values[i], person=person_name)
    return {ATHLETE_EMAIL: athlete_pw, CLINICIAN_EMAIL: clinician_pw}


def _person_name(database: Database, athlete: account_service.Account) -> str:
    name = account_service.person_name(database, athlete.id)
    assert name is not None
    return name


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(
        database: DatabaseOption = None,
        replace: Annotated[
            bool, typer.Option("--replace", help="Delete and recreate existing demo accounts.")
        ] = False,
        seed: Annotated[int, typer.Option("--seed", help="Seed of the generator.")] = 7,
    ) -> None:
        """Fill the database with a MADE-UP athlete and clinician (generated sessions, a program
        in progress, assessments, a sharing grant) and print their logins."""
        with opened(database) as db, console.status("generating the demo athlete's weeks..."):
            logins = fill_demo(db, today=date.today(), seed=seed, replace=replace)
        table = Table("role", "e-mail", "password", title="Demo logins (made-up people)")
        table.add_row("athlete", ATHLETE_EMAIL, logins[ATHLETE_EMAIL])
        table.add_row("clinician", CLINICIAN_EMAIL, logins[CLINICIAN_EMAIL])
        console.print(table)
        console.print("Start the app with `retrostride serve --insecure-cookies` and open "
                      "http://127.0.0.1:8000 (same --database).")
