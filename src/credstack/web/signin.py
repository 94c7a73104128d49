"""Signing in and out, and /me: the signed-in user's home with what each of their roles can do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from credstack.api.deps import UowDep
from credstack.domain.identity import ROLE_LABELS, Principal, Role, Unauthenticated
from credstack.services.signin import TooManyAttempts, sign_in
from credstack.web.session import (
    CsrfDep,
    RequireWebPrincipal,
    WebPrincipalDep,
    csrf_token,
    safe_next,
    sign_in_session,
    sign_out_session,
)
from credstack.web.views import PageRoute, ProfileDep, render

pages = APIRouter(route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse)


@dataclass(frozen=True)
class Action:
    label: str
    href: str
    hint: str


ROLE_ACTIONS: dict[Role, tuple[Action, ...]] = {
    Role.LEARNER: (
        Action(
            "Your pathways", "/pathways", "See the stackable pathways and audit your progress towards one."
        ),
        Action("Verify a credential", "/verify", "Check any Open Badges credential, yours or another's."),
        Action(
            "Your data and consent",
            "/me/privacy",
            "Give or withdraw the groups used in equity statistics, and consent to case studies about you.",
        ),
        Action(
            "What a pathway costs", "/wallet/quote", "Your quote under every price model; place an order."
        ),
        Action(
            "Your transcript", "/wallet/transcript", "Your credentials and credits; PDF and CLR downloads."
        ),
    ),
    Role.REGISTRAR: (
        Action(
            "Outcomes",
            "/outcomes",
            "Import enrolments, sponsored cohorts, hires and ratings; record hires one at a time.",
        ),
        Action(
            "Transfer credit",
            "/transfer",
            "Decide claims for prior learning and keep articulation agreements.",
        ),
        Action(
            "Issue credentials",
            "/achievements",
            "Open an achievement in the catalog to issue it to a learner.",
        ),
        Action(
            "Trusted issuers", "/trusted-issuers", "Keep the list of issuers whose credentials are accepted."
        ),
        Action(
            "Moderation report", "/moderation", "How consistently assessors and sites mark; drift flagged."
        ),
        Action("Student records", "/registrar", "Learners' transcripts and the student-records export."),
        Action("Orders", "/orders", "The orders ledger: record payments, cancel, refund."),
        Action("Pricing", "/pricing", "Price models and discounts."),
    ),
    Role.ASSESSOR: (
        Action(
            "Your marking assignments",
            "/docs#/assessment",
            "Mark the submissions assigned to you through the API.",
        ),
        Action("Catalog and rubrics", "/achievements", "Read an achievement's rubric before marking."),
    ),
    Role.BOARD: (
        Action(
            "Governance queue",
            "/governance",
            "Review, approve or send back definitions; see overdue reviews.",
        ),
        Action(
            "Moderation report", "/moderation", "How consistently assessors and sites mark; drift flagged."
        ),
    ),
    Role.DESIGNER: (
        Action("Curriculum", "/curriculum", "Map programmes to competencies and check their coherence."),
        Action("Pathways", "/pathways", "Design how micro-credentials stack into certificates and diplomas."),
        Action("Pricing", "/pricing", "Price models (per module, bundle, subscription, seat) and discounts."),
    ),
    Role.EMPLOYER: (
        Action(
            "Verify a credential", "/verify", "Check a candidate's credential: genuine, unchanged, in force."
        ),
        Action("Partners", "/partners", "Co-design records, micro-internships and mentored experiences."),
    ),
}
ROLE_ORDER = (
    Role.ADMIN,
    Role.DESIGNER,
    Role.BOARD,
    Role.ASSESSOR,
    Role.REGISTRAR,
    Role.LEARNER,
    Role.EMPLOYER,
)


def actions_for(principal: Principal) -> list[tuple[Role, tuple[Action, ...]]]:
    """Per role held, what it can do; an administrator gets every role's list."""
    shown = ROLE_ORDER if Role.ADMIN in principal.roles else [r for r in ROLE_ORDER if r in principal.roles]
    return [(r, ROLE_ACTIONS[r]) for r in shown if r in ROLE_ACTIONS]


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@pages.get("/signin", name="signin")
def signin_page(
    request: Request, institution: ProfileDep, user: WebPrincipalDep, next: str = ""
) -> HTMLResponse:
    csrf_token(request)
    return render(
        request, "signin.html", institution, next=safe_next(next, ""), email="", error=None, user=user
    )


@pages.post("/signin")
def signin_post(
    request: Request,
    uow: UowDep,
    institution: ProfileDep,
    _csrf: CsrfDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    def again(status: int, error: str) -> HTMLResponse:
        return render(
            request, "signin.html", institution, status, next=safe_next(next, ""), email=email, error=error,
            user=None,
        )  # fmt: skip

    if not email.strip() or not password:
        return again(422, "Enter your email and your password.")
    try:
        principal, version = sign_in(
            uow, institution=institution, email=email, password=password, client=_client(request)
        )
    except TooManyAttempts as exc:
        return again(429, f"Sign-in is locked: {exc}.")
    except Unauthenticated:
        return again(401, "The email or the password is wrong.")
    sign_in_session(request, principal, version)
    return RedirectResponse(safe_next(next), status_code=303)


@pages.post("/signout")
def signout_post(request: Request, _csrf: CsrfDep) -> Response:
    sign_out_session(request)
    return RedirectResponse("/", status_code=303)


@pages.get("/me", name="me")
def me_page(request: Request, institution: ProfileDep, user: RequireWebPrincipal) -> HTMLResponse:
    roles = [(r, ROLE_LABELS[r]) for r in ROLE_ORDER if r in user.roles]
    return render(
        request, "me.html", institution, user=user, roles=roles, actions=actions_for(user), labels=ROLE_LABELS,
        nav="me",
    )  # fmt: skip


def register(app: FastAPI) -> None:
    app.include_router(pages)
