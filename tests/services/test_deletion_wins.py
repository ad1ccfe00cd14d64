"""Deletion wins (issue 17 item 4): an import for an account deleted meanwhile leaves nothing.

The upload job's import found the person gone and re-created it with the session and file,
owned by no account. Now an account's import (``create_person=False``) checks the person inside
its own transaction and refuses the file instead.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from fitmaker import walk_fit
from retrostride.services import accounts, importing
from retrostride.store.db import Database
from retrostride.store.models import PersonRow

RULES = accounts.AccountRules(argon2_time_cost=1, argon2_memory_kib=1024)


def test_an_import_after_the_account_was_deleted_leaves_nothing(
    db: Database, tmp_path: Path
) -> None:
    ada = accounts.register(
        db, RULES, email="ada@example.org", password="correct horse battery", role="athlete"
    )
    name = accounts.person_name(db, ada.id)
    assert name is not None
    upload = tmp_path / "walk.fit"
    upload.write_bytes(walk_fit())
    accounts.delete_account(db, ada.id)  # while the upload waits in the queue
    options = importing.ImportOptions(create_person=False)
    result = importing.import_one(db, upload, name, options, "walk.fit")
    assert result.outcome == importing.Outcome.REFUSED
    assert result.message == importing.ACCOUNT_GONE
    with db.reading() as reader:
        assert reader.scalar(select(func.count()).select_from(PersonRow)) == 0
