"""Awards: issue an Open Badges 3.0 credential (once), read it, download it, change its status."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Response, status

from credstack.api.award_deps import AwardDep, credential_download
from credstack.api.award_schemas import AwardOut, AwardSummaryOut, IssuedOut, IssueIn, StatusChangeIn
from credstack.api.deps import InstitutionDep, SettingsDep, UowDep
from credstack.domain.errors import InvalidInput, Problem
from credstack.services import status as status_service
from credstack.services.awards import recent_awards
from credstack.services.credential_files import MEDIA_TYPES
from credstack.services.stacking import issue_and_stack

router = APIRouter(tags=["awards"])

ACTOR = "api"  # until sign-in: who called the API


@router.post(
    "/awards",
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"description": "Issued before (same idempotency key, or same content); nothing changed"},
        409: {"description": "The achievement is not published, or the marks do not meet its pass rule"},
    },
)
def issue(
    body: IssueIn,
    uow: UowDep,
    settings: SettingsDep,
    institution: InstitutionDep,
    response: Response,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
) -> IssuedOut:
    """Issue a signed AchievementCredential. A repeated request (same ``Idempotency-Key`` header
    or ``idempotency_key``, else the same content) returns the award already issued."""
    if idempotency_key and body.idempotency_key and idempotency_key != body.idempotency_key:
        raise InvalidInput(Problem("idempotency_key", "differs from the Idempotency-Key header"))
    request = body.request(idempotency_key or body.idempotency_key)
    issued = issue_and_stack(uow, settings=settings, institution=institution, request=request, actor=ACTOR)
    if not issued.created:
        response.status_code = status.HTTP_200_OK
    return IssuedOut.of(issued.award, created=issued.created, settings=settings)


@router.get("/awards")
def list_awards(
    uow: UowDep,
    settings: SettingsDep,
    institution: InstitutionDep,
    learner: Annotated[str | None, Query(description="only this learner's awards (email)")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[AwardSummaryOut]:
    """Recent awards, newest first."""
    found = recent_awards(uow, institution=institution, learner=learner, limit=limit)
    return [AwardSummaryOut.of(a, settings) for a in found]


@router.get("/awards/{public_id}")
def get_award(award: AwardDep, settings: SettingsDep) -> AwardOut:
    return AwardOut.of(award, settings)


@router.get(
    "/awards/{public_id}/credential.{fmt}",
    response_class=Response,
    responses={
        200: {
            "description": "The credential as JSON, VC-JWT, a baked PNG or SVG badge, or a PDF certificate",
            "content": {media_type: {} for media_type in MEDIA_TYPES.values()},
        }
    },
)
def download(
    award: AwardDep, fmt: Literal["json", "jwt", "png", "svg", "pdf"], uow: UowDep, settings: SettingsDep
) -> Response:
    return credential_download(uow, settings=settings, award=award, fmt=fmt)


@router.post("/awards/{public_id}/{action}")
def change_status(
    award: AwardDep,
    action: Literal["revoke", "suspend", "reinstate"],
    body: StatusChangeIn,
    uow: UowDep,
    settings: SettingsDep,
    institution: InstitutionDep,
) -> AwardSummaryOut:
    """Revoke (final), suspend or reinstate an award; the status list changes at once."""
    updated = status_service.change_status(
        uow, institution=institution, award=award.public_id, action=action, reason=body.reason, actor=ACTOR
    )
    return AwardSummaryOut.of(updated, settings)
