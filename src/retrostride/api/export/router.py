"""Routes of the export domain: ``GET /api/account/export`` (``services.export_account``)."""

from __future__ import annotations

from fastapi import APIRouter

from retrostride.api.database import AppDatabase
from retrostride.api.errors import Unauthorized
from retrostride.api.export.schemas import ExportOut
from retrostride.api.principal import CurrentPrincipal
from retrostride.api.responses import JsonResponse, errors
from retrostride.api.serialize import to_jsonable
from retrostride.services.accounts import AccountGone
from retrostride.services.export_account import account_document

router = APIRouter(tags=["export"], responses=errors(400, 401, 403, 422))


@router.get(
    "/api/account/export",
    response_model=ExportOut,
    responses={200: {"description": "The account's data as one JSON document."}},
)
def export_account(principal: CurrentPrincipal, database: AppDatabase) -> JsonResponse:
    """Everything the account holds, as one JSON document (a download)."""
    try:
        document = account_document(
            database, principal.account_id, principal.person_id, principal.person_name
        )
    except AccountGone:
        raise Unauthorized("the account no longer exists") from None
    document["assessments"] = to_jsonable(document["assessments"])
    return JsonResponse(
        document,
        headers={"Content-Disposition": 'attachment; filename="retrostride-export.json"'},
    )
