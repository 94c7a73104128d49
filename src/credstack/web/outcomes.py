"""Outcome records on the web: registrars import CSV files and record hires and ratings
(/outcomes); a learner gives or withdraws their demographic groups and their consent to case
studies about them (/me/privacy); anyone reads an achievement's case portfolio."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from credstack.api.deps import UowDep
from credstack.domain.errors import InvalidInput, NotFound
from credstack.domain.identity import Principal, Role
from credstack.domain.institution import Institution
from credstack.domain.outcomes import DEMOGRAPHIC_ATTRIBUTES, Hire, Rating, RatingKind
from credstack.services import catalog
from credstack.services import outcomes as service
from credstack.services.unit_of_work import UnitOfWork
from credstack.web.session import CsrfDep, RequireWebPrincipal
from credstack.web.views import PageRoute, ProfileDep, render

MAX_UPLOAD = 20 * 1024 * 1024
KIND_LABELS = {
    "sponsored-cohorts": "Sponsored cohorts",
    "enrolments": "Enrolments",
    "hires": "Hires",
    "ratings": "Ratings of hires",
    "demographics": "Demographic groups (consented)",
    "comparison": "Traditional-degree comparison cohort",
}

pages = APIRouter(route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse)


def _registrar(principal: Principal) -> Principal:
    principal.require(Role.REGISTRAR)
    return principal


def _outcomes_page(
    request: Request,
    uow: UnitOfWork,
    institution: Institution,
    principal: Principal,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    view = service.overview(uow, institution=institution, principal=principal)
    columns = {kind: spec.columns for kind, spec in service.SPECS.items()}
    return render(
        request, "outcomes.html", institution, status_code, view=view, kinds=KIND_LABELS, columns=columns,
        nav="outcomes", **context,
    )  # fmt: skip


@pages.get("/outcomes", name="outcomes")
def outcomes_page(
    request: Request, uow: UowDep, institution: ProfileDep, principal: RequireWebPrincipal, done: str = ""
) -> HTMLResponse:
    _registrar(principal)
    return _outcomes_page(request, uow, institution, principal, done=done)


@pages.post("/outcomes/import")
async def import_submitted(
    request: Request,
    uow: UowDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
    _csrf: CsrfDep,
    kind: Annotated[str, Form()] = "",
    cohort_code: Annotated[str, Form()] = "",
    cohort_name: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    _registrar(principal)
    data = await file.read(MAX_UPLOAD + 1) if file is not None and file.filename else b""
    problems: list[str] = []
    if kind not in KIND_LABELS:
        problems.append("Choose what the file holds.")
    if not data.strip():
        problems.append("Choose the CSV file.")
    elif len(data) > MAX_UPLOAD:
        problems.append("The file is larger than 20 MB.")
    if not problems:
        try:
            done = service.import_table(
                uow, institution=institution, principal=principal, kind=kind, data=data,
                filename=file.filename if file else None, cohort_code=cohort_code or None,
                cohort_name=cohort_name or None,
            )  # fmt: skip
        except InvalidInput as exc:
            problems = [str(p) for p in exc.problems]
        else:
            message = f"{KIND_LABELS[kind]}: {done.rows} rows, {done.added} added, {done.updated} updated"
            return RedirectResponse(
                request.url_for("outcomes").include_query_params(done=message), status_code=303
            )
    form = {"kind": kind, "cohort_code": cohort_code, "cohort_name": cohort_name}
    return _outcomes_page(
        request, uow, institution, principal, 422, import_problems=problems, import_form=form
    )


def _day(value: str, field: str, errors: dict[str, str]) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        errors[field] = "Enter a date as YYYY-MM-DD."
        return None


@pages.post("/outcomes/hires")
def hire_submitted(
    request: Request,
    uow: UowDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
    _csrf: CsrfDep,
    email: Annotated[str, Form()] = "",
    employer: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    hired: Annotated[str, Form()] = "",
) -> Response:
    _registrar(principal)
    errors: dict[str, str] = {}
    day = _day(hired, "hired", errors)
    if day is None and "hired" not in errors:
        errors["hired"] = "Enter the day the hire started."
    if not errors and day is not None:
        try:
            service.add_hire(
                uow, institution=institution, principal=principal,
                hire=Hire(email.strip().lower(), employer, role, day),
            )  # fmt: skip
        except InvalidInput as exc:
            errors = {p.location.split()[-1] if p.location else "email": p.message for p in exc.problems}
        else:
            return RedirectResponse(
                request.url_for("outcomes").include_query_params(done="Hire recorded"), status_code=303
            )
    form = {"email": email, "employer": employer, "role": role, "hired": hired}
    return _outcomes_page(request, uow, institution, principal, 422, hire_errors=errors, hire_form=form)


@pages.post("/outcomes/hires/{hire_id}/ratings")
def rating_submitted(
    request: Request,
    hire_id: int,
    uow: UowDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
    _csrf: CsrfDep,
    kind: Annotated[str, Form()] = "",
    score: Annotated[str, Form()] = "",
    scale_max: Annotated[str, Form()] = "5",
    months: Annotated[str, Form()] = "",
    rated_on: Annotated[str, Form()] = "",
) -> Response:
    _registrar(principal)
    errors: dict[str, str] = {}
    day = _day(rated_on, "rated_on", errors) or date.today()
    try:
        value = Decimal(score)
    except InvalidOperation:
        errors["score"] = "Enter the score as a number."
    if kind not in ("satisfaction", "performance"):
        errors["kind"] = "Choose satisfaction or performance."
    if not scale_max.isdigit() or (months and not months.isdigit()):
        errors["scale_max"] = "Enter whole numbers for the scale and the months."
    if not errors:
        rating = Rating(RatingKind(kind), value, int(scale_max), day, int(months) if months else None)
        try:
            service.rate_hire(
                uow, institution=institution, principal=principal, hire_id=hire_id, rating=rating
            )
        except InvalidInput as exc:
            errors = {p.location or "score": p.message for p in exc.problems}
        else:
            return RedirectResponse(
                request.url_for("outcomes").include_query_params(done="Rating recorded"), status_code=303
            )
    return _outcomes_page(
        request, uow, institution, principal, 422, rating_errors=errors, rating_hire=hire_id
    )


# ---- the learner's own ------------------------------------------------------------------------


def _privacy_page(
    request: Request,
    uow: UnitOfWork,
    institution: Institution,
    principal: Principal,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    return render(
        request, "privacy.html", institution, status_code,
        groups=service.my_demographics(uow, institution=institution, principal=principal),
        cases=service.my_case_studies(uow, institution=institution, principal=principal),
        attributes=DEMOGRAPHIC_ATTRIBUTES, nav="me", **context,
    )  # fmt: skip


@pages.get("/me/privacy", name="privacy")
def privacy_page(
    request: Request, uow: UowDep, institution: ProfileDep, principal: RequireWebPrincipal, done: str = ""
) -> HTMLResponse:
    principal.require(Role.LEARNER)
    return _privacy_page(request, uow, institution, principal, done=done)


@pages.post("/me/privacy/groups")
def group_submitted(
    request: Request,
    uow: UowDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
    _csrf: CsrfDep,
    attribute: Annotated[str, Form()] = "",
    group: Annotated[str, Form()] = "",
    action: Annotated[str, Form()] = "give",
) -> Response:
    try:
        if action == "withdraw":
            service.withdraw_demographic(
                uow, institution=institution, principal=principal, attribute=attribute
            )
            done = f"Withdrawn: your {attribute} is deleted"
        else:
            service.give_demographic(
                uow, institution=institution, principal=principal, attribute=attribute, group=group
            )
            done = f"Saved: {attribute}"
    except InvalidInput as exc:
        errors = {p.location: p.message for p in exc.problems}
        return _privacy_page(
            request,
            uow,
            institution,
            principal,
            422,
            group_errors=errors,
            group_form={"attribute": attribute, "group": group},
        )
    return RedirectResponse(request.url_for("privacy").include_query_params(done=done), status_code=303)


@pages.post("/me/privacy/case-studies/{case_id}")
def case_consent_submitted(
    request: Request,
    case_id: int,
    uow: UowDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
    _csrf: CsrfDep,
    decision: Annotated[str, Form()] = "",
) -> Response:
    if decision not in ("consent", "withdraw"):
        raise NotFound("decision", decision)
    service.consent_case_study(
        uow, institution=institution, principal=principal, case_id=case_id, consent=decision == "consent"
    )
    done = "Published with your consent" if decision == "consent" else "Consent withdrawn: no longer shown"
    return RedirectResponse(request.url_for("privacy").include_query_params(done=done), status_code=303)


# ---- public -----------------------------------------------------------------------------------


@pages.get("/achievements/{achievement_id}/cases", name="case_portfolio")
def case_portfolio(
    request: Request, achievement_id: int, uow: UowDep, institution: ProfileDep
) -> HTMLResponse:
    achievement = catalog.achievement_detail(uow, achievement_id=achievement_id).achievement
    cases = service.showcase(uow, institution=institution, achievement_id=achievement_id)
    return render(
        request, "case_portfolio.html", institution, achievement=achievement, cases=cases, nav="catalog"
    )


def register(app: FastAPI) -> None:
    app.include_router(pages)
