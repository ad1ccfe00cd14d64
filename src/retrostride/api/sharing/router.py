"""Routes of the sharing domain: ``/api/sharing/...``."""

from __future__ import annotations

from fastapi import APIRouter, status
from sqlalchemy import select

from retrostride.api.accounts.dependencies import Rules
from retrostride.api.database import Db
from retrostride.api.errors import NotFound
from retrostride.api.params import ObjectId
from retrostride.api.principal import CurrentPrincipal
from retrostride.api.sharing.dependencies import AthleteAccount, ClinicianAccount
from retrostride.api.sharing.schemas import (
    GrantOut,
    GrantPatch,
    InviteCreated,
    InviteIn,
    InviteOut,
    RedeemIn,
)
from retrostride.services import sharing as service
from retrostride.store.accounts import AccountRow, ShareGrantRow, ShareInviteRow

router = APIRouter(prefix="/api/sharing", tags=["sharing"])


def _invite_out(row: ShareInviteRow) -> InviteOut:
    return InviteOut(
        id=row.id, can_write=row.can_write, created_at=row.created_at, expires_at=row.expires_at
    )


def _grants_out(db: Db, rows: list[ShareGrantRow]) -> list[GrantOut]:
    ids = {r.athlete_id for r in rows} | {r.clinician_id for r in rows}
    names = {
        a.id: (a.display_name or a.email)
        for a in db.scalars(select(AccountRow).where(AccountRow.id.in_(ids)))
    } if ids else {}
    return [
        GrantOut(
            id=r.id,
            athlete_id=r.athlete_id,
            athlete_name=names.get(r.athlete_id, ""),
            clinician_id=r.clinician_id,
            clinician_name=names.get(r.clinician_id, ""),
            can_write=r.can_write,
            created_at=r.created_at,
        )
        for r in rows
    ]


@router.post("/invites", status_code=status.HTTP_201_CREATED)
def create_invite(body: InviteIn, athlete: AthleteAccount, db: Db, rules: Rules) -> InviteCreated:
    """An athlete invites a clinician: a one-use code (and a link carrying it)."""
    row, code = service.create_invite(db, rules, athlete, can_write=body.can_write)
    db.commit()
    return InviteCreated(
        **_invite_out(row).model_dump(), code=code, link=service.invite_link(rules, code)
    )


@router.get("/invites")
def list_invites(athlete: AthleteAccount, db: Db) -> list[InviteOut]:
    """The athlete's open invitations (their codes are not kept)."""
    return [_invite_out(r) for r in service.list_invites(db, athlete.id)]


@router.delete("/invites/{invite_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_invite(invite_id: ObjectId, athlete: AthleteAccount, db: Db) -> None:
    """Withdraw an invitation before it is accepted."""
    if not service.revoke_invite(db, athlete.id, invite_id):
        raise NotFound(f"no invitation {invite_id}")
    db.commit()


@router.post("/redeem", status_code=status.HTTP_201_CREATED)
def redeem(body: RedeemIn, clinician: ClinicianAccount, db: Db) -> GrantOut:
    """A clinician accepts an invitation code; they then see that athlete (and only them)."""
    grant = service.redeem_invite(db, clinician, body.code)
    db.commit()
    return _grants_out(db, [grant])[0]


@router.get("/grants")
def list_grants(principal: CurrentPrincipal, db: Db) -> list[GrantOut]:
    """Grants where the caller is the athlete or the clinician."""
    return _grants_out(db, service.list_grants(db, principal.account_id))


@router.patch("/grants/{grant_id}")
def patch_grant(grant_id: ObjectId, body: GrantPatch, athlete: AthleteAccount, db: Db) -> GrantOut:
    """The athlete makes a grant read-only or lets the clinician change data."""
    if not service.set_grant_write(db, athlete.id, grant_id, body.can_write):
        raise NotFound(f"no grant {grant_id}")
    db.commit()
    grant = db.get(ShareGrantRow, grant_id)
    assert grant is not None
    return _grants_out(db, [grant])[0]


@router.delete("/grants/{grant_id}", status_code=status.HTTP_204_NO_CONTENT)
def end_grant(grant_id: ObjectId, principal: CurrentPrincipal, db: Db) -> None:
    """Either side ends the grant; from the next request on, the clinician sees nothing."""
    if not service.end_grant(db, principal.account_id, grant_id):
        raise NotFound(f"no grant {grant_id}")
    db.commit()
