"""Dependencies of the sharing domain."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from retrostride.api.accounts.dependencies import current_account
from retrostride.api.errors import Forbidden
from retrostride.store.accounts import AccountRow


def athlete_account(account: Annotated[AccountRow, Depends(current_account)]) -> AccountRow:
    if account.role != "athlete":
        raise Forbidden("only an athlete account shares its own data")
    return account


def clinician_account(account: Annotated[AccountRow, Depends(current_account)]) -> AccountRow:
    if account.role != "clinician":
        raise Forbidden("only a clinician account accepts invitations")
    return account


AthleteAccount = Annotated[AccountRow, Depends(athlete_account)]
ClinicianAccount = Annotated[AccountRow, Depends(clinician_account)]
