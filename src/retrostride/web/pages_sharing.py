"""Sharing (an athlete invites a clinician, either side ends a grant) and the clinician's view
of the athletes who shared with them. The sharing service decides; the pages only ask it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from retrostride.api.database import AppDatabase, ReadDb
from retrostride.api.principal import Principal, Rules
from retrostride.services import accounts as account_service
from retrostride.services import sessions as sessions_service
from retrostride.services import sharing as service
from retrostride.services import stats
from retrostride.web.auth import PageError, PagePrincipal, page_subject, prefs_of, redirect, render
from retrostride.web.pages_program import program_state
from retrostride.web.prefs import Formatter

router = APIRouter(include_in_schema=False)


def _sharing_page(
    request: Request, principal: Principal, database: Any, *, created: dict[str, str] | None = None,
    errors: dict[str, str] | None = None, code: str = "", status_code: int = 200,
) -> Response:
    grants = service.list_grants(database, principal.account_id)
    names = {g.athlete_id: g.athlete_name for g in grants}
    names |= {g.clinician_id: g.clinician_name for g in grants}
    invites = (
        service.list_invites(database, principal.account_id) if principal.role == "athlete" else []
    )
    return render(
        request, "sharing.html", principal, title="Sharing", grants=grants, names=names,
        invites=invites, created=created, errors=errors or {}, values={"code": code},
        status_code=status_code,
    )


@router.get("/sharing")
def sharing_page(request: Request, principal: PagePrincipal, database: AppDatabase) -> Response:
    return _sharing_page(request, principal, database)


@router.get("/share/accept")
def accept_page(
    request: Request, principal: PagePrincipal, database: AppDatabase, code: str = ""
) -> Response:
    """Where an invitation link leads: a clinician confirms; an athlete is told why not."""
    errors = {}
    if principal.role != "clinician":
        errors["code"] = "Only a clinician account accepts an invitation: log in as the clinician."
    return _sharing_page(request, principal, database, code=code[:100], errors=errors)


@router.post("/share/accept")
async def accept_post(
    request: Request, principal: PagePrincipal, database: AppDatabase, rules: Rules
) -> Response:
    """The invitation page's form posts here: the same as redeeming on the sharing page."""
    return await sharing_action(request, principal, database, rules)


@router.post("/sharing")
async def sharing_action(
    request: Request, principal: PagePrincipal, database: AppDatabase, rules: Rules
) -> Response:
    form = await request.form()
    action = str(form.get("action", ""))
    if action == "invite":
        if principal.role != "athlete":
            raise PageError(403, "Only an athlete account shares its own data.")
        invite, code = await run_in_threadpool(
            lambda: service.create_invite(
                database, rules, principal.account_id, can_write=form.get("can_write") == "on"
            )
        )
        created = {"code": code, "link": service.invite_link(rules, code),
                   "expires": str(invite.expires_at)}
        return _sharing_page(request, principal, database, created=created)
    if action == "redeem":
        code = str(form.get("code", "")).strip()[:100]
        try:
            if not code:
                raise account_service.InvalidToken("enter the code the athlete gave you")
            await run_in_threadpool(service.redeem_invite, database, principal.account_id, code)
        except (service.SharingRefused, account_service.InvalidToken) as exc:
            return _sharing_page(request, principal, database, code=code,
                                 errors={"code": str(exc).capitalize() + "."}, status_code=422)
        return redirect("/clinic")
    if action in ("end", "revoke"):
        try:
            target = int(str(form.get("id", "")))
        except ValueError:
            raise PageError(404, "There is no such grant.") from None
        end = service.end_grant if action == "end" else service.revoke_invite
        if not await run_in_threadpool(end, database, principal.account_id, target):
            raise PageError(404, "There is no such grant or invitation.")
        return redirect("/sharing")
    raise PageError(422, f"unknown action {action!r}")


@router.get("/clinic")
def clinic(
    request: Request, principal: PagePrincipal, db: ReadDb, database: AppDatabase
) -> Response:
    """The athletes who shared with this clinician, with this week's backward minutes."""
    if principal.role != "clinician":
        return redirect("/sharing")
    fmt = Formatter(prefs_of(request))
    monday = fmt.today() - timedelta(days=fmt.today().weekday())
    rows = []
    for grant in service.list_grants(database, principal.account_id):
        if grant.clinician_id != principal.account_id:
            continue
        subject = page_subject(db, principal, str(grant.athlete_id))
        weeks = stats.log_totals(
            database, stats.Period.WEEK, subject.person_name, since=monday
        )
        week = next((w for w in weeks if w.first_day == monday), None)
        latest = sessions_service.session_page(database, subject.person_id, limit=1)
        state = program_state(database, subject.person_name, fmt.today())
        rows.append({
            "program": state.status.enrolment.program.title if state else None,
            "adherence": state.status.adherence.fraction if state else None,
            "grant": grant, "name": grant.athlete_name,
            "backward_s": week.backward_s if week else 0.0,
            "sessions": latest.total,
            "latest": latest.items[0].start_utc if latest.items else None,
        })
    return render(request, "clinic.html", principal, title="My athletes", rows=rows)
