"""The registrar's records on the web: /registrar (open a learner's transcript, download the
student-records export for a period), a learner's transcript as a page, PDF and signed CLR 2.0
credential (registrars), and /wallet/transcript (a signed-in learner's own)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from credstack.api.deps import SettingsDep, UowDep
from credstack.domain.errors import InvalidInput
from credstack.domain.identity import Principal, Role
from credstack.domain.institution import Institution
from credstack.services import records_export
from credstack.services.transcript_pdf import transcript_pdf
from credstack.services.transcripts import Transcript, transcript, transcript_clr
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.web.session import RequireWebPrincipal
from credstack.web.views import PageRoute, ProfileDep, render

pages = APIRouter(route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse)


def _registrar(principal: Principal) -> None:
    principal.require(Role.REGISTRAR)


def _slug(record: Transcript) -> str:
    return "".join(c if c.isalnum() else "-" for c in record.learner.email.split("@")[0]) or "learner"


def _pdf(record: Transcript) -> Response:
    return Response(
        transcript_pdf(record),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="transcript-{_slug(record)}.pdf"'},
    )


def _clr(uow: UnitOfWork, institution: Institution, settings: Settings, record: Transcript) -> Response:
    document = transcript_clr(uow, institution=institution, settings=settings, record=record)
    return Response(
        json.dumps(document, indent=2, ensure_ascii=False),
        media_type="application/vc+ld+json",
        headers={"Content-Disposition": f'attachment; filename="transcript-{_slug(record)}.clr.json"'},
    )


def _page(
    request: Request, institution: Institution, record: Transcript, base: str, **context: Any
) -> HTMLResponse:
    return render(
        request,
        "transcript.html",
        institution,
        record=record,
        earned=record.totals(record.earned),
        granted=record.totals(record.stacked),
        base=base,
        **context,
    )


@pages.get("/registrar", name="registrar")
def registrar_page(
    request: Request,
    uow: UowDep,
    settings: SettingsDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
    learner: str = "",
    since: str = "",
    until: str = "",
) -> Response:
    _registrar(principal)
    if learner.strip():
        target = quote(learner.strip().lower(), safe="@")
        return RedirectResponse(f"/registrar/learners/{target}/transcript", status_code=303)
    errors: dict[str, str] = {}
    if since or until:
        try:
            records_export.Period.parse(since, until)
        except InvalidInput as exc:
            errors = {p.location: p.message for p in exc.problems}
    return render(
        request,
        "registrar.html",
        institution,
        422 if errors else 200,
        form={"since": since, "until": until},
        errors=errors,
        columns=records_export.COLUMNS,
        nav="registrar",
    )


@pages.get("/registrar/records.csv", name="records_csv")
def records_csv(
    uow: UowDep,
    settings: SettingsDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
    since: str = "",
    until: str = "",
) -> Response:
    period = records_export.Period.parse(since, until)
    text = records_export.export_for(
        uow, institution=institution, settings=settings, principal=principal, period=period
    )
    name = "student-records" + (f"-{since}" if since else "") + (f"-to-{until}" if until else "") + ".csv"
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@pages.get("/registrar/learners/{email}/transcript", name="transcript")
def transcript_page(
    request: Request,
    email: str,
    uow: UowDep,
    settings: SettingsDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
) -> HTMLResponse:
    _registrar(principal)
    record = transcript(uow, institution=institution, settings=settings, learner_email=email)
    return _page(
        request,
        institution,
        record,
        f"/registrar/learners/{record.learner.email}/transcript",
        nav="registrar",
    )


@pages.get("/registrar/learners/{email}/transcript.pdf", name="transcript_pdf")
def transcript_pdf_download(
    email: str, uow: UowDep, settings: SettingsDep, institution: ProfileDep, principal: RequireWebPrincipal
) -> Response:
    _registrar(principal)
    return _pdf(transcript(uow, institution=institution, settings=settings, learner_email=email))


@pages.get("/registrar/learners/{email}/transcript.clr.json", name="transcript_clr")
def transcript_clr_download(
    email: str, uow: UowDep, settings: SettingsDep, institution: ProfileDep, principal: RequireWebPrincipal
) -> Response:
    _registrar(principal)
    record = transcript(uow, institution=institution, settings=settings, learner_email=email)
    return _clr(uow, institution, settings, record)


def _own(uow: UnitOfWork, institution: Institution, settings: Settings, principal: Principal) -> Transcript:
    principal.require(Role.LEARNER)
    return transcript(uow, institution=institution, settings=settings, learner_email=principal.email)


@pages.get("/wallet/transcript", name="wallet_transcript")
def wallet_transcript(
    request: Request,
    uow: UowDep,
    settings: SettingsDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
) -> HTMLResponse:
    record = _own(uow, institution, settings, principal)
    return _page(request, institution, record, "/wallet/transcript", own=True, nav="me")


@pages.get("/wallet/transcript.pdf", name="wallet_transcript_pdf")
def wallet_transcript_pdf(
    uow: UowDep, settings: SettingsDep, institution: ProfileDep, principal: RequireWebPrincipal
) -> Response:
    return _pdf(_own(uow, institution, settings, principal))


@pages.get("/wallet/transcript.clr.json", name="wallet_transcript_clr")
def wallet_transcript_clr(
    uow: UowDep, settings: SettingsDep, institution: ProfileDep, principal: RequireWebPrincipal
) -> Response:
    return _clr(uow, institution, settings, _own(uow, institution, settings, principal))


def register(app: FastAPI) -> None:
    app.include_router(pages)
