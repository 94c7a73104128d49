"""Invitations: an administrator's token invites people by email link, lists the invitations and
withdraws pending ones. The link (it holds the secret) is returned once, by the POST."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from credstack.api.access import allow
from credstack.api.deps import InstitutionDep, SettingsDep, UowDep
from credstack.domain.identity import Principal, Role
from credstack.services import invitations as service
from credstack.services.mail import mailer_from_settings
from credstack.store.invitations import StoredInvitation

router = APIRouter(tags=["users"])

Admin = Annotated[Principal, allow(Role.ADMIN, scope="admin")]

REFUSALS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid API token"},
    403: {"description": "Not an administrator"},
}


class InvitationIn(BaseModel):
    email: str = Field(min_length=3, max_length=320, description="the person's email: their sign-in name")
    name: str = Field(default="", max_length=200, description="their name (they can change it)")
    roles: list[Role] = Field(min_length=1, description="the roles they get on accepting")
    days: int | None = Field(default=None, ge=1, le=90, description="valid for (default: the install's)")


class InvitationOut(BaseModel):
    id: int
    email: str
    name: str
    roles: list[str]
    state: str = Field(description="pending, accepted, revoked or expired")
    expires_at: datetime
    created_by: str
    created_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None


class IssuedInvitationOut(InvitationOut):
    link: str = Field(description="the invitation link, shown this once (only its hash is kept)")


def _out(inv: StoredInvitation) -> dict[str, object]:
    return {
        "id": inv.id, "email": inv.email, "name": inv.name, "roles": list(inv.roles),
        "state": inv.state(datetime.now(UTC)), "expires_at": inv.expires_at, "created_by": inv.created_by,
        "created_at": inv.created_at, "accepted_at": inv.accepted_at, "revoked_at": inv.revoked_at,
    }  # fmt: skip


@router.post(
    "/invitations",
    status_code=status.HTTP_201_CREATED,
    responses={
        **REFUSALS,
        422: {"description": "A field is not valid, or the person already has an account"},
    },
)
def create_invitation(
    body: InvitationIn,
    principal: Admin,
    uow: UowDep,
    settings: SettingsDep,
    institution: InstitutionDep,
) -> IssuedInvitationOut:
    """Invite a person by email link: the link is mailed (an integration point) and returned once."""
    issued = service.invite(
        uow, institution=institution, base_url=settings.base_url, email=body.email, name=body.name,
        roles=[r.value for r in body.roles], actor=principal.actor, days=body.days or settings.invitation_days,
        mailer=mailer_from_settings(settings), sender=settings.mail_from,
    )  # fmt: skip
    return IssuedInvitationOut.model_validate({**_out(issued.invitation), "link": issued.link})


@router.get("/invitations", responses=REFUSALS)
def list_invitations(principal: Admin, uow: UowDep, institution: InstitutionDep) -> list[InvitationOut]:
    """Every invitation here, newest first, with its state (never its link)."""
    return [InvitationOut.model_validate(_out(i)) for i in service.invitations(uow, institution=institution)]


@router.post(
    "/invitations/{invitation_id}/revoke",
    responses={**REFUSALS, 404: {"description": "No such invitation"}, 409: {"description": "Already used"}},
)
def revoke_invitation(
    invitation_id: int, principal: Admin, uow: UowDep, institution: InstitutionDep
) -> InvitationOut:
    """Withdraw a pending invitation: its link stops working."""
    found = service.revoke(uow, institution=institution, invitation_id=invitation_id, actor=principal.actor)
    return InvitationOut.model_validate(_out(found))
