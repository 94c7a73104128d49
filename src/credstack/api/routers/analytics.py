"""Outcome analytics as JSON: each metric of the analytics pages, with the same filters and the
same access (registrars, board members, administrators; employers their own cohorts' employment
outcomes and ROI), computed from the last refresh of the analytics summaries."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from credstack.api.access import allow
from credstack.api.deps import InstitutionDep, UowDep
from credstack.domain.identity import Principal, Role
from credstack.services import analytics as an

router = APIRouter(tags=["analytics"])

Analyst = Annotated[Principal, allow(*an.ANALYSTS, scope="read")]
OutcomeReader = Annotated[Principal, allow(*an.ANALYSTS, Role.EMPLOYER, scope="read")]
"""Employment and ROI: analysts, and an employer for the cohorts their organisation sponsors
(the service narrows the filter to them)."""

GUARDED: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid API token"},
    403: {"description": "The token's user may not read these analytics"},
    422: {"description": "A filter is not valid (problem+json names it)"},
}


def _filter(
    pathway: str = "",
    cohort: str = "",
    site: str = "",
    sponsor: str = "",
    period_from: Annotated[str, Query(alias="from", description="First entry day, YYYY-MM-DD")] = "",
    period_to: Annotated[str, Query(alias="to", description="Last entry day, YYYY-MM-DD")] = "",
) -> an.AnalyticsFilter:
    return an.AnalyticsFilter(pathway, cohort, site, sponsor, period_from, period_to)


FilterDep = Annotated[an.AnalyticsFilter, Depends(_filter)]


def _context(ctx: an.Context) -> dict[str, Any]:
    return {
        "as_of": ctx.refresh.as_of.isoformat() if ctx.refresh else None,
        "refreshed_at": ctx.refresh.refreshed_at.isoformat() if ctx.refresh else None,
        "pathway": ctx.pathway,
        "selection": ctx.selection.as_json(),
    }


@router.get("/analytics/progression", responses=GUARDED, summary="Transition matrix and funnel")
def progression(
    uow: UowDep, institution: InstitutionDep, principal: Analyst, flt: FilterDep
) -> dict[str, Any]:
    r = an.progression(uow, institution=institution, principal=principal, flt=flt)
    return {**_context(r.context), "matrix": r.matrix.as_json(), "funnel": r.funnel.as_json()}


@router.get("/analytics/velocity", responses=GUARDED, summary="Kaplan-Meier time to the terminal credential")
def velocity(
    uow: UowDep,
    institution: InstitutionDep,
    principal: Analyst,
    flt: FilterDep,
    withdrawal: str = "censored",
    split: str = "",
) -> dict[str, Any]:
    r = an.velocity(
        uow, institution=institution, principal=principal, flt=flt, withdrawal=withdrawal, split=split
    )
    return {**_context(r.context), "curves": [{"name": n, **c.as_json()} for n, c in r.curves]}


@router.get("/analytics/employment", responses=GUARDED, summary="Hire rate, time to hire, ratings, retention")
def employment(
    uow: UowDep, institution: InstitutionDep, principal: OutcomeReader, flt: FilterDep
) -> dict[str, Any]:
    r = an.employment(uow, institution=institution, principal=principal, flt=flt)
    return {
        **_context(r.context),
        "outcomes": r.outcomes.as_json(),
        "retention": r.retention.as_json() if r.retention else None,
    }


@router.get("/analytics/roi", responses=GUARDED, summary="Employer ROI per sponsored cohort")
def roi(uow: UowDep, institution: InstitutionDep, principal: OutcomeReader, flt: FilterDep) -> dict[str, Any]:
    r = an.roi(uow, institution=institution, principal=principal, flt=flt)
    return {
        **_context(r.context),
        "report": r.report.as_json(),
        "awaiting_inputs": [{"sponsor": c.sponsor, "cohort": c.code} for c in r.missing],
    }


@router.get("/analytics/equity", responses=GUARDED, summary="Progression and completion by consented group")
def equity(
    uow: UowDep,
    institution: InstitutionDep,
    principal: Analyst,
    flt: FilterDep,
    attribute: str = "",
    comparison: str = "",
    reference: str = "",
    horizon: int = an.EQUITY_HORIZON_DAYS,
) -> dict[str, Any]:
    r = an.equity(
        uow,
        institution=institution,
        principal=principal,
        flt=flt,
        attribute=attribute,
        comparison=comparison,
        reference=reference,
        horizon_days=horizon,
    )
    return {**_context(r.context), "report": r.report.as_json() if r.report else None}


@router.get("/analytics/engagement", responses=GUARDED, summary="Employer engagement counts")
def engagement(
    uow: UowDep, institution: InstitutionDep, principal: Analyst, flt: FilterDep
) -> dict[str, Any]:
    r = an.engagement(uow, institution=institution, principal=principal, flt=flt)
    return {**_context(r.context), "counts": r.counts}
