"""Transfer credit: articulation agreements, the credit equivalency table, learners' claims of
other institutions' credentials, and registrars' decisions on pending ones."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from credstack.api.access import Issuer, Registrar, RegistrarReader, allow, own_records, sees_everyone
from credstack.api.deps import InstitutionDep, SettingsDep, UowDep
from credstack.api.problems import problem
from credstack.api.uploads import UploadDep
from credstack.domain.errors import NotFound
from credstack.domain.identity import Principal, Role
from credstack.domain.transfer import CreditUnitDef
from credstack.services import transfer as service

router = APIRouter(tags=["transfer credit"])

Claimant = Annotated[Principal, allow(Role.LEARNER, Role.REGISTRAR, scope="write")]
ClaimReader = Annotated[Principal, allow(Role.LEARNER, Role.REGISTRAR, scope="read")]
TransferStatus = Literal["accepted", "pending", "rejected", "withdrawn"]


class CreditUnitIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    ects_per_unit: Decimal = Field(gt=0, max_digits=10, decimal_places=4)


class DecisionIn(BaseModel):
    decision: Literal["accept", "reject", "withdraw"]
    reason: str = Field(min_length=1, max_length=2000, description="why; kept with the decision")
    by: str | None = Field(
        None, min_length=1, max_length=200, description="who decides (default: the caller)"
    )


@router.get("/transfer/agreements")
def list_agreements(_: RegistrarReader, uow: UowDep, institution: InstitutionDep) -> list[dict[str, Any]]:
    """Every articulation agreement (retired ones say when). Registrars."""
    return [service.agreement_json(a) for a in service.list_agreements(uow, institution=institution)]


@router.post(
    "/transfer/agreements",
    status_code=status.HTTP_201_CREATED,
    responses={422: {"description": "The file is not valid; each error names its line"}},
)
def import_agreements(
    principal: Registrar, uow: UowDep, institution: InstitutionDep, upload: UploadDep
) -> dict[str, Any]:
    """Add or change agreements (by code) and credit units from a YAML or JSON file; all or
    nothing. Registrars."""
    done = service.import_agreements(
        uow,
        institution=institution,
        data=upload.data,
        filename=upload.filename or "request body",
        actor=principal.actor,
    )
    return done.summary()


@router.post("/transfer/agreements/{code}/retire")
def retire_agreement(
    principal: Registrar, code: str, uow: UowDep, institution: InstitutionDep
) -> dict[str, Any]:
    """End an agreement: it matches no new claim; credit granted under it stays. Registrars."""
    service.retire_agreement(uow, institution=institution, code=code, actor=principal.actor)
    found = next(a for a in service.list_agreements(uow, institution=institution) if a.agreement.code == code)
    return service.agreement_json(found)


@router.get("/transfer/credit-units")
def credit_units(_: RegistrarReader, uow: UowDep, institution: InstitutionDep) -> list[dict[str, Any]]:
    """The credit equivalency table: each unit and its worth in ECTS (the unit audits count in).
    Registrars."""
    table = service.credit_table(uow, institution=institution)
    return [{"code": u.code, "name": u.name, "ects_per_unit": float(u.ects_per_unit)} for u in table.units]


@router.put("/transfer/credit-units/{code}")
def set_credit_unit(
    principal: Registrar, code: str, body: CreditUnitIn, uow: UowDep, institution: InstitutionDep
) -> dict[str, Any]:
    """Add or change a unit of the equivalency table. Registrars."""
    service.set_credit_unit(
        uow,
        institution=institution,
        unit=CreditUnitDef(code, body.name, body.ects_per_unit),
        actor=principal.actor,
    )
    return {"code": code, "name": body.name, "ects_per_unit": float(body.ects_per_unit)}


@router.post(
    "/learners/{email}/transfer-credits",
    status_code=status.HTTP_201_CREATED,
    responses={
        201: {"description": "Transfer credit recorded: accepted, or pending a registrar's decision"},
        422: {
            "description": "Refused: the credential failed verification or meets no agreement; nothing stored"
        },
    },
)
def claim(
    principal: Claimant,
    email: str,
    uow: UowDep,
    settings: SettingsDep,
    institution: InstitutionDep,
    upload: UploadDep,
) -> Any:
    """Hand in another institution's credential (JSON, VC-JWT, baked PNG or SVG; multipart ``file``
    or the raw body). It is verified, its agreements applied, and the transfer credit recorded.
    A learner claims for themself; a registrar for any learner."""
    own_records(principal, email)
    result = service.claim_transfer(
        uow,
        settings=settings,
        institution=institution,
        learner_email=email,
        data=upload.data,
        filename=upload.filename or "request body",
        actor=principal.actor,
    )
    body = service.claim_json(result)
    if not result.transfers:
        return problem(422, "Transfer credit refused", result.problem or "refused", claim=body)
    return JSONResponse(body, status_code=status.HTTP_201_CREATED)


@router.get("/learners/{email}/transfer-credits")
def learner_transfers(
    principal: ClaimReader, email: str, uow: UowDep, institution: InstitutionDep
) -> list[dict[str, Any]]:
    """The learner's transfer credits, whatever their status. A learner reads their own; a
    registrar anyone's."""
    own_records(principal, email)
    return [
        service.transfer_json(t)
        for t in service.transfers_for(uow, institution=institution, learner_email=email)
    ]


@router.get("/transfer-credits")
def transfer_credits(
    _: RegistrarReader,
    uow: UowDep,
    institution: InstitutionDep,
    status_: Annotated[TransferStatus | None, Query(alias="status")] = None,
) -> list[dict[str, Any]]:
    """Transfer credits of every learner, newest first (e.g. ``status=pending``: the registrar's
    queue). Registrars."""
    return [
        service.transfer_json(t) for t in service.transfers_for(uow, institution=institution, status=status_)
    ]


@router.get("/transfer-credits/{transfer_id}")
def transfer_credit(
    principal: ClaimReader, transfer_id: str, uow: UowDep, institution: InstitutionDep
) -> dict[str, Any]:
    """One transfer credit with the credential as handed in and its verification report. A
    learner reads their own (another learner's is 404, as if it did not exist)."""
    found = service.transfer_by_id(uow, institution=institution, public_id=transfer_id)
    if not sees_everyone(principal) and found.learner_email.lower() != principal.email.lower():
        raise NotFound("transfer credit", transfer_id)
    return service.transfer_json(found, with_credential=True)


@router.post("/transfer-credits/{transfer_id}/decision")
def decide(
    principal: Issuer,
    transfer_id: str,
    body: DecisionIn,
    uow: UowDep,
    settings: SettingsDep,
    institution: InstitutionDep,
) -> dict[str, Any]:
    """Accept or reject a pending transfer credit, or withdraw one; any stack it completes is
    issued. Registrars."""
    after, stacked = service.decide_transfer(
        uow,
        settings=settings,
        institution=institution,
        public_id=transfer_id,
        decision=body.decision,
        actor=body.by or principal.actor,
        reason=body.reason,
    )
    return service.transfer_json(after) | {
        "stacked": [{"id": a.public_id, "achievement": a.achievement_code} for a in stacked]
    }
