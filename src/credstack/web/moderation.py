"""The moderation report on the web, for signed-in governance board members and registrars:
agreement, kappa, alpha and drift over the stored marks, overall and per achievement, cohort,
site and assessor, with the flagged groups first and the same report as CSV."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from credstack.api.deps import UowDep
from credstack.services import moderation
from credstack.web.session import RequireWebPrincipal
from credstack.web.views import PageRoute, ProfileDep, render

pages = APIRouter(route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse)


def _filter(achievement: str, cohort: str, site: str) -> moderation.ReportFilter:
    return moderation.ReportFilter(achievement.strip() or None, cohort.strip() or None, site.strip() or None)


@pages.get("/moderation", name="moderation")
def moderation_page(
    request: Request,
    uow: UowDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
    achievement: str = "",
    cohort: str = "",
    site: str = "",
) -> HTMLResponse:
    flt = _filter(achievement, cohort, site)
    result = moderation.report(uow, institution=institution, principal=principal, flt=flt)
    query = request.url.query
    return render(
        request,
        "moderation.html",
        institution,
        result=result,
        form={"achievement": achievement, "cohort": cohort, "site": site},
        csv_url="/moderation.csv" + (f"?{query}" if query else ""),
        nav="moderation",
    )


@pages.get("/moderation.csv", name="moderation_csv")
def moderation_csv(
    uow: UowDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
    achievement: str = "",
    cohort: str = "",
    site: str = "",
) -> Response:
    result = moderation.report(
        uow, institution=institution, principal=principal, flt=_filter(achievement, cohort, site)
    )
    return Response(
        moderation.report_csv(result),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="moderation-report.csv"'},
    )


def register(app: FastAPI) -> None:
    app.include_router(pages)
