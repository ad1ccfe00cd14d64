"""Dependencies of the sharing domain."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from retrostride.api.accounts.dependencies import current_account
from retrostride.api.errors import Forbidden
from retrostride.services.accounts import Account


def athlete_account(account: Annotated[Account, Depends(current_account)]) -> Account:
    if account.role != "athlete":
        raise Forbidden("only an athlete account shares its own data")
    return account


def clinician_account(account: Annotated[Account, Depends(current_account)]) -> Account:
    if account.role != "clinician":
        raise Forbidden("only a clinician account accepts invitations")
    return account


AthleteAccount = Annotated[Account, Depends(athlete_account)]
ClinicianAccount = Annotated[Account, Depends(clinician_account)]
