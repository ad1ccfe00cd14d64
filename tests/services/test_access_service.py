"""services.access: a principal from a login or a token, and the privacy policy (no HTTP)."""

from __future__ import annotations

import pytest

from retrostride.services import access, accounts, sharing
from retrostride.store.db import Database

RULES = accounts.AccountRules(argon2_time_cost=1, argon2_memory_kib=1024)
PASSWORD = "correct horse battery"


def _account(db: Database, email: str, role: str) -> accounts.Account:
    return accounts.register(db, RULES, email=email, password=PASSWORD, role=role)


def test_principal_from_a_login_and_from_a_token(db: Database) -> None:
    ada = _account(db, "ada@example.org", "athlete")
    login = accounts.log_in(db, RULES, "ada@example.org", PASSWORD, "192.0.2.1")
    _, read_token = accounts.create_api_token(db, ada.id, "script", scope="read")
    with db.sessions() as reader:
        principal, csrf = access.login_principal(reader, login.token)
        assert principal.account_id == ada.id and principal.via == "cookie"
        assert principal.can_write
        assert csrf == login.csrf_token
        by_token = access.token_principal(reader, read_token, method_is_safe=True, path="/x")
        assert by_token.can_write is False and by_token.via == "token"
        with pytest.raises(access.AccessRefused):
            access.token_principal(reader, read_token, method_is_safe=False, path="/x")
        with pytest.raises(access.NotAuthenticated):
            access.login_principal(reader, "not a login")
    accounts.end_login(db, login.token)
    with db.sessions() as reader, pytest.raises(access.NotAuthenticated):
        access.login_principal(reader, login.token)


def test_the_policy_self_grant_read_only_and_nothing_else(db: Database) -> None:
    ada = _account(db, "ada@example.org", "athlete")
    bob = _account(db, "bob@example.org", "athlete")
    sam = _account(db, "sam@example.org", "clinician")
    invite, code = sharing.create_invite(db, RULES, ada.id, can_write=False)
    sharing.redeem_invite(db, sam.id, code)
    with db.sessions() as reader:
        ada_p = access.Principal(ada.id, "athlete", False, ada.person_id, "ada", "cookie")
        sam_p = access.Principal(sam.id, "clinician", False, None, None, "cookie")
        assert access.resolve_subject(reader, ada_p, "me", need_write=True).is_self
        shared = access.resolve_subject(reader, sam_p, str(ada.id), need_write=False)
        assert shared.person_id == ada.person_id and not shared.can_write
        with pytest.raises(access.AccessRefused):
            access.resolve_subject(reader, sam_p, str(ada.id), need_write=True)
        for athlete_id in (str(bob.id), "me", "99999", "x"):
            with pytest.raises(access.NoSuchSubject):
                access.resolve_subject(reader, sam_p, athlete_id, need_write=False)
    assert invite.athlete_id == ada.id


def test_the_principal_carries_the_preferences_and_home_zone(db: Database) -> None:
    from retrostride.services.log import ProfileChanges, update_profile
    from retrostride.services.preferences import Preferences, set_preferences

    ada = _account(db, "ada@example.org", "athlete")
    _, token = accounts.create_api_token(db, ada.id, "script", scope="read")
    with db.sessions() as reader:
        plain = access.token_principal(reader, token, method_is_safe=True, path="/x")
    assert plain.preferences == Preferences()
    with db.transaction() as writer:
        set_preferences(writer, ada.id, Preferences(speed_unit="mph", date_format="iso"))
    assert plain.person_name is not None
    update_profile(db, ProfileChanges(home_time_zone="Europe/Paris"), plain.person_name)
    login = accounts.log_in(db, RULES, "ada@example.org", PASSWORD, "192.0.2.1")
    with db.sessions() as reader:
        by_token = access.token_principal(reader, token, method_is_safe=True, path="/x")
        by_login, _csrf = access.login_principal(reader, login.token)
    for principal in (by_token, by_login):
        assert principal.preferences == Preferences(speed_unit="mph", date_format="iso")
        assert principal.home_time_zone == "Europe/Paris"
