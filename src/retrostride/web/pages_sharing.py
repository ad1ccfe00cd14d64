"""Sharing (an athlete invites a clinician, either side ends a grant) and the clinician's view
of the athletes who shared with them. The sharing service decides; the pages only ask it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from retrostride.api.accounts.dependencies import Rules
from retrostride.api.database import AppDatabase, Db, ReadDb
from retrostride.api.principal import Principal
from retrostride.api.sessions import queries
from retrostride.services import accounts as account_service
from retrostride.services import sharing as service
from retrostride.services import stats
from retrostride.store.accounts import AccountRow
from retrostride.web.auth import PageError, PagePrincipal, page_subject, prefs_of, redirect, render
from retrostride.web.pages_program import program_state
from retrostride.web.prefs import Formatter

router = APIRouter(include_in_schema=False)


def _names(db: Any, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {
        a.id: (a.display_name or a.email)
        for a in db.scalars(select(AccountRow).where(AccountRow.id.in_(ids)))
    }


def _sharing_page(
    request: Request, principal: Principal, db: Any, *, created: dict[str, str] | None = None,
    errors: dict[str, str] | None = None, code: str = "", status_code: int = 200,
) -> Response:
    grants = service.list_grants(db, principal.account_id)
    names = _names(db, {g.athlete_id for g in grants} | {g.clinician_id for g in grants})
    invites = service.list_invites(db, principal.account_id) if principal.role == "athlete" else []
    return render(
        request, "sharing.html", principal, title="Sharing", grants=grants, names=names,
        invites=invites, created=created, errors=errors or {}, values={"code": code},
        status_code=status_code,
    )


@router.get("/sharing")
def sharing_page(request: Request, principal: PagePrincipal, db: Db) -> Response:
    return _sharing_page(request, principal, db)


@router.get("/share/accept")
def accept_page(request: Request, principal: PagePrincipal, db: Db, code: str = "") -> Response:
    """Where an invitation link leads: a clinician confirms; an athlete is told why not."""
    errors = {}
    if principal.role != "clinician":
        errors["code"] = "Only a clinician account accepts an invitation: log in as the clinician."
    return _sharing_page(request, principal, db, code=code[:100], errors=errors)


@router.post("/share/accept")
async def accept_post(
    request: Request, principal: PagePrincipal, db: Db, rules: Rules
) -> Response:
    """The invitation page's form posts here: the same as redeeming on the sharing page."""
    return await sharing_action(request, principal, db, rules)


@router.post("/sharing")
async def sharing_action(
    request: Request, principal: PagePrincipal, db: Db, rules: Rules
) -> Response:
    form = await request.form()
    action = str(form.get("action", ""))
    account = db.get(AccountRow, principal.account_id)
    if account is None:
        raise PageError(401, "the account no longer exists")
    if action == "invite":
        if account.role != "athlete":
            raise PageError(403, "Only an athlete account shares its own data.")
        row, code = service.create_invite(
            db, rules, account, can_write=form.get("can_write") == "on"
        )
        db.commit()
        created = {"code": code, "link": service.invite_link(rules, code),
                   "expires": str(row.expires_at)}
        return _sharing_page(request, principal, db, created=created)
    if action == "redeem":
        code = str(form.get("code", "")).strip()[:100]
        try:
            if not code:
                raise account_service.InvalidToken("enter the code the athlete gave you")
            service.redeem_invite(db, account, code)
        except (service.SharingRefused, account_service.InvalidToken) as exc:
            db.rollback()
            return _sharing_page(request, principal, db, code=code,
                                 errors={"code": str(exc).capitalize() + "."}, status_code=422)
        db.commit()
        return redirect("/clinic")
    if action in ("end", "revoke"):
        try:
            target = int(str(form.get("id", "")))
        except ValueError:
            raise PageError(404, "There is no such grant.") from None
        done = (
            service.end_grant(db, account.id, target)
            if action == "end"
            else service.revoke_invite(db, account.id, target)
        )
        if not done:
            raise PageError(404, "There is no such grant or invitation.")
        db.commit()
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
    for grant in service.list_grants(db, principal.account_id):
        if grant.clinician_id != principal.account_id:
            continue
        subject = page_subject(db, principal, str(grant.athlete_id))
        names = _names(db, {grant.athlete_id})
        weeks = stats.log_totals(database, stats.Period.WEEK, subject.person_name)
        week = next((w for w in weeks if w.first_day == monday), None)
        latest = queries.session_page(db, subject.person_id, limit=1, offset=0, newest_first=True)
        state = program_state(database, subject.person_name, fmt.today())
        rows.append({
            "program": state.status.enrolment.program.title if state else None,
            "adherence": state.status.adherence.fraction if state else None,
            "grant": grant, "name": names.get(grant.athlete_id, ""),
            "backward_s": week.backward_s if week else 0.0,
            "sessions": latest["total"],
            "latest": latest["items"][0]["start_utc"] if latest["items"] else None,
        })
    return render(request, "clinic.html", principal, title="My athletes", rows=rows)
