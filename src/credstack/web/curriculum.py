"""Curriculum mapping on the web: pick a terminal credential, then its coverage matrix, gaps
(with the courses that already align), backmapping and coherence flags, and CSV downloads."""

from __future__ import annotations

import re

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import HTMLResponse

from credstack.api.deps import UowDep
from credstack.domain.errors import NotFound
from credstack.services import curriculum as service
from credstack.web import curriculum_view as view
from credstack.web.views import PageRoute, ProfileDep, render

pages = APIRouter(route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse)


@pages.get("/curriculum", name="curriculum")
def curriculum_list(request: Request, uow: UowDep, institution: ProfileDep) -> HTMLResponse:
    found = service.terminals(uow, institution=institution)
    return render(
        request, "curriculum.html", institution, terminals=found, marks=view.STATUS_MARKS, nav="curriculum"
    )


@pages.get("/curriculum/{code}", name="curriculum_map")
def curriculum_page(
    request: Request, code: str, uow: UowDep, institution: ProfileDep, pathway: str = ""
) -> HTMLResponse:
    found = service.curriculum(uow, institution=institution, code=code, pathway=pathway or None)
    m = found.map
    query = f"?pathway={m.stack.pathway.id}" if pathway else ""
    return render(
        request,
        "curriculum_map.html",
        institution,
        found=found,
        m=m,
        terminal=m.stack.terminal,
        groups=view.column_groups(m),
        counts=view.status_counts(m),
        marks=view.STATUS_MARKS,
        severity_words=view.SEVERITY_WORDS,
        kind_words=view.KIND_WORDS,
        route_text=view.route_text,
        route_nodes=view.route_nodes,
        member_routes=view.member_routes,
        remedy_text=view.remedy_text,
        query=query,
        nav="curriculum",
    )


@pages.get("/curriculum/{code}/{export}.csv", name="curriculum_csv")
def curriculum_csv(
    code: str, export: str, uow: UowDep, institution: ProfileDep, pathway: str = ""
) -> Response:
    if export not in service.EXPORTS:
        raise NotFound("curriculum export", f"{export}.csv")
    found = service.curriculum(uow, institution=institution, code=code, pathway=pathway or None)
    filename = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{code}-{export}.csv")
    return Response(
        service.export_csv(found, export),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


def register(app: FastAPI) -> None:
    app.include_router(pages)
