"""The verify page (a file, pasted JSON or JWT, or a URL; ``/verify?url=`` verifies at once, which is
where a credential page's "Verify" button and its QR code lead) and the trusted-issuers page."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, File, Form, Request, Response, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from credstack.api.deps import SettingsDep, UowDep
from credstack.domain.errors import InvalidInput
from credstack.domain.institution import Institution
from credstack.services import trust
from credstack.services.remote import MAX_BYTES
from credstack.services.unit_of_work import UnitOfWork
from credstack.services.verify_requests import Verification, verify_data, verify_url
from credstack.web.authz import RegistrarDep
from credstack.web.session import CsrfDep, WebPrincipalDep
from credstack.web.verify_view import verify_view
from credstack.web.views import PageRoute, ProfileDep, render

NOTHING = "Choose a credential file, paste a credential, or give the credential's web address."

pages = APIRouter(route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse)


def _verify_page(
    request: Request,
    institution: Institution,
    found: Verification | None = None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    return render(
        request,
        "verify.html",
        institution,
        status_code,
        v=verify_view(found) if found else None,
        nav="verify",
        **context,
    )


def _is_link(text: str) -> bool:
    text = text.strip()
    return text.startswith(("https://", "http://")) and not any(c.isspace() for c in text)


@pages.get("/verify", name="verify")
def verify_page(
    request: Request,
    uow: UowDep,
    settings: SettingsDep,
    institution: ProfileDep,
    viewer: WebPrincipalDep,
    url: str = "",
) -> HTMLResponse:
    """The form; with ``?url=`` the verdict on the credential at that address."""
    if not url.strip():
        return _verify_page(request, institution)
    email = viewer.email if viewer else None
    found = verify_url(
        uow, settings=settings, institution=institution, url=url, channel="page", verifier_email=email
    )
    return _verify_page(request, institution, found, url=url.strip())


@pages.post("/verify")
def verify_submitted(
    request: Request,
    uow: UowDep,
    settings: SettingsDep,
    institution: ProfileDep,
    viewer: WebPrincipalDep,
    file: Annotated[UploadFile | None, File()] = None,
    text: Annotated[str, Form()] = "",
    url: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """The verdict on an uploaded file, a pasted credential or a URL (the first one given)."""
    data = file.file.read(MAX_BYTES + 1) if file is not None and file.filename else b""
    # counted for the engagement metrics, with the employer when a partner's contact is signed in
    email = viewer.email if viewer else None
    if data.strip():
        found = verify_data(
            uow,
            settings=settings,
            institution=institution,
            data=data,
            source=file.filename if file else None,
            channel="page",
            verifier_email=email,
        )
    elif _is_link(text):  # a credential's or a share link's address pasted in the text box
        found = verify_url(
            uow, settings=settings, institution=institution, url=text, channel="page", verifier_email=email
        )
    elif text.strip():
        found = verify_data(
            uow,
            settings=settings,
            institution=institution,
            data=text.encode(),
            source=None,
            channel="page",
            verifier_email=email,
        )
    elif url.strip():
        found = verify_url(
            uow, settings=settings, institution=institution, url=url, channel="page", verifier_email=email
        )
    else:
        return _verify_page(request, institution, None, 422, form_error=NOTHING, text=text)
    return _verify_page(request, institution, found, text=text, url=url.strip())


@pages.get("/trusted-issuers", name="trusted_issuers")
def trusted_issuers_page(
    request: Request, uow: UowDep, institution: ProfileDep, issuer: str = "", name: str = ""
) -> HTMLResponse:
    """The registry, with forms to add (prefilled from ``?issuer=&name=``) and remove entries."""
    return _registry_page(request, uow, institution, form={"issuer": issuer, "name": name, "note": ""})


def _registry_page(
    request: Request,
    uow: UnitOfWork,
    institution: Institution,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    return render(
        request,
        "trusted_issuers.html",
        institution,
        status_code,
        entries=trust.trusted_issuers(uow, institution=institution),
        done=request.query_params.get("done"),
        changed=request.query_params.get("changed"),
        nav="verify",
        **context,
    )


@pages.post("/trusted-issuers")
def add_trusted_issuer(
    request: Request,
    principal: RegistrarDep,
    _csrf: CsrfDep,
    uow: UowDep,
    institution: ProfileDep,
    issuer: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """Trust an issuer (registrars and administrators); back to the registry (303), or the form
    with what is wrong (422)."""
    try:
        done = trust.trust_issuer(
            uow, institution=institution, issuer=issuer, name=name, note=note, actor=principal.actor
        )
    except InvalidInput as exc:
        return _registry_page(
            request,
            uow,
            institution,
            422,
            form={"issuer": issuer, "name": name, "note": note},
            field_errors={p.location: p.message for p in exc.problems},
        )
    outcome = "added" if done.created else "updated"
    return _back(outcome, done.entry.issuer)


@pages.post("/trusted-issuers/remove")
def remove_trusted_issuer(
    principal: RegistrarDep, _csrf: CsrfDep, uow: UowDep, institution: ProfileDep,
    issuer: Annotated[str, Form()] = "",
) -> Response:  # fmt: skip
    entry = trust.distrust_issuer(uow, institution=institution, issuer=issuer, actor=principal.actor)
    return _back("removed", entry.issuer)


def _back(done: str, issuer: str) -> RedirectResponse:
    query = urlencode({"done": done, "changed": issuer})
    return RedirectResponse(f"/trusted-issuers?{query}#registry", status_code=303)


def register(app: FastAPI) -> None:
    app.include_router(pages)
