"""Issued credentials on the web: the public credential page, its downloads, the issuer's DID
document, the status lists, badge images, and the issue / status forms.

Pages use the HTML error page; the machine-readable documents (DID document, status lists,
badge images) answer errors with problem+json like the API.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, cast

from fastapi import APIRouter, FastAPI, Form, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from credstack.api.award_deps import AwardDep, credential_download
from credstack.api.deps import InstitutionDep, SettingsDep, UowDep
from credstack.api.problems import STATUS
from credstack.credentials.baking import render_badge_png, render_badge_svg
from credstack.domain.errors import DomainError, NotFound
from credstack.domain.institution import Institution
from credstack.services import catalog, keys
from credstack.services import status as status_service
from credstack.services.credential_files import badge_colour
from credstack.services.stacking import issue_and_stack
from credstack.settings import Settings
from credstack.store.awards import StoredAward
from credstack.web import presenters
from credstack.web.authz import RegistrarDep
from credstack.web.credential_view import ACTION_LABELS, credential_view
from credstack.web.issue_form import IssueFormDep, field_errors
from credstack.web.qr import qr_svg
from credstack.web.session import CsrfDep
from credstack.web.views import PageRoute, ProfileDep, render

CORS = {"Access-Control-Allow-Origin": "*"}  # verifiers in browsers fetch these documents

documents = APIRouter(include_in_schema=False)
pages = APIRouter(route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse)


def _status(exc: DomainError) -> int:
    return next((v[0] for k, v in STATUS.items() if isinstance(exc, k)), 400)


# ---- documents for verifiers -------------------------------------------------------------


@documents.get("/.well-known/did.json")
def did_json(uow: UowDep, settings: SettingsDep, institution: InstitutionDep) -> JSONResponse:
    """The issuer's did:web document, listing every signing key (retired ones too)."""
    if settings.issuer_did_method != "web":
        raise NotFound("DID document", "did:web (this install issues as did:key)")
    document = keys.did_document(uow, institution=institution, settings=settings)
    return JSONResponse(document, media_type="application/did+json", headers=CORS)


@documents.get("/status/{purpose}/{number}")
def status_list(
    purpose: Literal["revocation", "suspension"],
    number: int,
    uow: UowDep,
    settings: SettingsDep,
    institution: InstitutionDep,
) -> JSONResponse:
    """The signed BitstringStatusListCredential; never cached, so a change shows at once."""
    document = status_service.signed_status_list(
        uow, settings=settings, institution=institution, purpose=purpose, number=number
    )
    return JSONResponse(
        document, media_type="application/vc+ld+json", headers={"Cache-Control": "no-cache", **CORS}
    )


@documents.get("/achievements/{achievement_id}/badge.{ext}")
def badge_image(
    achievement_id: int, ext: Literal["png", "svg"], uow: UowDep, institution: ProfileDep
) -> Response:
    """The achievement's badge: its name and the institution's, in the achievement's colour."""
    a = catalog.achievement_detail(uow, achievement_id=achievement_id).achievement
    colour = badge_colour(a.code)
    if ext == "png":
        return Response(render_badge_png(a.name, institution.name, colour), media_type="image/png")
    return Response(render_badge_svg(a.name, institution.name, colour), media_type="image/svg+xml")


# ---- the credential page -----------------------------------------------------------------


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "json" in accept and "text/html" not in accept


def _credential_page(
    request: Request,
    award: StoredAward,
    settings: Settings,
    institution: Institution,
    status_code: int = 200,
    **extra: Any,
) -> HTMLResponse:
    view = credential_view(award, settings)
    return render(
        request,
        "credential.html",
        institution,
        status_code,
        c=view,
        qr=qr_svg(view.url, label="QR code of this credential's address"),
        action_labels=ACTION_LABELS,
        done=request.query_params.get("done"),
        **extra,
    )


@pages.get("/credentials/{public_id}", name="credential")
def credential_page(
    request: Request, award: AwardDep, settings: SettingsDep, institution: ProfileDep
) -> Response:
    """The credential's stable URL (its ``id``): a page for people, the JSON for programs."""
    if _wants_json(request):
        return JSONResponse(award.credential, media_type="application/vc+ld+json")
    return _credential_page(request, award, settings, institution)


@pages.get("/credentials/{public_id}/credential.{fmt}")
def credential_file(award: AwardDep, fmt: str, uow: UowDep, settings: SettingsDep) -> Response:
    return credential_download(uow, settings=settings, award=award, fmt=fmt)


@pages.post("/credentials/{public_id}/status")
def change_status(
    request: Request,
    principal: RegistrarDep,
    _csrf: CsrfDep,
    award: AwardDep,
    uow: UowDep,
    settings: SettingsDep,
    institution: ProfileDep,
    action: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    """The registrar panel (signed-in registrars): revoke, suspend or reinstate, with a reason;
    back to the page."""
    try:
        status_service.change_status(
            uow,
            institution=institution,
            award=award.public_id,
            action=cast(status_service.Action, action),  # the service refuses any other
            reason=reason,
            actor=principal.actor,
        )
    except NotFound:
        raise
    except DomainError as exc:
        return _credential_page(
            request,
            award,
            settings,
            institution,
            _status(exc),
            status_error=str(exc),
            status_form={"action": action, "reason": reason},
        )
    return RedirectResponse(f"/credentials/{award.public_id}?done={action}#status-panel", status_code=303)


# ---- issuing from the achievement page ---------------------------------------------------


@pages.post("/achievements/{achievement_id}/issue")
def issue(
    request: Request,
    principal: RegistrarDep,
    _csrf: CsrfDep,
    achievement_id: int,
    form: IssueFormDep,
    uow: UowDep,
    settings: SettingsDep,
    institution: ProfileDep,
) -> Response:
    """Issue through the achievement page's form (signed-in registrars), then show the new
    credential (303)."""
    stored = catalog.achievement_detail(uow, achievement_id=achievement_id)
    try:
        issued = issue_and_stack(
            uow,
            settings=settings,
            institution=institution,
            request=form.request(stored.achievement.code),
            actor=principal.actor,
        )
    except DomainError as exc:
        rubric = stored.achievement.rubric
        grid = presenters.rubric_grid(rubric, presenters.competency_labels(stored)) if rubric else None
        return render(
            request,
            "achievement.html",
            institution,
            _status(exc),
            s=stored,
            a=stored.achievement,
            grid=grid,
            nav="catalog",
            issue_form=form,
            issue_error=str(exc),
            issue_field_errors=field_errors(exc),
        )
    return RedirectResponse(f"/credentials/{issued.award.public_id}", status_code=303)


def register(app: FastAPI) -> None:
    app.include_router(documents)
    app.include_router(pages)
