"""The consent page of the Open Badges API's OAuth 2.0 authorization endpoint.

A wallet sends the learner to GET /ims/ob/v3p0/oauth/authorize (with PKCE); the learner signs in
if need be, sees which application asks for what, in plain words, and allows or denies. The
answer (a CSRF-protected form post) sends them back to the application with a code or with
access_denied. Requests Authlib finds invalid never reach the page: a redirect URI the client
registered gets the error; otherwise the learner sees an error page (never an untrusted redirect).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from credstack.api.deps import InstitutionDep, SettingsDep, UowDep
from credstack.api.ob3.adapter import oauth_request, to_response
from credstack.api.ob3.discovery import PREFIX
from credstack.services import oauth
from credstack.web.session import CSRF_FIELD, CsrfDep, RequireWebPrincipal
from credstack.web.views import PageRoute, error_page, render

pages = APIRouter(route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse)
AUTHORIZE = f"{PREFIX}/oauth/authorize"


def _refused(request: Request, answer: oauth.OAuthResponse) -> Response:
    if answer.location:  # Authlib trusted the redirect URI: the client hears of the error
        return to_response(answer)
    body = answer.body if isinstance(answer.body, dict) else {}
    message = str(body.get("error_description") or body.get("error") or "the request is not valid")
    return error_page(request, 400, "This application's request cannot be accepted", message)


@pages.get(AUTHORIZE, name="oauth_authorize")
async def authorize_page(
    request: Request,
    user: RequireWebPrincipal,
    uow: UowDep,
    institution: InstitutionDep,
    settings: SettingsDep,
) -> Response:
    found = await oauth_request(request, settings.base_url)
    answer = await run_in_threadpool(oauth.consent, uow, institution=institution, request=found, user=user)
    if isinstance(answer, oauth.OAuthResponse):
        return _refused(request, answer)
    page = render(
        request,
        "oauth_consent.html",
        None,
        consent=answer,
        params=list(request.query_params.multi_items()),
        back_to=urlsplit(answer.redirect_uri).netloc or answer.redirect_uri,
        user=user,
        action=AUTHORIZE,
    )
    # the consent must be the learner's own click: never inside another site's frame
    page.headers["X-Frame-Options"] = "DENY"
    page.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
    page.headers["Cache-Control"] = "no-store"
    return page


@pages.post(AUTHORIZE)
async def authorize_decision(
    request: Request,
    user: RequireWebPrincipal,
    _csrf: CsrfDep,
    uow: UowDep,
    institution: InstitutionDep,
    settings: SettingsDep,
    decision: Annotated[str, Form()] = "",
) -> Response:
    found = await oauth_request(request, settings.base_url, drop=(CSRF_FIELD, "decision"))
    answer = await run_in_threadpool(
        oauth.decide, uow, institution=institution, request=found, user=user, allow=decision == "allow"
    )
    if answer.status != 302:
        return _refused(request, answer)
    return to_response(answer)


def register(app: FastAPI) -> None:
    app.include_router(pages)
