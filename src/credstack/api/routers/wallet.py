"""The learner's wallet and share links, and what was shared with an employer.

A learner's API token reads their own credentials only and manages their own links; an
employer's token lists the working links made for their email. Someone else's credential or link
is answered 404, as if it did not exist.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Response, status

from credstack.api.access import allow
from credstack.api.deps import InstitutionDep, SettingsDep, UowDep
from credstack.api.verify_schemas import ReportOut
from credstack.api.wallet_schemas import (
    NewShareOut,
    SharedOut,
    ShareIn,
    ShareOut,
    WalletCredentialOut,
    new_share_out,
)
from credstack.domain.identity import Principal, Role
from credstack.services import shares, wallet
from credstack.services.verify_requests import verify_award

router = APIRouter(tags=["wallet"])

Holder = Annotated[Principal, allow(Role.LEARNER, scope="write")]
HOLDER_READS = allow(Role.LEARNER, scope="read")
HolderReader = Annotated[Principal, HOLDER_READS]
Recipient = Annotated[Principal, allow(Role.EMPLOYER, scope="read")]

GUARDED: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid API token"},
    403: {"description": "Your roles do not allow this"},
}
NOT_YOURS: dict[int | str, dict[str, Any]] = {404: {"description": "No such credential or link of yours"}}


@router.get("/wallet/credentials", responses=GUARDED)
def wallet_credentials(
    principal: HolderReader, uow: UowDep, institution: InstitutionDep, settings: SettingsDep
) -> list[WalletCredentialOut]:
    """Your credentials (a learner's token), newest first, with their status and downloads."""
    entries = wallet.wallet(uow, institution=institution, principal=principal)
    return [WalletCredentialOut.of(e, settings) for e in entries]


@router.post(
    "/wallet/credentials/{public_id}/shares",
    status_code=status.HTTP_201_CREATED,
    dependencies=[HOLDER_READS],  # the link is made after reading the credential: both scopes
    responses={
        **GUARDED, **NOT_YOURS,
        422: {"description": "Invalid expiry or recipient; each error names its field; nothing was made"},
    },
)  # fmt: skip
def create_share(
    public_id: str,
    body: ShareIn,
    principal: Holder,
    uow: UowDep,
    institution: InstitutionDep,
    settings: SettingsDep,
) -> NewShareOut:
    """Make a share link to one of your credentials; its secret is in this answer only."""
    made = shares.create_share(
        uow, institution=institution, principal=principal, public_id=public_id,
        duration=body.duration or "", until=body.until, recipient=body.recipient,
    )  # fmt: skip
    return new_share_out(made.share, made.token, settings, datetime.now(UTC))


@router.get("/wallet/credentials/{public_id}/shares", responses={**GUARDED, **NOT_YOURS})
def list_shares(
    public_id: str, principal: HolderReader, uow: UowDep, institution: InstitutionDep
) -> list[ShareOut]:
    """Every link to one of your credentials (working, expired and revoked), newest first."""
    found = shares.shares_of(uow, institution=institution, principal=principal, public_id=public_id)
    now = datetime.now(UTC)
    return [ShareOut.of(s, now) for s in found]


@router.delete(
    "/shares/{share_id}", status_code=status.HTTP_204_NO_CONTENT, responses={**GUARDED, **NOT_YOURS}
)
def revoke_share(share_id: int, principal: Holder, uow: UowDep, institution: InstitutionDep) -> Response:
    """Revoke one of your links at once: it shows nothing from now on (again: no change)."""
    shares.revoke_share(uow, institution=institution, principal=principal, share_id=share_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/shared", responses=GUARDED)
def shared_with_me(
    principal: Recipient, uow: UowDep, institution: InstitutionDep, settings: SettingsDep
) -> list[SharedOut]:
    """The credentials shared with you (an employer's token): working links made for your email,
    each verified now."""
    found = shares.shared_with(uow, institution=institution, principal=principal)
    out = []
    for f in found:
        checked = verify_award(
            uow, settings=settings, institution=institution, award=f.award, verifier_email=principal.email
        )
        out.append(SharedOut.of(f, settings, ReportOut.of(checked.report)))
    return out
