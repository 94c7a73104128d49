"""Governance: designers submit definitions (achievements with their rubric, pathway versions),
the board approves or requests changes, a version is published and later retired; comments, the
periodic review date and the board's queue. Every call needs an API token (401 without); the
role it needs is in each route's description (403 otherwise)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, status

from credstack.api.access import allow
from credstack.api.deps import InstitutionDep, SettingsDep, UowDep
from credstack.api.governance_schemas import (
    CommentIn,
    GovernanceOut,
    Kind,
    NextReviewIn,
    QueueOut,
    Step,
    StepIn,
)
from credstack.api.pathway_schemas import PathwaySavedOut
from credstack.api.uploads import UploadDep
from credstack.domain.governance import ROLES, SCOPE, VIEWERS, Action, require_author, require_viewer
from credstack.domain.identity import Principal, Role
from credstack.services import governance as service
from credstack.services.governance import Target, policy_from
from credstack.services.governance_queue import board_queue
from credstack.services.stacking import save_pathway

router = APIRouter(prefix="/governance", tags=["governance"])

Viewer = Annotated[Principal, allow(*VIEWERS)]  # the scope (read or govern) is checked by require_viewer
Author = Annotated[Principal, allow(*ROLES[Action.SUBMIT], scope=SCOPE)]
Member = Annotated[Principal, allow(Role.DESIGNER, Role.BOARD, scope=SCOPE)]  # each step checks its roles
BoardMember = Annotated[Principal, allow(*ROLES[Action.SCHEDULE_REVIEW], scope=SCOPE)]

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid API token"},
    403: {"description": "The caller's roles do not allow this (an author cannot approve their own)"},
    404: {"description": "No such definition or version"},
    409: {"description": "Not allowed in the version's current state"},
}
VersionQuery = Annotated[int | None, Query(ge=1, description="the pathway version (default: the newest)")]


@router.get("/queue", responses=ERRORS)
def queue(uow: UowDep, institution: InstitutionDep, settings: SettingsDep, principal: Viewer) -> QueueOut:
    """What waits for the board (in review with the approvals so far; approved, unpublished) and
    the live definitions whose periodic review is overdue, due soon or not scheduled.
    Designers and the board."""
    require_viewer(principal)
    return QueueOut.of(board_queue(uow, institution=institution, policy=policy_from(settings)))


@router.post("/pathways", status_code=status.HTTP_201_CREATED, responses=ERRORS)
def propose_pathway(
    uow: UowDep, institution: InstitutionDep, principal: Author, upload: UploadDep
) -> PathwaySavedOut:
    """Store a pathway file as its next version, as a draft for review (the caller is its
    author). Curriculum designers."""
    require_author(principal)  # also when the file changes nothing
    pathway, version = save_pathway(
        uow,
        institution=institution,
        data=upload.data,
        filename=upload.filename or "request body",
        actor=principal.actor,
        author=principal,
    )
    return PathwaySavedOut.of(pathway, version)


@router.get("/{kind}/{code}/history", responses=ERRORS)
def history(
    kind: Kind,
    code: str,
    uow: UowDep,
    institution: InstitutionDep,
    settings: SettingsDep,
    principal: Viewer,
    version: VersionQuery = None,
) -> GovernanceOut:
    """The version's state, approvals of the current round, every state change, the board's
    decisions and the comments. Designers and the board."""
    require_viewer(principal)
    policy = policy_from(settings)
    view = service.history(uow, institution=institution, policy=policy, target=Target(kind, code, version))
    return GovernanceOut.of(view, policy)


@router.post("/{kind}/{code}/comments", status_code=status.HTTP_201_CREATED, responses=ERRORS)
def comment(
    kind: Kind,
    code: str,
    body: CommentIn,
    uow: UowDep,
    institution: InstitutionDep,
    settings: SettingsDep,
    principal: Member,
    version: VersionQuery = None,
) -> GovernanceOut:
    """A comment, kept with this version. Designers and the board."""
    policy = policy_from(settings)
    view = service.comment(
        uow,
        institution=institution,
        principal=principal,
        policy=policy,
        target=Target(kind, code, version),
        text=body.text,
    )
    return GovernanceOut.of(view, policy)


@router.put("/{kind}/{code}/next-review", responses=ERRORS)
def next_review(
    kind: Kind,
    code: str,
    body: NextReviewIn,
    uow: UowDep,
    institution: InstitutionDep,
    settings: SettingsDep,
    principal: BoardMember,
    version: VersionQuery = None,
) -> GovernanceOut:
    """Set the date of the version's next periodic review. The board."""
    policy = policy_from(settings)
    view = service.schedule_review(
        uow,
        institution=institution,
        principal=principal,
        policy=policy,
        target=Target(kind, code, version),
        next_review=body.next_review,
        comment=body.comment,
    )
    return GovernanceOut.of(view, policy)


@router.post(
    "/{kind}/{code}/{step}",
    responses={**ERRORS, 422: {"description": "e.g. changes requested without a comment"}},
)
def take_step(
    kind: Kind,
    code: str,
    step: Step,
    uow: UowDep,
    institution: InstitutionDep,
    settings: SettingsDep,
    principal: Member,
    body: Annotated[StepIn | None, Body()] = None,
    version: VersionQuery = None,
) -> GovernanceOut:
    """One step of the workflow: ``submit`` (designers: draft to in review), ``approve`` (the
    board, not an author; the approval that reaches the configured number approves),
    ``request-changes`` (the board; back to draft, the comment says what should change),
    ``publish`` (designers or the board, once approved), ``retire`` (the board)."""
    policy = policy_from(settings)
    view = service.act(
        uow,
        institution=institution,
        principal=principal,
        policy=policy,
        target=Target(kind, code, version),
        action=step,
        comment=body.comment if body else "",
    )
    return GovernanceOut.of(view, policy)
