"""Dependencies of the accounts domain: the instance's rules, the per-client limits, the account."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from retrostride.api.database import AppDatabase
from retrostride.api.errors import Forbidden
from retrostride.api.principal import CurrentPrincipal
from retrostride.api.settings import Settings
from retrostride.services import accounts as service
from retrostride.services.accounts import Account, AccountRules


def settings(request: Request) -> Settings:
    s: Settings = request.app.state.settings
    return s


def account_rules(request: Request) -> AccountRules:
    rules: AccountRules = request.app.state.account_rules
    return rules


def client_address(request: Request) -> str:
    """The caller's IP address as the server sees it (behind a proxy: run uvicorn with
    ``--proxy-headers`` and ``--forwarded-allow-ips`` so that this is the client's)."""
    return request.client.host if request.client else "unknown"


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


Rules = Annotated[AccountRules, Depends(account_rules)]
CurrentAccount = Annotated[Account, Depends(current_account)]
AdminAccount = Annotated[Account, Depends(admin_account)]
AppSettings = Annotated[Settings, Depends(settings)]
ClientAddress = Annotated[str, Depends(client_address)]
