"""The designers' learning-resources page: every resource with what it is attached to, a form
to add one (prefilled from ``?achievement=`` or ``?competency=``), editing, removal and a CSV
import. Curriculum designers and administrators only; every form carries its CSRF token."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from credstack.api.deps import UowDep
from credstack.domain.errors import InvalidInput, Problem
from credstack.domain.identity import Principal
from credstack.domain.institution import Institution
from credstack.domain.resources import KIND_LABELS, ResourceDraft, minutes_of
from credstack.services import catalog, frameworks
from credstack.services import resources as service
from credstack.services.unit_of_work import UnitOfWork
from credstack.web import presenters
from credstack.web.session import CsrfDep, RequireWebPrincipal
from credstack.web.views import PageRoute, ProfileDep, render

pages = APIRouter(route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse)
MAX_CSV = 1_000_000
FIELDS = ("title", "url", "kind", "minutes", "provider", "achievement", "competency", "criterion")


def _designer(principal: Principal) -> None:
    principal.require(*service.EDITORS)


def _choices(uow: UnitOfWork, institution: Institution) -> dict[str, Any]:
    """The achievements and competencies a resource may be attached to, for the form."""
    achievements = sorted(
        ((s.achievement.code, s.achievement.name) for s in catalog.catalog(uow, institution=institution)),
    )
    competencies: dict[str, tuple[str, str]] = {}
    for _, rows in frameworks.competency_options(uow, institution=institution):
        for row in rows:
            c = row.competency
            competencies[c.identifier] = (c.code or c.identifier, presenters.competency_option_label(row))
    return {"achievement_choices": achievements, "competency_choices": competencies}


def _form_errors(exc: InvalidInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    for p in exc.problems:
        field = p.location if p.location in FIELDS else "form"
        errors[field] = f"{errors[field]}; {p.message}" if field in errors else p.message
    return errors


def _page(
    request: Request,
    uow: UnitOfWork,
    institution: Institution,
    status_code: int = 200,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    achievement: str = "",
    competency: str = "",
    **context: Any,
) -> HTMLResponse:
    shown = service.list_resources(
        uow, institution=institution, achievement=achievement, competency=competency
    )
    return render(
        request,
        "resources.html",
        institution,
        status_code,
        resources=shown,
        form=form or {"achievement": achievement, "competency": competency, "kind": "reading"},
        errors=errors or {},
        kinds=KIND_LABELS,
        filter_achievement=achievement,
        filter_competency=competency,
        nav="curriculum",
        **_choices(uow, institution),
        **context,
    )


@pages.get("/resources", name="resources")
def resources_page(
    request: Request,
    uow: UowDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
    achievement: str = "",
    competency: str = "",
    done: str = "",
) -> HTMLResponse:
    _designer(principal)
    return _page(
        request, uow, institution, achievement=achievement.strip(), competency=competency.strip(), done=done
    )


def _draft(form: dict[str, str]) -> ResourceDraft:
    minutes, bad = minutes_of(form["minutes"], "minutes")
    if bad is not None:
        raise InvalidInput(bad)
    return ResourceDraft(
        form["title"], form["url"], form["kind"], minutes, form["provider"], form["achievement"],
        form["competency"], form["criterion"],
    )  # fmt: skip


Text = Annotated[str, Form()]


def _form(
    title: str,
    url: str,
    kind: str,
    minutes: str,
    provider: str,
    achievement: str,
    competency: str,
    criterion: str,
) -> dict[str, str]:
    return {
        "title": title, "url": url, "kind": kind, "minutes": minutes, "provider": provider,
        "achievement": achievement, "competency": competency, "criterion": criterion,
    }  # fmt: skip


@pages.post("/resources")
def resource_added(
    request: Request,
    uow: UowDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
    _csrf: CsrfDep,
    title: Text = "",
    url: Text = "",
    kind: Text = "",
    minutes: Text = "",
    provider: Text = "",
    achievement: Text = "",
    competency: Text = "",
    criterion: Text = "",
) -> Response:
    _designer(principal)
    form = _form(title, url, kind, minutes, provider, achievement, competency, criterion)
    try:
        added = service.add_resource(uow, institution=institution, principal=principal, draft=_draft(form))
    except InvalidInput as exc:
        return _page(request, uow, institution, 422, form=form, errors=_form_errors(exc))
    query = {"done": f"Added “{added.resource.title}”."}
    return RedirectResponse(f"/resources?{urlencode(query)}#resource-{added.id}", status_code=303)


@pages.get("/resources/{resource_id}/edit", name="resource_edit")
def resource_edit_page(
    request: Request, resource_id: int, uow: UowDep, institution: ProfileDep, principal: RequireWebPrincipal
) -> HTMLResponse:
    _designer(principal)
    found = service.get_resource(uow, institution=institution, resource_id=resource_id).resource
    form = {k: "" if (v := getattr(found, k)) is None else str(v) for k in FIELDS}
    return _edit(request, uow, institution, resource_id, form, {})


def _edit(
    request: Request,
    uow: UnitOfWork,
    institution: Institution,
    resource_id: int,
    form: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "resource_edit.html",
        institution,
        status_code,
        resource_id=resource_id,
        form=form,
        errors=errors,
        kinds=KIND_LABELS,
        nav="curriculum",
        **_choices(uow, institution),
    )


@pages.post("/resources/{resource_id}/edit")
def resource_changed(
    request: Request,
    resource_id: int,
    uow: UowDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
    _csrf: CsrfDep,
    title: Text = "",
    url: Text = "",
    kind: Text = "",
    minutes: Text = "",
    provider: Text = "",
    achievement: Text = "",
    competency: Text = "",
    criterion: Text = "",
) -> Response:
    _designer(principal)
    form = _form(title, url, kind, minutes, provider, achievement, competency, criterion)
    try:
        changed = service.update_resource(
            uow, institution=institution, principal=principal, resource_id=resource_id, draft=_draft(form)
        )
    except InvalidInput as exc:
        return _edit(request, uow, institution, resource_id, form, _form_errors(exc), 422)
    query = {"done": f"Saved “{changed.resource.title}”."}
    return RedirectResponse(f"/resources?{urlencode(query)}#resource-{resource_id}", status_code=303)


@pages.post("/resources/{resource_id}/delete")
def resource_removed(
    resource_id: int, uow: UowDep, institution: ProfileDep, principal: RequireWebPrincipal, _csrf: CsrfDep
) -> Response:
    _designer(principal)
    found = service.get_resource(uow, institution=institution, resource_id=resource_id)
    service.remove_resource(uow, institution=institution, principal=principal, resource_id=resource_id)
    query = {"done": f"Removed “{found.resource.title}”."}
    return RedirectResponse(f"/resources?{urlencode(query)}", status_code=303)


@pages.post("/resources/import")
async def resources_imported(
    request: Request,
    uow: UowDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
    _csrf: CsrfDep,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    _designer(principal)
    data = await file.read(MAX_CSV + 1) if file is not None and file.filename else b""
    name = file.filename if file is not None and file.filename else "resources.csv"
    try:
        if not data.strip():
            raise InvalidInput(Problem("file", "choose a CSV file of resources"))
        if len(data) > MAX_CSV:
            raise InvalidInput(Problem("file", f"a resources file is at most {MAX_CSV} bytes"))
        added = service.import_resources(
            uow, institution=institution, principal=principal, data=data, filename=name
        )
    except InvalidInput as exc:
        return _page(request, uow, institution, 422, import_errors=[str(p) for p in exc.problems])
    query = {"done": f"Imported {len(added)} resources from {name}."}
    return RedirectResponse(f"/resources?{urlencode(query)}", status_code=303)


def register(app: FastAPI) -> None:
    app.include_router(pages)
