"""Who may use a page: dependencies that demand a signed-in user with one of some roles, and the
``may(...)`` template test that hides forms and links a viewer may not use.

An anonymous visitor is sent to /signin (and back afterwards); a signed-in user without the role
gets the 403 page naming the role needed. An administrator holds every role (Principal.has).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, Request
from jinja2 import pass_context

from credstack.domain.identity import Principal, Role
from credstack.web.session import SignInRequired, web_principal


def _come_back_to(request: Request) -> str:
    """Where sign-in returns to: this page, or for a form post the page the form was on (a
    post's own address has no page to show)."""
    if request.method in ("GET", "HEAD"):
        return request.url.path + (f"?{request.url.query}" if request.url.query else "")
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc == request.url.netloc and referer.path.startswith("/"):
        return referer.path + (f"?{referer.query}" if referer.query else "")
    return "/me"


def signed_in_as(*roles: Role) -> Callable[[Request], Principal]:
    """A dependency: the signed-in user, who must hold one of ``roles``."""

    def check(request: Request) -> Principal:
        principal = web_principal(request)
        if principal is None:
            raise SignInRequired(_come_back_to(request))
        principal.require(*roles)
        return principal

    return check


RegistrarDep = Annotated[Principal, Depends(signed_in_as(Role.REGISTRAR))]
AdminDep = Annotated[Principal, Depends(signed_in_as(Role.ADMIN))]
GovernanceDep = Annotated[Principal, Depends(signed_in_as(Role.BOARD, Role.DESIGNER, Role.REGISTRAR))]
STAFF = (Role.REGISTRAR, Role.ASSESSOR)  # who may read any learner's records (and admins)


def reads_any_learner(principal: Principal | None) -> bool:
    return principal is not None and principal.has(*STAFF)


def may_read_learner(principal: Principal | None, learner_email: str) -> bool:
    """Staff read any learner's records; anyone else only their own (by their email)."""
    if principal is None:
        return False
    return principal.has(*STAFF) or principal.email.lower() == learner_email.strip().lower()


@pass_context
def _may(context: Any, *roles: str) -> bool:
    """In templates: ``{% if may("registrar") %}`` (any of the roles; admins may everything)."""
    request = context.get("request")
    principal = web_principal(request) if isinstance(request, Request) else None
    return principal is not None and principal.has(*(Role(r) for r in roles))


def install() -> None:
    from credstack.web.views import templates

    templates.env.globals["may"] = _may
