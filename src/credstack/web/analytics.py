"""The analytics pages: progression, velocity, employment, ROI, equity and engagement, each
filterable (GET form), every chart with its table beside it and that table as CSV; and the
pilot evaluation report (HTML and PDF). Signed-in registrars, board members and administrators
see everything; employers see the employment outcomes and ROI of their own sponsored cohorts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, Response

from credstack.api.deps import UowDep
from credstack.domain.analytics import Row
from credstack.domain.errors import NotFound
from credstack.domain.identity import Forbidden, Principal
from credstack.domain.institution import Institution
from credstack.services import analytics as an
from credstack.services import analytics_charts as charts
from credstack.services import pilot_report
from credstack.services.unit_of_work import UnitOfWork
from credstack.web.session import RequireWebPrincipal
from credstack.web.views import PageRoute, ProfileDep, render

pages = APIRouter(route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse)

PAGES = {
    "progression": "Progression",
    "velocity": "Completion velocity",
    "employment": "Employment outcomes",
    "roi": "Employer ROI",
    "equity": "Equity",
    "engagement": "Employer engagement",
}


@dataclass(frozen=True)
class Panel:
    """A chart (or a heat table) with its data table and the key of its CSV."""

    key: str
    title: str
    rows: list[Row]
    chart: charts.Chart | None = None
    heat: Any = None  # a TransitionMatrix drawn as a heat table
    note: str = ""


@dataclass
class PageData:
    context: an.Context
    intro: str
    panels: list[Panel]
    extra: dict[str, Any] = field(default_factory=dict)  # the page's own form fields and facts


def _filter(
    pathway: str = "",
    cohort: str = "",
    site: str = "",
    sponsor: str = "",
    period_from: str = Query("", alias="from"),
    period_to: str = Query("", alias="to"),
) -> an.AnalyticsFilter:
    return an.AnalyticsFilter(pathway, cohort, site, sponsor, period_from, period_to)


FilterDep = Annotated[an.AnalyticsFilter, Depends(_filter)]


def _progression(
    uow: UnitOfWork,
    institution: Institution,
    principal: Principal,
    flt: an.AnalyticsFilter,
    q: dict[str, str],
) -> PageData:
    result = an.progression(uow, institution=institution, principal=principal, flt=flt)
    return PageData(
        result.context,
        "Which module learners earn next after each one, and how many reach each stage on the way to the "
        "terminal credential.",
        [
            Panel(
                "matrix",
                "Module-to-module transitions",
                result.matrix.rows(),
                heat=result.matrix,
                note="Each row: the learners who earned that module (or started), by what they earned next. "
                "Shading follows the row share.",
            ),
            Panel("funnel", "Funnel", result.funnel.rows(), chart=charts.funnel_chart(result.funnel)),
        ],
    )


def _velocity(
    uow: UnitOfWork,
    institution: Institution,
    principal: Principal,
    flt: an.AnalyticsFilter,
    q: dict[str, str],
) -> PageData:
    withdrawal = q.get("withdrawal", "censored") or "censored"
    split = q.get("split", "")
    result = an.velocity(
        uow, institution=institution, principal=principal, flt=flt, withdrawal=withdrawal, split=split
    )
    return PageData(
        result.context,
        "Kaplan-Meier estimate of the time from entry to the terminal credential. Learners still active are "
        "censored at the as-of date; withdrawn learners are censored at their withdrawal (or, with the other "
        "choice below, counted as not completing).",
        [
            Panel(
                "curve",
                "Share holding the credential by days since entry",
                an.curve_rows(result.curves),
                chart=charts.km_chart(result.curves),
            ),
            Panel("median", "Median time to the credential", an.median_rows(result.curves)),
        ],
        {"withdrawal": result.withdrawal, "split": result.split or ""},
    )


def _employment(
    uow: UnitOfWork,
    institution: Institution,
    principal: Principal,
    flt: an.AnalyticsFilter,
    q: dict[str, str],
) -> PageData:
    result = an.employment(uow, institution=institution, principal=principal, flt=flt)
    o = result.outcomes
    items = [("satisfaction", o.satisfaction)] + [(f"{m} months", mean) for m, mean in o.performance]
    return PageData(
        result.context,
        f"Hire rate within {o.window_days} days of the credential (completers with the whole window behind "
        "them), days from credential to first hire, employer satisfaction and post-hire performance (ratings "
        "on a 5-point scale), and retention 12 months after the hire.",
        [
            Panel(
                "outcomes",
                "Employment outcomes",
                result.rows(),
                chart=charts.means_chart("Employer ratings (5-point scale)", items, "mean rating", top=5),
            )
        ],
    )


def _roi(
    uow: UnitOfWork,
    institution: Institution,
    principal: Principal,
    flt: an.AnalyticsFilter,
    q: dict[str, str],
) -> PageData:
    result = an.roi(uow, institution=institution, principal=principal, flt=flt)
    missing = [{"sponsor": c.sponsor, "cohort": c.code, "pathway": c.pathway} for c in result.missing]
    return PageData(
        result.context,
        "Return on investment per sponsored cohort from the inputs the employer supplies; each formula is "
        "shown with its numbers put in.",
        [
            Panel(
                "roi", "ROI per sponsored cohort", result.report.rows(), chart=charts.roi_chart(result.report)
            )
        ],
        {
            "missing": missing,
            "formulas": [(f"{r.inputs.sponsor} {r.inputs.cohort}", r.formula) for r in result.report.cohorts],
        },
    )


def _equity(
    uow: UnitOfWork,
    institution: Institution,
    principal: Principal,
    flt: an.AnalyticsFilter,
    q: dict[str, str],
) -> PageData:
    try:
        horizon = int(q.get("horizon", "") or an.EQUITY_HORIZON_DAYS)
    except ValueError:
        horizon = an.EQUITY_HORIZON_DAYS
    result = an.equity(
        uow,
        institution=institution,
        principal=principal,
        flt=flt,
        attribute=q.get("attribute", ""),
        comparison=q.get("comparison", ""),
        reference=q.get("reference", ""),
        horizon_days=horizon,
    )
    report = result.report
    panels = []
    if report is not None:
        panels.append(
            Panel(
                "equity",
                "Progression and completion by group",
                report.rows(),
                chart=charts.equity_chart(report),
            )
        )
    return PageData(
        result.context,
        f"Progression (two modules or the credential) and completion within {horizon} days of entry, by "
        "demographic group, from consented data only, against the reference group and the comparison cohort.",
        panels,
        {
            "attributes": result.attributes,
            "attribute": report.attribute if report else "",
            "comparisons": result.comparisons,
            "comparison": result.comparison or "",
            "reference": report.reference if report else "",
            "horizon": horizon,
            "rule": an.POLICY.describe(),
        },
    )


def _engagement(
    uow: UnitOfWork,
    institution: Institution,
    principal: Principal,
    flt: an.AnalyticsFilter,
    q: dict[str, str],
) -> PageData:
    result = an.engagement(uow, institution=institution, principal=principal, flt=flt)
    return PageData(
        result.context,
        "How much employers take part: partners active in the period, modules they co-designed, their "
        "assessors and mentors, the verifications they ran, the seats they sponsored and the hires. The "
        "period bounds the dates of the events counted.",
        [
            Panel(
                "engagement",
                "Employer engagement",
                result.rows(),
                chart=charts.counts_chart("Employer engagement", result.counts),
            )
        ],
    )


BUILDERS: dict[
    str, Callable[[UnitOfWork, Institution, Principal, an.AnalyticsFilter, dict[str, str]], PageData]
] = {
    "progression": _progression,
    "velocity": _velocity,
    "employment": _employment,
    "roi": _roi,
    "equity": _equity,
    "engagement": _engagement,
}
EXTRA_PARAMS = ("withdrawal", "split", "attribute", "comparison", "reference", "horizon")


def _query(request: Request) -> dict[str, str]:
    return {k: v for k, v in request.query_params.items() if v}


@pages.get("/analytics", name="analytics")
def analytics_index(
    request: Request, uow: UowDep, institution: ProfileDep, principal: RequireWebPrincipal
) -> HTMLResponse:
    allowed = [
        (name, title)
        for name, title in PAGES.items()
        if principal.has(*an.ANALYSTS) or (name in an.EMPLOYER_METRICS and "employer" in principal.roles)
    ]
    if not allowed:
        raise Forbidden(
            "the analytics need the role of registrar, governance board member, administrator or employer"
        )
    return render(
        request,
        "analytics_index.html",
        institution,
        pages=allowed,
        nav="analytics",
        analyst=principal.has(*an.ANALYSTS),
    )


@pages.get("/analytics/pilot", name="analytics_pilot")
def pilot_page(
    request: Request, uow: UowDep, institution: ProfileDep, principal: RequireWebPrincipal, flt: FilterDep
) -> HTMLResponse:
    report = pilot_report.build(uow, institution=institution, principal=principal, flt=flt)
    query = urlencode(_query(request))
    return render(
        request,
        "analytics_pilot.html",
        institution,
        r=report,
        pdf_url="/analytics/pilot.pdf" + (f"?{query}" if query else ""),
        notes=pilot_report.METHOD_NOTES,
        form=_form(flt),
        nav="analytics",
    )


@pages.get("/analytics/pilot.pdf", name="analytics_pilot_pdf")
def pilot_pdf(
    uow: UowDep, institution: ProfileDep, principal: RequireWebPrincipal, flt: FilterDep
) -> Response:
    report = pilot_report.build(uow, institution=institution, principal=principal, flt=flt)
    return Response(
        pilot_report.pdf(report, institution_name=institution.name),
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="pilot-{report.context.pathway or "all"}.pdf"'
        },
    )


def _form(flt: an.AnalyticsFilter) -> dict[str, str]:
    return {
        "pathway": flt.pathway,
        "cohort": flt.cohort,
        "site": flt.site,
        "sponsor": flt.sponsor,
        "from": flt.period_from,
        "to": flt.period_to,
    }


@pages.get("/analytics/{name}.csv", name="analytics_csv")
def analytics_csv(
    request: Request,
    name: str,
    uow: UowDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
    flt: FilterDep,
    table: str = "",
) -> Response:
    builder = BUILDERS.get(name)
    if builder is None:
        raise NotFound("analytics page", name)
    data = builder(uow, institution, principal, flt, _query(request))
    panel = (
        next((p for p in data.panels if p.key == (table or data.panels[0].key)), None)
        if data.panels
        else None
    )
    if panel is None:
        raise NotFound("analytics table", table)
    return Response(
        an.to_csv(panel.rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="analytics-{name}-{panel.key}.csv"'},
    )


@pages.get("/analytics/{name}", name="analytics_page")
def analytics_page(
    request: Request,
    name: str,
    uow: UowDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
    flt: FilterDep,
) -> HTMLResponse:
    builder = BUILDERS.get(name)
    if builder is None:
        raise NotFound("analytics page", name)
    query = _query(request)
    data = builder(uow, institution, principal, flt, query)
    panels = [
        {
            "panel": p,
            "svg": p.chart.svg(f"chart-{p.key}") if p.chart else None,
            "csv": f"/analytics/{name}.csv?" + urlencode({**query, "table": p.key}),
            "columns": list(p.rows[0]) if p.rows else [],
        }
        for p in data.panels
    ]
    return render(
        request,
        "analytics.html",
        institution,
        page=name,
        title=PAGES[name],
        data=data,
        ctx=data.context,
        panels=panels,
        form=_form(data.context.flt),
        extra=data.extra,
        employer=not principal.has(*an.ANALYSTS),
        pages=PAGES,
        nav="analytics",
    )


def register(app: FastAPI) -> None:
    app.include_router(pages)
