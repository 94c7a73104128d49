"""The learner's own pages: the stacks they are on, one stack's map with the cheapest next steps
and their learning resources, and their submissions as feedback per rubric criterion.

Each page is the signed-in learner's own; nothing here takes a learner as a parameter. A
submission of anyone else is "not found" (404), as the API says.
"""

from __future__ import annotations

from typing import cast

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse

from credstack.api.deps import UowDep
from credstack.domain.errors import NotFound
from credstack.domain.pathways.plan import Metric
from credstack.services import learner_feedback, pathway_map
from credstack.web import pathway_view as view
from credstack.web.session import RequireWebPrincipal
from credstack.web.views import PageRoute, ProfileDep, error_page, render

pages = APIRouter(route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse)


@pages.get("/wallet/pathways", name="my_pathways")
def my_pathways_page(
    request: Request, uow: UowDep, institution: ProfileDep, principal: RequireWebPrincipal
) -> HTMLResponse:
    found = pathway_map.my_pathways(uow, institution=institution, principal=principal)
    return render(request, "wallet_pathways.html", institution, pathways=found, nav="me")


@pages.get("/wallet/pathways/{code}", name="pathway_map")
def pathway_map_page(
    request: Request,
    code: str,
    uow: UowDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
    metric: str = "price",
) -> HTMLResponse:
    status = 200
    error = None
    if metric not in view.METRIC_LABELS:
        error = "Choose lowest price, fewest credits or fewest study hours."
        metric, status = "price", 422
    try:
        found = pathway_map.pathway_map(
            uow, institution=institution, principal=principal, code=code, metric=cast(Metric, metric)
        )
    except NotFound as exc:
        if exc.kind != "learner":
            raise
        return error_page(
            request,
            404,
            "No records yet",
            "You hold no awards and have no submissions yet: your map starts with the first.",
        )
    return render(
        request,
        "pathway_map.html",
        institution,
        status,
        m=found,
        a=found.plan.audit,
        root=view.audit_rows(found.plan),
        plans=view.plan_views(found.plan),
        progress=view.progress(found.plan),
        stacked=view.stacked_award(found.plan),
        metric_labels=view.METRIC_LABELS,
        metric_error=error,
        nav="me",
    )


@pages.get("/wallet/submissions", name="my_submissions")
def my_submissions_page(
    request: Request, uow: UowDep, institution: ProfileDep, principal: RequireWebPrincipal
) -> HTMLResponse:
    found = pathway_map.my_submissions(uow, institution=institution, principal=principal)
    return render(request, "wallet_submissions.html", institution, submissions=found, nav="me")


@pages.get("/wallet/submissions/{public_id}", name="my_submission")
def my_submission_page(
    request: Request, public_id: str, uow: UowDep, institution: ProfileDep, principal: RequireWebPrincipal
) -> HTMLResponse:
    found = learner_feedback.my_submission_feedback(
        uow, institution=institution, principal=principal, public_id=public_id
    )
    return render(request, "submission_feedback.html", institution, f=found, nav="me")


def register(app: FastAPI) -> None:
    app.include_router(pages)
