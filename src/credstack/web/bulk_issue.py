"""Bulk issuance on the web, for signed-in registrars: upload the CLI's CSV, see a preview with
every bad row named by its line (nothing is issued while any row is wrong), then issue and see
each row's credential: newly issued, or already issued by an earlier run (idempotent)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse

from credstack.api.deps import SettingsDep, UowDep
from credstack.domain.errors import InvalidInput, Problem
from credstack.domain.identity import Principal, Role
from credstack.services import bulk_preview
from credstack.services.bulk import COLUMNS, BulkRow, parse_bulk_csv
from credstack.web.session import CsrfDep, RequireWebPrincipal
from credstack.web.views import PageRoute, ProfileDep, render

pages = APIRouter(route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse)

MAX_BYTES = 512 * 1024  # larger files: `credstack issue-bulk` (resumable, on the job queue)
MAX_ROWS = 500
SAMPLE = (  # MC-101 stands for an achievement code of the catalog, C1 and C2 for its rubric's criteria
    "achievement,email,name,marks\n"
    "MC-101,ada@example.org,Ada Lovelace,C1=Proficient;C2=Exemplary\n"
    "MC-101,grace@example.org,Grace Hopper,\n"
)


def _registrar(principal: Principal) -> Principal:
    principal.require(Role.REGISTRAR, scope="issue")
    return principal


def _page(request: Request, institution: Any, status_code: int = 200, **context: Any) -> HTMLResponse:
    defaults: dict[str, Any] = {"problems": [], "rows": None, "outcomes": None, "csv": "", "filename": ""}
    return render(
        request,
        "bulk_issue.html",
        institution,
        status_code,
        columns=COLUMNS,
        sample=SAMPLE,
        max_rows=MAX_ROWS,
        nav="bulk",
        **(defaults | context),
    )


def _rows(data: bytes) -> list[BulkRow]:
    if not data.strip():
        raise InvalidInput(Problem("file", "choose a CSV file of learners"), source="learners CSV")
    if len(data) > MAX_BYTES:
        raise InvalidInput(
            Problem("file", f"larger than {MAX_BYTES // 1024} KB: use `credstack issue-bulk` for big files"),
            source="learners CSV",
        )
    rows = parse_bulk_csv(data)
    if not rows:
        raise InvalidInput(Problem("file", "has no learner rows under its header"), source="learners CSV")
    if len(rows) > MAX_ROWS:
        raise InvalidInput(
            Problem("file", f"{len(rows)} rows; at most {MAX_ROWS} here: use `credstack issue-bulk`"),
            source="learners CSV",
        )
    return rows


@pages.get("/issue/bulk", name="bulk_issue")
def bulk_page(request: Request, institution: ProfileDep, principal: RequireWebPrincipal) -> HTMLResponse:
    _registrar(principal)
    return _page(request, institution)


@pages.post("/issue/bulk", name="bulk_preview")
async def bulk_preview_posted(
    request: Request,
    uow: UowDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
    _csrf: CsrfDep,
    file: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    """Check the uploaded CSV against the catalog and show what would be issued."""
    _registrar(principal)
    data = await file.read(MAX_BYTES + 1) if file is not None and file.filename else b""
    filename = file.filename if file is not None and file.filename else ""
    try:
        rows = _rows(data)
        checked = bulk_preview.preview(uow, institution=institution, principal=principal, rows=rows)
    except InvalidInput as exc:
        return _page(request, institution, 422, problems=exc.problems, filename=filename)
    return _page(
        request,
        institution,
        rows=checked,
        csv=data.decode("utf-8-sig"),
        filename=filename,
    )


@pages.post("/issue/bulk/issue", name="bulk_issue_run")
def bulk_issue_posted(
    request: Request,
    uow: UowDep,
    settings: SettingsDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
    _csrf: CsrfDep,
    csv: Annotated[str, Form()] = "",
    filename: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Issue the previewed rows (checked again: nothing is issued if one is wrong now)."""
    _registrar(principal)
    try:
        rows = _rows(csv.encode())
        outcomes = bulk_preview.issue_all(
            uow, settings=settings, institution=institution, principal=principal, rows=rows
        )
    except InvalidInput as exc:
        return _page(request, institution, 422, problems=exc.problems, filename=filename)
    return _page(request, institution, outcomes=outcomes, filename=filename)


def register(app: FastAPI) -> None:
    app.include_router(pages)
