"""Pydantic models for verification and the registry of trusted issuers (the API's contract)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from credstack.api.award_schemas import UtcDatetime
from credstack.credentials.verifier import Report
from credstack.store.trust import TrustedIssuer


class CheckOut(BaseModel):
    check: str = Field(description="what was checked: parse, context, type, structure, schema, proof, ...")
    level: Literal["error", "warning", "info"] = Field(
        description="error: it decides the verdict; warning: reported beside it; info: for the record"
    )
    status: Literal["passed", "failed", "unknown"] = Field(
        description="unknown: it could not be decided (e.g. a status list out of reach)"
    )
    message: str


class ReportOut(BaseModel):
    """The verdict and every check behind it. ``verified``: no error-level check failed or was
    left undecided (the proof, the validity dates, the revocation status)."""

    verified: bool
    kind: str = Field(description="ob3, clr, endorsement, ob2, vc or unknown")
    format: str = Field(description="json, jwt, png or svg")
    checks: list[CheckOut]
    errors: list[str] = Field(description="the error-level checks that failed or were undecided")
    warnings: list[str] = Field(description="the warning-level checks that failed or were undecided")

    @classmethod
    def of(cls, report: Report) -> ReportOut:
        return cls.model_validate(report.as_json())


class TrustedIssuerIn(BaseModel):
    issuer: str = Field(max_length=2000, description="the issuer's id: a DID or an https URL")
    name: str = Field(max_length=200, description="how the institution knows this issuer")
    note: str | None = Field(default=None, max_length=1000, description="why it is trusted, who vouched")


class TrustedIssuerOut(BaseModel):
    issuer: str
    name: str
    note: str | None
    created_at: UtcDatetime

    @classmethod
    def of(cls, entry: TrustedIssuer) -> TrustedIssuerOut:
        return cls(issuer=entry.issuer, name=entry.name, note=entry.note, created_at=entry.created_at)
