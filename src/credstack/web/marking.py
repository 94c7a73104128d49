"""Marking on the web, for signed-in assessors: their own assignments (as the API lists them),
one submission's evidence with the rubric as a form (a level and a comment per criterion), and
the marks recorded through the same service as the API's. Marks are final once given."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from credstack.api.deps import SettingsDep, UowDep
from credstack.domain.assessment import CriterionMark
from credstack.domain.errors import InvalidInput, Problem
from credstack.domain.identity import Principal
from credstack.domain.institution import Institution
from credstack.services import assessment, marking
from credstack.services.unit_of_work import UnitOfWork
from credstack.web.session import CsrfDep, RequireWebPrincipal
from credstack.web.views import PageRoute, ProfileDep, render

pages = APIRouter(route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse)

PUBLIC_ID = re.compile(r"^[0-9a-f-]{36}$")
_WHERE = re.compile(r"^marks\[(?P<code>[^\]]+)\](?:\.(?P<part>level|comment))?$")


@pages.get("/marking", name="marking")
def marking_list(
    request: Request, uow: UowDep, institution: ProfileDep, principal: RequireWebPrincipal
) -> HTMLResponse:
    found = marking.my_assignments(uow, institution=institution, principal=principal)
    open_ = [(a, s) for a, s in found if a.completed_at is None]
    done = [(a, s) for a, s in found if a.completed_at is not None]
    done.sort(key=lambda pair: pair[0].completed_at or pair[0].assigned_at, reverse=True)
    return render(request, "marking.html", institution, open=open_, done=done, nav="marking")


def _form_page(
    request: Request,
    uow: UnitOfWork,
    institution: Institution,
    principal: Principal,
    assignment: int,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    view = marking.view_assignment(uow, institution=institution, principal=principal, assignment=assignment)
    earlier = {m.role: {x.criterion: x for x in m.marks} for m in view.earlier}
    return render(
        request,
        "marking_assignment.html",
        institution,
        status_code,
        v=view,
        a=view.assignment,
        sub=view.submission,
        own={m.criterion: m for m in view.own},
        earlier=earlier,
        nav="marking",
        **({"given": {}, "errors": {}, "summary": []} | context),
    )


@pages.get("/marking/{assignment}", name="marking_assignment")
def assignment_page(
    request: Request,
    assignment: int,
    uow: UowDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
    status: str = "",
    award: str = "",
) -> HTMLResponse:
    outcome = {"status": status, "award": award if PUBLIC_ID.match(award) else ""} if status else None
    return _form_page(request, uow, institution, principal, assignment, outcome=outcome)


def _errors(problems: list[Problem]) -> tuple[dict[str, str], list[str]]:
    """Problems keyed by form field (``level-C1``, ``comment-C1``), and the rest."""
    fields: dict[str, str] = {}
    other: list[str] = []
    for p in problems:
        found = _WHERE.match(p.location)
        if found is None:
            other.append(str(p))
        elif found["part"] == "comment":
            fields.setdefault(f"comment-{found['code']}", p.message)
        else:
            fields.setdefault(f"level-{found['code']}", p.message)
    return fields, other


@pages.post("/marking/{assignment}", name="marking_submit")
async def marks_submitted(
    request: Request,
    assignment: int,
    uow: UowDep,
    settings: SettingsDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
    _csrf: CsrfDep,
) -> Response:
    """Record the marks exactly as ``POST /api/v1/assignments/{id}/marks`` does; a form with a
    missing level or comment records nothing and comes back with each field's error."""
    form = await request.form()
    view = marking.view_assignment(uow, institution=institution, principal=principal, assignment=assignment)
    given: dict[str, CriterionMark] = {}
    shown: dict[str, str] = {}
    for criterion in view.rubric.criteria:
        level = str(form.get(f"level-{criterion.code}") or "")
        comment = str(form.get(f"comment-{criterion.code}") or "")
        shown[f"level-{criterion.code}"], shown[f"comment-{criterion.code}"] = level, comment
        if level or comment.strip():
            given[criterion.code] = CriterionMark(level, comment)
    try:
        outcome = marking.mark(
            uow,
            settings=settings,
            institution=institution,
            principal=principal,
            assignment=assignment,
            marking=given,
        )
    except InvalidInput as exc:
        fields, other = _errors(list(exc.problems))
        for criterion in view.rubric.criteria:  # a part left blank: say so plainly
            code = criterion.code
            if not shown[f"level-{code}"]:
                fields[f"level-{code}"] = "Choose a level."
            if not shown[f"comment-{code}"].strip():
                fields[f"comment-{code}"] = "Write a comment."
        return _form_page(
            request, uow, institution, principal, assignment, 422, given=shown, errors=fields, summary=other
        )
    query = {"status": outcome.status} | ({"award": outcome.award} if outcome.award else {})
    return RedirectResponse(
        f"/marking/{assignment}?{urlencode(query, quote_via=quote)}#outcome", status_code=303
    )


@pages.get("/marking/{assignment}/evidence/{evidence_id}", name="marking_evidence")
def evidence_download(
    assignment: int,
    evidence_id: int,
    uow: UowDep,
    settings: SettingsDep,
    institution: ProfileDep,
    principal: RequireWebPrincipal,
) -> Response:
    """An uploaded evidence file of a submission the assessor marks, as an attachment."""
    view = marking.view_assignment(uow, institution=institution, principal=principal, assignment=assignment)
    item, data = assessment.evidence_file(
        uow, settings=settings, institution=institution, principal=principal,
        submission=view.submission.public_id, evidence_id=evidence_id,
    )  # fmt: skip
    name = quote(item.filename or f"evidence-{item.id}")
    return Response(
        data,
        media_type=item.media_type or "application/octet-stream",
        headers={
            "Content-Disposition": f"attachment; filename=\"evidence-{item.id}\"; filename*=UTF-8''{name}",
            "X-Content-Type-Options": "nosniff",
        },
    )


def register(app: FastAPI) -> None:
    app.include_router(pages)
