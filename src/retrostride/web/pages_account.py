"""Account settings: units and time zone, display name, export of everything, deletion."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from retrostride.api.database import AppDatabase
from retrostride.api.principal import CSRF_COOKIE, SESSION_COOKIE, Principal, Rules
from retrostride.errors import InputError
from retrostride.log.model import BodyMass, Sex
from retrostride.science import units
from retrostride.services import accounts as account_service
from retrostride.services import log as log_service
from retrostride.services.preferences import Preferences, set_preferences
from retrostride.web.auth import PageError, PagePrincipal, prefs_of, redirect, render
from retrostride.web.prefs import (
    DATE_FORMATS,
    MASS_UNITS,
    PREFS_COOKIE,
    SPEED_UNITS,
    Formatter,
    valid_zone,
    zone_names,
)

router = APIRouter(include_in_schema=False)
ONE_YEAR_S = 365 * 24 * 3600


def _settings_page(
    request: Request, principal: Principal, account: account_service.Account, *,
    errors: dict[str, str] | None = None, values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    prefs = prefs_of(request)
    shown = {
        "speed_unit": prefs.speed_unit, "mass_unit": prefs.mass_unit,
        "time_zone": prefs.time_zone, "display_name": account.display_name,
        "date_format": prefs.date_format,
    }
    shown.update(values or {})
    profile = None
    if principal.person_name is not None:
        profile = log_service.get_person(request.app.state.database, principal.person_name)
        latest = max(profile.body_mass, key=lambda m: m.on) if profile.body_mass else None
        shown.setdefault("mass", f"{Formatter(prefs).mass_value(latest.mass_kg):.1f}"
                         if latest else "")
        shown.setdefault("height_cm", f"{profile.height_m * 100:.0f}" if profile.height_m else "")
        shown.setdefault("birth_year", str(profile.birth_year or ""))
        shown.setdefault("sex", profile.sex.value if profile.sex else "")
    return render(
        request, "settings.html", principal, title="Settings", account=account, values=shown,
        profile=profile,
        errors=errors or {}, zones=zone_names(), speed_units=SPEED_UNITS, mass_units=MASS_UNITS,
        saved=request.query_params.get("saved") == "1", status_code=status_code,
        zone_proposed=getattr(request.state, "account_prefs", None) is not None
        and request.state.account_prefs.time_zone is None,
    )


def _account(database: Any, principal: Principal) -> account_service.Account:
    try:
        return account_service.get_account(database, principal.account_id)
    except account_service.AccountGone:
        raise PageError(401, "the account no longer exists") from None


@router.get("/settings")
def settings_page(request: Request, principal: PagePrincipal, database: AppDatabase) -> Response:
    return _settings_page(request, principal, _account(database, principal))


@router.post("/settings")
async def settings_save(
    request: Request, principal: PagePrincipal, database: AppDatabase
) -> Response:
    account = _account(database, principal)
    form = await request.form()
    values = {k: str(v)[:200] for k, v in form.items() if k != "csrf_token"}
    errors: dict[str, str] = {}
    if values.get("speed_unit") not in SPEED_UNITS:
        errors["speed_unit"] = "Choose km/h or mph."
    if values.get("mass_unit") not in MASS_UNITS:
        errors["mass_unit"] = "Choose kg or lb."
    zone = values.get("time_zone", "").strip()
    if not valid_zone(zone):
        errors["time_zone"] = (
            f"{zone!r} is not a time zone: choose one from the list, such as Europe/Paris."
        )
    date_format = values.get("date_format") or "day-month"
    if date_format not in DATE_FORMATS:
        errors["date_format"] = "Choose one of the two date formats."
    if errors:
        return _settings_page(request, principal, account, errors=errors, values=values,
                              status_code=422)
    await run_in_threadpool(
        account_service.set_display_name, database, principal.account_id,
        values.get("display_name", ""),
    )
    with database.transaction() as tx:  # a short write (one writer at a time on SQLite)
        set_preferences(tx, principal.account_id, Preferences(
            values["speed_unit"], values["mass_unit"], zone, date_format))
    if principal.person_name is not None:
        await run_in_threadpool(
            log_service.update_profile, database,
            log_service.ProfileChanges(home_time_zone=zone), principal.person_name,
        )
    response = redirect("/settings?saved=1")
    response.delete_cookie(PREFS_COOKIE, path="/")  # the account's choices replace it
    return response


@router.post("/settings/profile")
async def profile_save(
    request: Request, principal: PagePrincipal, database: AppDatabase
) -> Response:
    """What the energy engine needs of an athlete: body mass (today), height, birth year, sex."""
    account = _account(database, principal)
    if principal.person_name is None:
        raise PageError(404, "A clinician account keeps no training profile.")
    form = await request.form()
    values = {k: str(v)[:64].strip() for k, v in form.items() if k != "csrf_token"}
    prefs = prefs_of(request)
    errors: dict[str, str] = {}
    changes = log_service.ProfileChanges()
    mass, height, year, sex = (values.get(k, "") for k in ("mass", "height_cm", "birth_year",
                                                            "sex"))
    try:
        if mass:
            changes.add_mass = BodyMass(
                Formatter(prefs).today(), units.parse_mass_kg(f"{mass} {prefs.mass_unit}")
            )
    except InputError:
        errors["mass"] = f"{mass!r} is not accepted: expected a body mass such as 70."
    try:
        if height:
            changes.height_m = units.parse_length_m(f"{height} cm")
    except InputError:
        errors["height_cm"] = f"{height!r} is not accepted: expected centimetres, such as 172."
    if year:
        if year.isdigit():
            changes.birth_year = int(year)
        else:
            errors["birth_year"] = f"{year!r} is not accepted: expected a year such as 1961."
    if sex:
        if sex in ("female", "male"):
            changes.sex = Sex(sex)
        else:
            errors["sex"] = "Choose female, male or not given."
    if not errors:
        try:
            await run_in_threadpool(log_service.update_profile, database, changes,
                                    principal.person_name)
        except InputError as exc:
            field = {"body_mass_kg": "mass", "height_m": "height_cm",
                     "birth_year": "birth_year"}.get(exc.field, "mass")
            errors[field] = f"{exc.value_text} is not accepted: expected {exc.expected}."
    if errors:
        return _settings_page(request, principal, account, errors=errors, values=values,
                              status_code=422)
    return redirect("/settings?saved=1")


@router.post("/settings/delete")
async def delete_account(
    request: Request, principal: PagePrincipal, database: AppDatabase, rules: Rules
) -> Response:
    """Delete the account and all its data, once the password confirms it."""
    account = _account(database, principal)
    form = await request.form()
    password = str(form.get("password", ""))
    try:
        await run_in_threadpool(
            account_service.verify_password, database, rules, principal.account_id, password
        )
    except account_service.AccountError:
        return _settings_page(
            request, principal, account, status_code=422,
            errors={"password": "The password is wrong: the account was NOT deleted."},
        )
    await run_in_threadpool(account_service.delete_account, database, principal.account_id)
    response = redirect("/login?deleted=1")
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response
