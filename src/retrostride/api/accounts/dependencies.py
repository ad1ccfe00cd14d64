"""Dependencies of the accounts domain: the per-client limits, the calling account.

The instance's rules, settings and the client's address are the API's plumbing
(:mod:`retrostride.api.principal`); they are re-exported here.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from retrostride.api.database import AppDatabase
from retrostride.api.errors import Forbidden
from retrostride.api.principal import (
    AppSettings,
    ClientAddress,
    CurrentPrincipal,
    Rules,
    account_rules,
    client_address,
    settings,
)
from retrostride.api.settings import Settings
from retrostride.services import accounts as service
from retrostride.services.accounts import Account, AccountRules


def limit_logins(request: Request, database: AppDatabase) -> None:
    """At most ``login_rate_per_minute`` login attempts per client address (all workers)."""
    s: Settings = request.app.state.settings
    service.count_request(database, "login", client_address(request), s.login_rate_per_minute)


def limit_registrations(request: Request, database: AppDatabase) -> None:
    """At most ``register_rate_per_hour`` registrations per client address (all workers)."""
    rules: AccountRules = request.app.state.account_rules
    service.count_request(
        database, "registration", client_address(request), rules.register_rate_per_hour, 3600
    )


def limit_resets(request: Request, database: AppDatabase) -> None:
    """At most ``reset_rate_per_hour`` password-reset requests per client address."""
    rules: AccountRules = request.app.state.account_rules
    service.count_request(
        database, "password reset", client_address(request), rules.reset_rate_per_hour, 3600
    )


def current_account(principal: CurrentPrincipal, database: AppDatabase) -> Account:
    return service.get_account(database, principal.account_id)


def admin_account(account: Annotated[Account, Depends(current_account)]) -> Account:
    if not account.is_admin:
        raise Forbidden("administrators only (see 'retrostride admin grant')")
    return account


CurrentAccount = Annotated[Account, Depends(current_account)]
AdminAccount = Annotated[Account, Depends(admin_account)]

__all__ = [
    "AdminAccount", "AppSettings", "ClientAddress", "CurrentAccount", "Rules", "account_rules",
    "client_address", "limit_logins", "limit_registrations", "limit_resets", "settings",
]
