"""Pathways on the web: the list, one pathway's requirements as a tree, and a learner's audit
against any pathway (a what-if when it is not theirs) with the cheapest next steps.

An audit shows one learner's records: registrars, assessors and administrators audit anyone;
any other signed-in user only themself (by their email); anonymous visitors are sent to sign in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from credstack.api.deps import UowDep
from credstack.domain.errors import NotFound
from credstack.domain.identity import Forbidden, Principal
from credstack.domain.institution import Institution
from credstack.domain.pathways.plan import Metric
from credstack.services import pathway_views as service
from credstack.services.awards import recent_awards
from credstack.services.stacking import stored_pathway
from credstack.services.unit_of_work import UnitOfWork
from credstack.store.pathways import StoredPathway
from credstack.web import pathway_view as view
from credstack.web.authz import may_read_learner, reads_any_learner
from credstack.web.session import RequireWebPrincipal, WebPrincipalDep
from credstack.web.views import PageRoute, ProfileDep, render

pages = APIRouter(route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse)

LEARNER_SUGGESTIONS = 200  # recent awards whose learners the email field suggests


@dataclass
class AuditForm:
    learner: str = ""
    metric: str = "price"
    errors: dict[str, str] = field(default_factory=dict)


def _audit_url(code: str, learner: str, metric: str) -> str:
    query = {"learner": learner} | ({"metric": metric} if metric != "price" else {})
    return f"/pathways/{code}/audit?{urlencode(query)}"


def _learners(uow: UnitOfWork, institution: Institution, viewer: Principal | None) -> list[tuple[str, str]]:
    """Emails the learner field suggests: recent learners for staff, else the viewer's own."""
    if not reads_any_learner(viewer):
        return [(viewer.email, viewer.name)] if viewer else []
    recent = recent_awards(uow, institution=institution, learner=None, limit=LEARNER_SUGGESTIONS)
    return sorted({(a.learner_email, a.learner_name) for a in recent})


@pages.get("/pathways", name="pathways")
def pathways_page(request: Request, uow: UowDep, institution: ProfileDep) -> HTMLResponse:
    found = service.list_pathways(uow, institution)
    offers = service.offers(uow, institution)
    rows = {p.code: view.definition_rows(stored_pathway(p), offers) for p in found}
    return render(
        request, "pathways.html", institution, pathways=found, rows=rows, offers=offers, nav="pathways"
    )


def _definition_page(
    request: Request,
    uow: UnitOfWork,
    institution: Institution,
    versions: list[StoredPathway],
    shown: StoredPathway,
    form: AuditForm,
    viewer: Principal | None,
    status_code: int = 200,
) -> HTMLResponse:
    offers = service.offers(uow, institution)
    pathway = stored_pathway(shown)
    return render(
        request,
        "pathway_audit.html",
        institution,
        status_code,
        stored=shown,
        pathway=pathway,
        versions=versions,
        root_row=view.definition_rows(pathway, offers),
        awards_offer=offers.get(shown.awards_code),
        found=None,
        form=form,
        all_pathways=service.list_pathways(uow, institution),
        learners=_learners(uow, institution, viewer),
        metric_labels=view.METRIC_LABELS,
        nav="pathways",
    )


@pages.get("/pathways/{code}", name="pathway")
def pathway_page(
    request: Request,
    code: str,
    uow: UowDep,
    institution: ProfileDep,
    viewer: WebPrincipalDep,
    version: str = "",
) -> HTMLResponse:
    versions = service.pathway_versions(uow, institution, code)
    shown = next((v for v in versions if str(v.version) == version), None) if version else versions[-1]
    if shown is None:
        raise NotFound(f"version {version} of pathway", code)
    form = AuditForm(viewer.email if viewer and not reads_any_learner(viewer) else "")
    return _definition_page(request, uow, institution, versions, shown, form, viewer)


@pages.get("/pathways/{code}/audit", name="pathway_audit")
def audit_page(
    request: Request,
    code: str,
    uow: UowDep,
    institution: ProfileDep,
    viewer: RequireWebPrincipal,
    learner: str = "",
    metric: str = "price",
    pathway: str = "",
) -> Response:
    """A learner's audit. ``pathway`` (the form's what-if selector) moves to that pathway's audit."""
    learner = learner.strip()
    if learner and not may_read_learner(viewer, learner):
        raise Forbidden("you can audit your own progress only: this needs the role of registrar or assessor")
    if pathway and pathway != code:
        return RedirectResponse(_audit_url(pathway, learner, metric), status_code=303)
    form = AuditForm(learner, metric)
    if not learner:
        form.errors["learner"] = "Enter the learner's email address."
    if metric not in view.METRIC_LABELS:
        form.errors["metric"] = "Choose lowest price, fewest credits or fewest study hours."
    versions = service.pathway_versions(uow, institution, code)
    if form.errors:
        return _definition_page(request, uow, institution, versions, versions[-1], form, viewer, 422)
    try:
        found = service.plan_for_learner(
            uow,
            institution=institution,
            learner_email=learner,
            pathway_code=code,
            metric=cast(Metric, metric),
        )
    except NotFound as exc:
        if exc.kind != "learner":
            raise
        form.errors["learner"] = f"There is no learner with the email address {learner}."
        return _definition_page(request, uow, institution, versions, versions[-1], form, viewer, 404)
    tree = view.audit_rows(found)
    context: dict[str, Any] = {
        "stored": next(v for v in versions if v.version == found.result.version),
        "pathway": found.audit.pathway,
        "versions": versions,
        "root_row": tree,
        "awards_offer": found.offers.get(found.audit.pathway.awards),
        "found": found,
        "plans": view.plan_views(found),
        "progress": view.progress(found),
        "stacked": view.stacked_award(found),
        "counted": view.where_counted(found, tree),
    }
    return render(
        request,
        "pathway_audit.html",
        institution,
        form=form,
        all_pathways=service.list_pathways(uow, institution),
        learners=_learners(uow, institution, viewer),
        metric_labels=view.METRIC_LABELS,
        audit_url=_audit_url,
        nav="pathways",
        **context,
    )


def register(app: FastAPI) -> None:
    app.include_router(pages)
