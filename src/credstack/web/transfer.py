"""Transfer credit on the web, for registrars: hand in a learner's external credential and see
what each agreement made of it, decide pending claims, keep the agreements and the credit
equivalency table, and read one transfer credit with its verification report."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from credstack.api.deps import SettingsDep, UowDep
from credstack.domain.errors import InvalidInput
from credstack.domain.identity import Principal, Role
from credstack.domain.institution import Institution
from credstack.services import transfer as service
from credstack.services.remote import MAX_BYTES
from credstack.services.unit_of_work import UnitOfWork
from credstack.web.session import CsrfDep, RequireWebPrincipal
from credstack.web.views import PageRoute, ProfileDep, render


def _registrar(principal: Principal) -> Principal:
    principal.require(Role.REGISTRAR)
    return principal


pages = APIRouter(route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse)


def _page(
    request: Request, uow: UnitOfWork, institution: Institution, status_code: int = 200, **context: Any
) -> HTMLResponse:
    return render(
        request,
        "transfer.html",
        institution,
        status_code,
        agreements=service.list_agreements(uow, institution=institution),
        units=service.credit_table(uow, institution=institution).units,
        pending=service.transfers_for(uow, institution=institution, status="pending"),
        recent=service.transfers_for(uow, institution=institution)[:20],
        nav="transfer",
        **context,
    )


@pages.get("/transfer", name="transfer")
def transfer_page(
    request: Request, uow: UowDep, institution: ProfileDep, principal: RequireWebPrincipal, done: str = ""
) -> HTMLResponse:
    _registrar(principal)
    return _page(request, uow, institution, done=done)


async def _read(upload: UploadFile | None) -> bytes:
    return await upload.read(MAX_BYTES + 1) if upload is not None and upload.filename else b""


@pages.post("/transfer/claim")
async def claim_submitted(
    request: Request,
    uow: UowDep,
    settings: SettingsDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
    _csrf: CsrfDep,
    learner: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
    status_list: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    """Verify the credential, apply the agreements, and show what came of it."""
    _registrar(principal)
    errors: dict[str, str] = {}
    data = await _read(file)
    if "@" not in learner:
        errors["learner"] = "Enter the learner's email address."
    if not data.strip():
        errors["file"] = "Choose the credential file (JSON, JWT, or a baked PNG or SVG badge)."
    form = {"learner": learner.strip()}
    if errors:
        return _page(request, uow, institution, 422, claim_errors=errors, claim_form=form)
    extra = await _read(status_list)
    try:
        documents = service.status_list_documents(
            [(status_list.filename or "status list", extra)] if extra and status_list else []
        )
        result = service.claim_transfer(
            uow,
            settings=settings,
            institution=institution,
            learner_email=learner,
            data=data,
            actor=principal.actor,
            filename=file.filename if file and file.filename else "credential",
            documents=documents,
        )
    except InvalidInput as exc:
        errors["file"] = "; ".join(str(p) for p in exc.problems)
        return _page(request, uow, institution, 422, claim_errors=errors, claim_form=form)
    code = 200 if result.transfers else 422
    return _page(request, uow, institution, code, result=result, claim_form=form)


@pages.post("/transfer/agreements")
async def agreements_submitted(
    request: Request,
    uow: UowDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
    _csrf: CsrfDep,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    _registrar(principal)
    data = await _read(file)
    if not data.strip():
        return _page(
            request, uow, institution, 422, agreement_errors=["Choose an agreements file (YAML or JSON)."]
        )
    try:
        done = service.import_agreements(
            uow,
            institution=institution,
            data=data,
            filename=file.filename if file and file.filename else "file",
            actor=principal.actor,
        )
    except InvalidInput as exc:
        return _page(request, uow, institution, 422, agreement_errors=[str(p) for p in exc.problems])
    summary = f"{len(done.created)} added, {len(done.updated)} changed, {len(done.unchanged)} unchanged"
    return RedirectResponse(f"/transfer?{urlencode({'done': summary})}#agreements", status_code=303)


@pages.get("/transfer/credits/{transfer_id}", name="transfer_credit")
def transfer_credit_page(
    request: Request,
    transfer_id: str,
    uow: UowDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
    done: str = "",
) -> HTMLResponse:
    _registrar(principal)
    found = service.transfer_by_id(uow, institution=institution, public_id=transfer_id)
    return render(
        request,
        "transfer_credit.html",
        institution,
        t=found,
        report=found.verification,
        done=done,
        nav="transfer",
    )


@pages.post("/transfer/credits/{transfer_id}/decision")
def decision_submitted(
    request: Request,
    transfer_id: str,
    uow: UowDep,
    settings: SettingsDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
    _csrf: CsrfDep,
    decision: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    _registrar(principal)
    try:
        after, stacked = service.decide_transfer(
            uow,
            settings=settings,
            institution=institution,
            public_id=transfer_id,
            decision=decision,
            actor=principal.actor,
            reason=reason,
        )
    except InvalidInput as exc:
        found = service.transfer_by_id(uow, institution=institution, public_id=transfer_id)
        return render(
            request,
            "transfer_credit.html",
            institution,
            422,
            t=found,
            report=found.verification,
            decision_error="; ".join(p.message for p in exc.problems),
            form={"decision": decision, "reason": reason},
            nav="transfer",
        )
    done = after.status + (f", and {len(stacked)} stacked award(s) issued" if stacked else "")
    return RedirectResponse(f"/transfer/credits/{transfer_id}?{urlencode({'done': done})}", status_code=303)


def register(app: FastAPI) -> None:
    app.include_router(pages)
