"""Users on the web: the administrator's page (members and their roles, invitations, the invite
form) and the invitation link's page, where the invitee sets their name and password.

Mail is an integration point (services/mail.py): the invite form hands the message to the
configured mailer and shows the administrator the link, once, to pass on themselves.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from credstack.api.deps import SettingsDep, UowDep
from credstack.domain.errors import InvalidInput, InvalidTransition
from credstack.domain.identity import ROLE_LABELS, Role
from credstack.domain.institution import Institution
from credstack.services import invitations as service
from credstack.services.identity import MIN_PASSWORD, members
from credstack.services.mail import mailer_from_settings
from credstack.services.members import set_roles
from credstack.services.unit_of_work import UnitOfWork
from credstack.web.authz import AdminDep
from credstack.web.session import CsrfDep, sign_in_session
from credstack.web.signin import ROLE_ORDER
from credstack.web.views import PageRoute, ProfileDep, render

pages = APIRouter(route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse)

NO_REFERRER = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}  # the link holds a secret
STATE_LABELS = {"pending": "Pending", "accepted": "Accepted", "revoked": "Withdrawn", "expired": "Expired"}
Roles = Annotated[list[str] | None, Form()]


def _admin_page(
    request: Request, uow: UnitOfWork, institution: Institution, status_code: int = 200, **context: Any
) -> HTMLResponse:
    return render(
        request,
        "admin_users.html",
        institution,
        status_code,
        members=members(uow, institution=institution),
        invitations=service.invitations(uow, institution=institution),
        now=datetime.now(UTC),
        roles=[(r, ROLE_LABELS[r]) for r in ROLE_ORDER],
        state_labels=STATE_LABELS,
        done=request.query_params.get("done", ""),
        nav="me",
        **({"form": {}, "errors": {}} | context),
    )


@pages.get("/admin/users", name="admin_users")
def users_page(request: Request, _admin: AdminDep, uow: UowDep, institution: ProfileDep) -> HTMLResponse:
    return _admin_page(request, uow, institution)


@pages.post("/admin/users/invite")
def invite_submitted(
    request: Request,
    admin: AdminDep,
    _csrf: CsrfDep,
    uow: UowDep,
    settings: SettingsDep,
    institution: ProfileDep,
    email: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    roles: Roles = None,
) -> HTMLResponse:
    """Invite; the page then shows the link (once: only its hash is kept)."""
    form = {"email": email, "name": name, "roles": roles or []}
    try:
        issued = service.invite(
            uow, institution=institution, base_url=settings.base_url, email=email, name=name,
            roles=roles or [], actor=admin.actor, days=settings.invitation_days,
            mailer=mailer_from_settings(settings), sender=settings.mail_from,
        )  # fmt: skip
    except InvalidInput as exc:
        errors = {p.location: p.message for p in exc.problems}
        return _admin_page(request, uow, institution, 422, form=form, errors=errors)
    return render_with_headers(_admin_page(request, uow, institution, 201, issued=issued))


def render_with_headers(response: HTMLResponse) -> HTMLResponse:
    response.headers.update(NO_REFERRER)
    return response


def _back(done: str) -> RedirectResponse:
    return RedirectResponse(f"/admin/users?{urlencode({'done': done})}", status_code=303)


@pages.post("/admin/invitations/{invitation_id}/revoke")
def revoke_submitted(
    invitation_id: int, admin: AdminDep, _csrf: CsrfDep, uow: UowDep, institution: ProfileDep
) -> Response:
    found = service.revoke(uow, institution=institution, invitation_id=invitation_id, actor=admin.actor)
    return _back(f"The invitation to {found.email} is withdrawn: its link no longer works.")


@pages.post("/admin/users/{user_id}/roles")
def roles_submitted(
    request: Request,
    user_id: int,
    admin: AdminDep,
    _csrf: CsrfDep,
    uow: UowDep,
    institution: ProfileDep,
    roles: Roles = None,
) -> Response:
    try:
        now = set_roles(uow, institution=institution, user_id=user_id, roles=roles or [], actor=admin.actor)
    except InvalidTransition as exc:
        return _admin_page(request, uow, institution, 409, role_error=(user_id, str(exc)))
    shown = (
        ", ".join(ROLE_LABELS[r].lower() for r in ROLE_ORDER if r in now) or "no role (no longer a member)"
    )
    return _back(f"Roles saved: {shown}.")


# ---- the invitation link -----------------------------------------------------------------


def _unusable(request: Request, exc: service.InvitationUnusable) -> HTMLResponse:
    status = 404 if exc.state == "unknown" else 410
    return render_with_headers(
        render(request, "invite.html", None, status, unusable=exc.state, message=str(exc), invitation=None)
    )


def _invite_page(
    request: Request, institution: Institution, invitation: Any, token: str, status_code: int = 200,
    **context: Any,
) -> HTMLResponse:  # fmt: skip
    labels = [ROLE_LABELS[Role(r)] for r in invitation.roles if r in Role.__members__.values()]
    return render_with_headers(
        render(
            request,
            "invite.html",
            institution,
            status_code,
            invitation=invitation,
            token=token,
            role_labels=labels,
            min_password=MIN_PASSWORD,
            unusable=None,
            **({"errors": {}, "form": {"name": invitation.name}} | context),
        )
    )


@pages.get("/invite/{token}", name="invitation")
def invitation_page(request: Request, token: str, uow: UowDep, institution: ProfileDep) -> HTMLResponse:
    try:
        found = service.open_invitation(uow, institution=institution, secret=token)
    except service.InvitationUnusable as exc:
        return _unusable(request, exc)
    return _invite_page(request, institution, found, token)


@pages.post("/invite/{token}")
def invitation_accepted(
    request: Request,
    token: str,
    _csrf: CsrfDep,
    uow: UowDep,
    institution: ProfileDep,
    name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    confirm: Annotated[str, Form()] = "",
) -> Response:
    """Set the name and password, take the invited roles, and be signed in."""
    try:
        found = service.open_invitation(uow, institution=institution, secret=token)
        if password != confirm:
            errors = {"confirm": "The two passwords differ: type the same password twice."}
            return _invite_page(request, institution, found, token, 422, errors=errors, form={"name": name})
        try:
            principal, version = service.accept(
                uow, institution=institution, secret=token, name=name, password=password
            )
        except InvalidInput as exc:
            errors = {p.location: p.message for p in exc.problems}
            return _invite_page(request, institution, found, token, 422, errors=errors, form={"name": name})
    except service.InvitationUnusable as exc:
        return _unusable(request, exc)
    sign_in_session(request, principal, version)
    response = RedirectResponse("/me", status_code=303)
    response.headers.update(NO_REFERRER)
    return response


def register(app: FastAPI) -> None:
    app.include_router(pages)
