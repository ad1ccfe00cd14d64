"""Routes of the sharing domain: ``/api/sharing/...``."""

from __future__ import annotations

from fastapi import APIRouter, status

from retrostride.api.accounts.dependencies import Rules
from retrostride.api.database import AppDatabase
from retrostride.api.errors import NotFound
from retrostride.api.params import ObjectId
from retrostride.api.principal import CurrentPrincipal
from retrostride.api.responses import errors
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
from retrostride.services.sharing import Grant, Invite

router = APIRouter(
    prefix="/api/sharing", tags=["sharing"], responses=errors(400, 401, 403, 404, 422)
)


def _invite_out(invite: Invite) -> InviteOut:
    return InviteOut(
        id=invite.id,
        can_write=invite.can_write,
        created_at=invite.created_at,
        expires_at=invite.expires_at,
    )


def _grant_out(g: Grant) -> GrantOut:
    return GrantOut(
        id=g.id,
        athlete_id=g.athlete_id,
        athlete_name=g.athlete_name,
        clinician_id=g.clinician_id,
        clinician_name=g.clinician_name,
        can_write=g.can_write,
        created_at=g.created_at,
    )


@router.post("/invites", status_code=status.HTTP_201_CREATED)
def create_invite(
    body: InviteIn, athlete: AthleteAccount, database: AppDatabase, rules: Rules
) -> InviteCreated:
    """An athlete invites a clinician: a one-use code (and a link carrying it)."""
    invite, code = service.create_invite(database, rules, athlete.id, can_write=body.can_write)
    return InviteCreated(
        **_invite_out(invite).model_dump(), code=code, link=service.invite_link(rules, code)
    )


@router.get("/invites")
def list_invites(athlete: AthleteAccount, database: AppDatabase) -> list[InviteOut]:
    """The athlete's open invitations (their codes are not kept)."""
    return [_invite_out(r) for r in service.list_invites(database, athlete.id)]


@router.delete("/invites/{invite_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_invite(invite_id: ObjectId, athlete: AthleteAccount, database: AppDatabase) -> None:
    """Withdraw an invitation before it is accepted."""
    if not service.revoke_invite(database, athlete.id, invite_id):
        raise NotFound(f"no invitation {invite_id}")


@router.post("/redeem", status_code=status.HTTP_201_CREATED)
def redeem(body: RedeemIn, clinician: ClinicianAccount, database: AppDatabase) -> GrantOut:
    """A clinician accepts an invitation code; they then see that athlete (and only them)."""
    return _grant_out(service.redeem_invite(database, clinician.id, body.code))


@router.get("/grants")
def list_grants(principal: CurrentPrincipal, database: AppDatabase) -> list[GrantOut]:
    """Grants where the caller is the athlete or the clinician."""
    return [_grant_out(g) for g in service.list_grants(database, principal.account_id)]


@router.patch("/grants/{grant_id}")
def patch_grant(
    grant_id: ObjectId, body: GrantPatch, athlete: AthleteAccount, database: AppDatabase
) -> GrantOut:
    """The athlete makes a grant read-only or lets the clinician change data."""
    grant = service.set_grant_write(database, athlete.id, grant_id, body.can_write)
    if grant is None:
        raise NotFound(f"no grant {grant_id}")
    return _grant_out(grant)


@router.delete("/grants/{grant_id}", status_code=status.HTTP_204_NO_CONTENT)
def end_grant(grant_id: ObjectId, principal: CurrentPrincipal, database: AppDatabase) -> None:
    """Either side ends the grant; from the next request on, the clinician sees nothing."""
    if not service.end_grant(database, principal.account_id, grant_id):
        raise NotFound(f"no grant {grant_id}")
