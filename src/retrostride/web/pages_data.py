"""Move one's data: "Download my data" (the bundle) and the Import page that reads it back.

Both use :mod:`retrostride.services.export_bundle`, as ``retrostride export`` and ``restore``
do. The import page sends the file with a little script (the login's CSRF token goes in a
header, which a plain file form cannot carry).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from retrostride.api.database import AppDatabase
from retrostride.errors import InputError
from retrostride.services import export_bundle
from retrostride.services.export import RestoreError
from retrostride.web.auth import PagePrincipal, render

router = APIRouter(include_in_schema=False)


@router.get("/settings/export")
async def download(principal: PagePrincipal, database: AppDatabase) -> Response:
    document = await run_in_threadpool(
        export_bundle.export_bundle, database, principal.person_name, principal.account_id
    )
    return Response(
        export_bundle.bundle_bytes(document), media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="retrostride-bundle.json"',
                 "Cache-Control": "no-store"},
    )


@router.get("/settings/import")
def import_page(request: Request, principal: PagePrincipal) -> Response:
    settings = request.app.state.settings
    return render(request, "import.html", principal, title="Import your data",
                  max_mb=settings.max_upload_bytes // (1024 * 1024),
                  can_hold_log=principal.person_name is not None)


def _answer(status: int, message: str, **extra: object) -> JSONResponse:
    return JSONResponse({"message": message, **extra}, status_code=status,
                        headers={"Cache-Control": "no-store"})


@router.post("/settings/import")
async def import_bundle(
    request: Request, principal: PagePrincipal, database: AppDatabase, merge: bool = False
) -> Response:
    """The bundle as the request body; the answer is JSON for the page's script."""
    if principal.person_name is None:
        return _answer(409, "A clinician account keeps no training log to import into.")
    limit = request.app.state.settings.max_upload_bytes
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return _answer(413, f"The file is larger than {limit // (1024 * 1024)} MB.")
        chunks.append(chunk)
    try:
        bundle = await run_in_threadpool(export_bundle.parse_text, b"".join(chunks))
        report = await run_in_threadpool(
            lambda: export_bundle.restore_bundle(
                database, bundle, str(principal.person_name), account_id=principal.account_id,
                merge=merge,
            )
        )
    except InputError as exc:
        return _answer(422, f"Nothing was imported: the file is not valid at {exc.field} "
                            f"({exc.value_text}); expected {exc.expected}.")
    except RestoreError as exc:
        return _answer(409, f"Nothing was imported: {exc}. Tick \u201cAdd to what is "
                            "already here\u201d to merge.")
    return _answer(200, (
        f"Imported {report.sessions} session(s), {report.assessments} assessment(s), "
        f"{report.enrolments} program enrolment(s) and {report.grants} sharing grant(s)."
    ), skipped=list(report.skipped))
