"""The learner's wallet (/wallet), share links (made there, opened at /s/{token}) and the employer's
list of what was shared with them (/shared).

A share page that does not work (unknown, expired or revoked) is one fixed 404 page that reveals
nothing. A view by the credential's own learner (signed in) is not counted.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from credstack.api.award_deps import credential_download
from credstack.api.deps import SettingsDep, UowDep
from credstack.domain.errors import InvalidInput, NotFound, Problem
from credstack.domain.identity import Role
from credstack.domain.institution import Institution
from credstack.domain.sharing import DURATIONS
from credstack.services import shares, wallet
from credstack.services.shares import SharedCredential, ShareUnavailable, share_url
from credstack.services.unit_of_work import UnitOfWork
from credstack.services.verify_requests import verify_award
from credstack.services.wallet import status_of
from credstack.settings import Settings
from credstack.store.awards import StoredAward
from credstack.web.credential_view import DOWNLOADS, credential_view
from credstack.web.qr import qr_svg
from credstack.web.session import CsrfDep, RequireWebPrincipal, WebPrincipalDep
from credstack.web.verify_view import VerifyView, verify_view
from credstack.web.views import PageRoute, ProfileDep, render

pages = APIRouter(route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse)
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}  # the token is in the URL


def clock() -> datetime:
    """Now (the tests of expiry replace this function)."""
    return datetime.now(UTC)


def _verdict(
    uow: UnitOfWork, settings: Settings, institution: Institution, award: StoredAward, verifier: str | None
) -> VerifyView:
    """The live verification of a shared credential: signature, dates, status list, issuer."""
    found = verify_award(
        uow, settings=settings, institution=institution, award=award, verifier_email=verifier
    )
    return verify_view(found)


def _private(response: HTMLResponse) -> HTMLResponse:
    response.headers.update(NO_STORE)
    return response


# ---- the wallet ----------------------------------------------------------------------------


def _wallet_page(
    request: Request,
    uow: UnitOfWork,
    settings: Settings,
    institution: Institution,
    principal: Any,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    now = clock()
    entries = wallet.wallet(uow, institution=institution, principal=principal, now=now)
    links = shares.my_shares(uow, institution=institution, principal=principal)
    by_award: dict[int, list[Any]] = {}
    for s in links:
        by_award.setdefault(s.award_id, []).append(s)
    return _private(
        render(
            request,
            "wallet.html",
            institution,
            status_code,
            entries=entries,
            shares=by_award,
            share_state=lambda s: shares.state(s, now),
            durations=DURATIONS,
            downloads=DOWNLOADS,
            revoked=request.query_params.get("revoked"),
            today=now.date(),
            nav="wallet",
            **context,
        )
    )


@pages.get("/wallet", name="wallet")
def wallet_page(
    request: Request,
    principal: RequireWebPrincipal,
    uow: UowDep,
    settings: SettingsDep,
    institution: ProfileDep,
) -> HTMLResponse:
    """Every credential of the signed-in learner, newest first, with downloads and share links."""
    return _wallet_page(request, uow, settings, institution, principal)


@pages.post("/wallet/credentials/{public_id}/shares")
def create_share(
    request: Request,
    public_id: str,
    principal: RequireWebPrincipal,
    _: CsrfDep,
    uow: UowDep,
    settings: SettingsDep,
    institution: ProfileDep,
    duration: Annotated[str, Form()] = "",
    until: Annotated[str, Form()] = "",
    recipient: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Make a link; the page shows it once (it is not stored, only its hash is)."""
    form = {"public_id": public_id, "duration": duration, "until": until, "recipient": recipient}
    try:
        day = _date(until)
        made = shares.create_share(
            uow, institution=institution, principal=principal, public_id=public_id,
            duration="" if day else duration, until=day, recipient=recipient, clock=clock,
        )  # fmt: skip
    except InvalidInput as exc:
        errors = {p.location: p.message for p in exc.problems}
        return _wallet_page(
            request, uow, settings, institution, principal, 422, share_form=form, share_errors=errors
        )
    link = share_url(settings.base_url, made.token)
    return _wallet_page(
        request, uow, settings, institution, principal, 201, new_share=made.share, new_link=link,
        new_qr=qr_svg(link, label="QR code of the new share link"),
    )  # fmt: skip


def _date(value: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(Problem("until", f"{value!r} is not a date (YYYY-MM-DD)")) from None


@pages.post("/wallet/shares/{share_id}/revoke")
def revoke_share(
    share_id: int, principal: RequireWebPrincipal, _: CsrfDep, uow: UowDep, institution: ProfileDep
) -> Response:
    shares.revoke_share(uow, institution=institution, principal=principal, share_id=share_id, clock=clock)
    return RedirectResponse(f"/wallet?revoked={share_id}#shares-{share_id}", status_code=303)


@pages.get("/wallet/credentials/{public_id}/credential.{fmt}")
def own_download(
    public_id: str,
    fmt: str,
    principal: RequireWebPrincipal,
    uow: UowDep,
    settings: SettingsDep,
    institution: ProfileDep,
) -> Response:
    """A download of one of the learner's own credentials (anyone else's: 404)."""
    award = wallet.own_award(uow, institution=institution, principal=principal, public_id=public_id)
    return credential_download(uow, settings=settings, award=award, fmt=fmt)


# ---- share links ---------------------------------------------------------------------------


def _gone(request: Request) -> HTMLResponse:
    """The one answer for every link that does not work: it names no credential and no reason."""
    return _private(render(request, "share_gone.html", None, 404))


def _open(
    uow: UnitOfWork, institution: Institution, token: str, viewer: str | None, count: bool
) -> SharedCredential | None:
    try:
        return shares.open_share(
            uow, institution=institution, token=token, clock=clock, count=count,
            viewer_email=viewer,
        )  # fmt: skip
    except ShareUnavailable:
        return None


@pages.get("/s/{token}", name="share")
def share_page(
    request: Request,
    token: str,
    viewer: WebPrincipalDep,
    uow: UowDep,
    settings: SettingsDep,
    institution: ProfileDep,
) -> HTMLResponse:
    """The shared credential, verified now, with its downloads and a QR code of this link."""
    found = _open(uow, institution, token, viewer.email if viewer else None, count=True)
    if found is None:
        return _gone(request)
    link = share_url(settings.base_url, token)
    return _private(
        render(
            request,
            "share.html",
            institution,
            c=credential_view(found.award, settings, now=clock()),
            v=_verdict(uow, settings, institution, found.award, viewer.email if viewer else None),
            share=found.share,
            link=link,
            token=token,
            qr=qr_svg(link, label="QR code of this share link"),
            downloads=DOWNLOADS,
            status=status_of(found.award, clock()),
        )
    )


@pages.get("/s/{token}/credential.{fmt}")
def share_download(
    request: Request, token: str, fmt: str, uow: UowDep, settings: SettingsDep, institution: ProfileDep
) -> Response:
    """A download of the shared credential, while the link works (not counted as a view)."""
    found = _open(uow, institution, token, None, count=False)
    if found is None:
        return _gone(request)
    return credential_download(uow, settings=settings, award=found.award, fmt=fmt)


# ---- the employer's list -------------------------------------------------------------------


@pages.get("/shared", name="shared")
def shared_page(
    request: Request,
    principal: RequireWebPrincipal,
    uow: UowDep,
    settings: SettingsDep,
    institution: ProfileDep,
) -> HTMLResponse:
    """The credentials learners shared with the signed-in employer, each verified now."""
    principal.require(Role.EMPLOYER)
    found = shares.shared_with(uow, institution=institution, principal=principal, clock=clock)
    items = [
        (
            f,
            credential_view(f.award, settings, now=clock()),
            _verdict(uow, settings, institution, f.award, principal.email),
        )
        for f in found
    ]
    return _private(render(request, "shared.html", institution, items=items, nav="shared"))


@pages.get("/shared/{share_id}/credential.{fmt}")
def shared_download(
    share_id: int,
    fmt: str,
    principal: RequireWebPrincipal,
    uow: UowDep,
    settings: SettingsDep,
    institution: ProfileDep,
) -> Response:
    """A download of a credential shared with this employer (while the link works)."""
    found = shares.shared_with(uow, institution=institution, principal=principal, clock=clock)
    match = next((f for f in found if f.share.id == share_id), None)
    if match is None:
        raise NotFound("credential shared with you", share_id)
    return credential_download(uow, settings=settings, award=match.award, fmt=fmt)


def register(app: FastAPI) -> None:
    app.include_router(pages)
