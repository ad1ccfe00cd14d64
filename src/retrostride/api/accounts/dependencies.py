"""Dependencies of the accounts domain: the instance's rules, the login limiter, the account."""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Annotated

from fastapi import Depends, Request

from retrostride.api.database import Db
from retrostride.api.errors import Forbidden, TooManyRequests, Unauthorized
from retrostride.api.principal import CurrentPrincipal
from retrostride.api.settings import Settings
from retrostride.services.accounts import AccountRules
from retrostride.store.accounts import AccountRow


def settings(request: Request) -> Settings:
    s: Settings = request.app.state.settings
    return s


def account_rules(request: Request) -> AccountRules:
    rules: AccountRules = request.app.state.account_rules
    return rules


class RateLimiter:
    """At most ``limit`` events per ``window_s`` per key (sliding window, in this process)."""

    def __init__(self, limit: int, window_s: float = 60.0) -> None:
        self.limit = limit
        self.window_s = window_s
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> None:
        """Count one event; :class:`TooManyRequests` when over the limit."""
        now = time.monotonic()
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and now - events[0] > self.window_s:
                events.popleft()
            if len(events) >= self.limit:
                retry = int(self.window_s - (now - events[0])) + 1
                raise TooManyRequests("too many login attempts from here", retry_after_s=retry)
            events.append(now)
            if len(self._events) > 10_000:
                self._events = {k: v for k, v in self._events.items() if v}


def limit_logins(request: Request) -> None:
    limiter: RateLimiter = request.app.state.login_limiter
    limiter.hit(request.client.host if request.client else "unknown")


def current_account(principal: CurrentPrincipal, db: Db) -> AccountRow:
    account = db.get(AccountRow, principal.account_id)
    if account is None:
        raise Unauthorized("the account no longer exists")
    return account


def admin_account(account: Annotated[AccountRow, Depends(current_account)]) -> AccountRow:
    if not account.is_admin:
        raise Forbidden("administrators only (see 'retrostride admin grant')")
    return account


Rules = Annotated[AccountRules, Depends(account_rules)]
CurrentAccount = Annotated[AccountRow, Depends(current_account)]
AdminAccount = Annotated[AccountRow, Depends(admin_account)]
AppSettings = Annotated[Settings, Depends(settings)]
