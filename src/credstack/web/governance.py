"""Governance on the web: the board's queue (what is in review with the approvals so far, what
waits to be published, which periodic reviews are overdue or due) and one definition version's
state and history, for signed-in board members, designers, registrars and administrators.
Read-only: the decisions are taken through the API and the CLI with a user's identity
(docs/governance.md)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse

from credstack.api.deps import SettingsDep, UowDep
from credstack.domain.governance import ReviewStatus, SubjectKind, review_status
from credstack.services import governance as service
from credstack.services.governance import Target, policy_from
from credstack.services.governance_queue import board_queue
from credstack.web.authz import GovernanceDep
from credstack.web.views import PageRoute, ProfileDep, render

pages = APIRouter(route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse)

REVIEW_LABELS = {
    ReviewStatus.OVERDUE: "Overdue",
    ReviewStatus.DUE: "Due soon",
    ReviewStatus.SCHEDULED: "Scheduled",
    ReviewStatus.UNSCHEDULED: "No review date",
}


@pages.get("/governance", name="governance")
def queue_page(
    request: Request, _who: GovernanceDep, uow: UowDep, settings: SettingsDep, institution: ProfileDep
) -> HTMLResponse:
    queue = board_queue(uow, institution=institution, policy=policy_from(settings))
    return render(
        request, "governance.html", institution, queue=queue, labels=REVIEW_LABELS, nav="governance"
    )


@pages.get("/governance/{kind}/{code}", name="governance_history")
def history_page(
    request: Request,
    _who: GovernanceDep,
    kind: SubjectKind,
    code: str,
    uow: UowDep,
    settings: SettingsDep,
    institution: ProfileDep,
    version: Annotated[int | None, Query(ge=1)] = None,
) -> HTMLResponse:
    policy = policy_from(settings)
    view = service.history(uow, institution=institution, policy=policy, target=Target(kind, code, version))
    review = review_status(view.record.next_review, date.today(), policy)
    return render(
        request,
        "governance_history.html",
        institution,
        view=view,
        r=view.record,
        policy=policy,
        review=review,
        labels=REVIEW_LABELS,
        nav="governance",
    )


def register(app: FastAPI) -> None:
    app.include_router(pages)
