"""The account's data as one JSON document (``format: retrostride-account``, version 1).

The document holds the account (never its password hash or secrets), the training log as the
log's own export bundle (``retrostride-log``, which ``retrostride restore`` reads back), every
program enrolment with its screening answers, every assessment, the sharing grants and the
upload history. ``GET /api/account/export`` serves it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from retrostride.services import assessments
from retrostride.services.accounts import AccountGone
from retrostride.services.export import bundle_to_json, read_bundle
from retrostride.store.accounts import AccountRow, ShareGrantRow
from retrostride.store.db import Database, utc_now
from retrostride.store.programs import EnrolmentRow
from retrostride.store.uploads import UploadJobRow

FORMAT_NAME = "retrostride-account"
FORMAT_VERSION = 1


def _enrolment(row: EnrolmentRow) -> dict[str, Any]:
    return {
        "uid": row.uid,
        "program_id": row.program_id,
        "program_version": row.program_version,
        "program_source": row.program_source,
        "start_date": row.start_date.isoformat(),
        "status": row.status,
        "screening_status": row.screening_status,
        "screening_answers": row.screening_answers,
        "restrictions": row.restrictions,
        "cleared_by": row.cleared_by,
        "created_at": row.created_at.isoformat(),
        "stopped_at": row.stopped_at.isoformat() if row.stopped_at else None,
    }


def account_document(
    database: Database, account_id: int, person_id: int | None, person_name: str | None
) -> dict[str, Any]:
    """Everything the account holds (see the module); :class:`AccountGone` if it was deleted.

    Assessments come as domain objects; the caller makes them JSON-ready."""
    has_log = person_id is not None and person_name is not None
    with database.reading() as db:
        account = db.get(AccountRow, account_id)
        if account is None:
            raise AccountGone("the account no longer exists")
        document: dict[str, Any] = {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "exported_at": utc_now().isoformat(),
            "account": {
                "id": account.id,
                "email": account.email,
                "display_name": account.display_name,
                "role": account.role,
                "is_admin": account.is_admin,
                "created_at": account.created_at.isoformat(),
            },
            "grants": [
                {
                    "athlete_id": g.athlete_id,
                    "clinician_id": g.clinician_id,
                    "can_write": g.can_write,
                    "created_at": g.created_at.isoformat(),
                }
                for g in db.scalars(
                    select(ShareGrantRow).where(
                        or_(
                            ShareGrantRow.athlete_id == account.id,
                            ShareGrantRow.clinician_id == account.id,
                        )
                    )
                )
            ],
            "log": None,
            "enrolments": [],
            "assessments": [],
            "uploads": [],
        }
        if has_log:
            document["enrolments"] = [
                _enrolment(r)
                for r in db.scalars(
                    select(EnrolmentRow)
                    .where(EnrolmentRow.person_id == person_id)
                    .order_by(EnrolmentRow.id)
                )
            ]
            document["uploads"] = [
                {
                    "created_at": j.created_at.isoformat(),
                    "status": j.status,
                    "results": j.results_json,
                }
                for j in db.scalars(
                    select(UploadJobRow)
                    .where(UploadJobRow.person_id == person_id, UploadJobRow.kind == "import")
                    .order_by(UploadJobRow.id)
                )
            ]
    if has_log:
        assert person_name is not None
        document["log"] = bundle_to_json(read_bundle(database, person_name))
        document["assessments"] = assessments.list_assessments(database, person=person_name)
    return document
