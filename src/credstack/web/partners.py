"""Partners on the web: the public list of partner organisations with what they co-designed and
their open projects, each published achievement's assessment blueprint, and the mentorship page
that shows a mentor's sign-off (what evidence links point to), with the sign-off form a mentor
reaches through their sign-off link."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from credstack.api.deps import UowDep
from credstack.domain.errors import InvalidInput, InvalidTransition
from credstack.domain.identity import Forbidden
from credstack.domain.partners import Outcome
from credstack.services import blueprints, mentorships, partners
from credstack.web import presenters
from credstack.web.session import CsrfDep
from credstack.web.views import PageRoute, ProfileDep, render

pages = APIRouter(route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse)


@pages.get("/partners", name="partners")
def partners_page(request: Request, uow: UowDep, institution: ProfileDep) -> HTMLResponse:
    found = partners.partners(uow, institution=institution)
    projects = partners.open_projects(uow, institution=institution)
    return render(request, "partners.html", institution, partners=found, projects=projects, nav="partners")


@pages.get("/achievements/{achievement_id}/blueprint", name="blueprint")
def blueprint_page(
    request: Request, achievement_id: int, uow: UowDep, institution: ProfileDep
) -> HTMLResponse:
    page = blueprints.blueprint(uow, institution=institution, achievement=achievement_id)
    bp = page.blueprint
    grid = presenters.rubric_grid(bp.rubric, bp.competency_labels()) if bp.rubric else None
    return render(
        request,
        "blueprint.html",
        institution,
        page=page,
        bp=bp,
        grid=grid,
        humanise=presenters.humanise,
        nav="catalog",
    )


@pages.get("/mentorships/{public_id}", name="mentorship")
def mentorship_page(
    request: Request, public_id: str, uow: UowDep, institution: ProfileDep, done: str = ""
) -> HTMLResponse:
    found = mentorships.public_mentorship(uow, institution=institution, public_id=public_id)
    return render(
        request,
        "partners_mentorship.html",
        institution,
        m=found,
        status=found.mentorship.status(date.today()),
        done=done,
        nav="partners",
    )


def _form(
    request: Request, uow: UowDep, institution: ProfileDep, public_id: str, key: str, status_code: int = 200,
    errors: dict[str, str] | None = None, values: dict[str, str] | None = None,
) -> HTMLResponse:  # fmt: skip
    found = mentorships.public_mentorship(uow, institution=institution, public_id=public_id)
    if not mentorships.check_key(found, key):
        raise Forbidden(
            "this sign-off link is not valid for this mentorship; ask the registrar for a new one"
        )
    return render(
        request, "partners_sign_off.html", institution, status_code, m=found, key=key, outcomes=list(Outcome),
        errors=errors or {}, values=values or {}, nav="partners",
    )  # fmt: skip


@pages.get("/mentorships/{public_id}/sign-off", name="mentorship_sign_off")
def sign_off_form(
    request: Request, public_id: str, uow: UowDep, institution: ProfileDep, key: str = ""
) -> HTMLResponse:
    return _form(request, uow, institution, public_id, key)


@pages.post("/mentorships/{public_id}/sign-off")
def sign_off_submitted(
    request: Request,
    _csrf: CsrfDep,
    public_id: str,
    uow: UowDep,
    institution: ProfileDep,
    key: Annotated[str, Form()] = "",
    statement: Annotated[str, Form()] = "",
    outcome: Annotated[str, Form()] = "",
) -> Response:
    """The mentor's sign-off. The one-time link's key is the mentor's authority (no account is
    needed). The form carries a CSRF token as every form post does: the form page starts a
    session for an anonymous visitor to hold it. It adds little to the key (a forger would need
    the key too) but keeps one rule for all forms."""
    values = {"statement": statement, "outcome": outcome}
    try:
        mentorships.sign_off_with_key(
            uow, institution=institution, public_id=public_id, key=key, statement=statement, outcome=outcome
        )
    except InvalidInput as exc:
        errors = {p.location: p.message for p in exc.problems}
        return _form(request, uow, institution, public_id, key, 422, errors, values)
    except InvalidTransition as exc:
        return _form(request, uow, institution, public_id, key, 409, {"form": str(exc)}, values)
    return RedirectResponse(f"/mentorships/{public_id}?done=signed", status_code=303)


def register(app: FastAPI) -> None:
    app.include_router(pages)
