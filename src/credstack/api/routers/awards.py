"""Awards: issue an Open Badges 3.0 credential (once), read it, download it, change its status."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Response, status

from credstack.api.access import AwardReader, Issuer, own_records, sees_everyone
from credstack.api.award_deps import AwardDep, credential_download
from credstack.api.award_schemas import AwardOut, AwardSummaryOut, IssuedOut, IssueIn, StatusChangeIn
from credstack.api.deps import InstitutionDep, SettingsDep, UowDep
from credstack.domain.errors import InvalidInput, NotFound, Problem
from credstack.domain.identity import Principal
from credstack.services import status as status_service
from credstack.services.awards import recent_awards
from credstack.services.credential_files import MEDIA_TYPES
from credstack.services.stacking import issue_and_stack
from credstack.store.awards import StoredAward

router = APIRouter(tags=["awards"])


def visible(award: StoredAward, principal: Principal) -> StoredAward:
    """The award, if the caller may see it: a registrar every award, a learner their own. Another
    learner's award is NotFound (404), the same answer as for one that does not exist."""
    if not sees_everyone(principal) and award.learner_email.lower() != principal.email.lower():
        raise NotFound("award", award.public_id)
    return award


@router.post(
    "/awards",
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"description": "Issued before (same idempotency key, or same content); nothing changed"},
        409: {"description": "The achievement is not published, or the marks do not meet its pass rule"},
    },
)
def issue(
    principal: Issuer,
    body: IssueIn,
    uow: UowDep,
    settings: SettingsDep,
    institution: InstitutionDep,
    response: Response,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
) -> IssuedOut:
    """Issue a signed AchievementCredential. A repeated request (same ``Idempotency-Key`` header
    or ``idempotency_key``, else the same content) returns the award already issued. Registrars."""
    if idempotency_key and body.idempotency_key and idempotency_key != body.idempotency_key:
        raise InvalidInput(Problem("idempotency_key", "differs from the Idempotency-Key header"))
    request = body.request(idempotency_key or body.idempotency_key)
    issued = issue_and_stack(
        uow, settings=settings, institution=institution, request=request, actor=principal.actor
    )
    if not issued.created:
        response.status_code = status.HTTP_200_OK
    return IssuedOut.of(issued.award, created=issued.created, settings=settings)


@router.get("/awards")
def list_awards(
    principal: AwardReader,
    uow: UowDep,
    settings: SettingsDep,
    institution: InstitutionDep,
    learner: Annotated[str | None, Query(description="only this learner's awards (email)")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[AwardSummaryOut]:
    """Recent awards, newest first. A registrar sees everyone's; a learner only their own (naming
    another learner is refused)."""
    if not sees_everyone(principal):
        own_records(principal, learner or principal.email)
        learner = principal.email
    found = recent_awards(uow, institution=institution, learner=learner, limit=limit)
    return [AwardSummaryOut.of(a, settings) for a in found]


@router.get("/awards/{public_id}")
def get_award(principal: AwardReader, award: AwardDep, settings: SettingsDep) -> AwardOut:
    """One award with its credential (a learner: only their own)."""
    return AwardOut.of(visible(award, principal), settings)


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
    principal: AwardReader,
    award: AwardDep,
    fmt: Literal["json", "jwt", "png", "svg", "pdf"],
    uow: UowDep,
    settings: SettingsDep,
) -> Response:
    """The credential as a file (a learner: only their own)."""
    return credential_download(uow, settings=settings, award=visible(award, principal), fmt=fmt)


@router.post("/awards/{public_id}/{action}")
def change_status(
    principal: Issuer,
    award: AwardDep,
    action: Literal["revoke", "suspend", "reinstate"],
    body: StatusChangeIn,
    uow: UowDep,
    settings: SettingsDep,
    institution: InstitutionDep,
) -> AwardSummaryOut:
    """Revoke (final), suspend or reinstate an award; the status list changes at once. Registrars."""
    updated = status_service.change_status(
        uow,
        institution=institution,
        award=award.public_id,
        action=action,
        reason=body.reason,
        actor=principal.actor,
    )
    return AwardSummaryOut.of(updated, settings)
