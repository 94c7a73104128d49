"""The registrar's records: a learner's transcript (JSON, PDF, signed CLR 2.0 ClrCredential) and
the student-records export (CSV, one row per award, by period). A registrar's API token reads
anyone's; a learner's token reads their own transcript."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from credstack.api.access import AwardReader, RegistrarReader
from credstack.api.deps import InstitutionDep, SettingsDep, UowDep
from credstack.services import records_export
from credstack.services.transcript_pdf import transcript_pdf
from credstack.services.transcripts import (
    require_transcript_access,
    transcript,
    transcript_clr,
    transcript_json,
)

router = APIRouter(tags=["registrar"])

TranscriptReader = AwardReader  # a registrar reads anyone's; a learner only their own (checked below)

GUARDED: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid API token"},
    403: {"description": "Your roles do not allow this"},
    404: {"description": "No such learner"},
}


@router.get("/registrar/learners/{email}/transcript", responses=GUARDED)
def get_transcript(
    email: str, principal: TranscriptReader, uow: UowDep, settings: SettingsDep, institution: InstitutionDep
) -> dict[str, Any]:
    """Every micro-credential, stacked award and transfer credit with credits, equivalents and
    status (revoked and suspended ones count toward nothing), the totals and the degree credit."""
    require_transcript_access(principal, email)
    return transcript_json(transcript(uow, institution=institution, settings=settings, learner_email=email))


@router.get(
    "/registrar/learners/{email}/transcript.pdf",
    responses={**GUARDED, 200: {"content": {"application/pdf": {}}}},
    response_class=Response,
)
def get_transcript_pdf(
    email: str, principal: TranscriptReader, uow: UowDep, settings: SettingsDep, institution: InstitutionDep
) -> Response:
    require_transcript_access(principal, email)
    record = transcript(uow, institution=institution, settings=settings, learner_email=email)
    return Response(transcript_pdf(record), media_type="application/pdf")


@router.get("/registrar/learners/{email}/transcript.clr", responses=GUARDED)
def get_transcript_clr(
    email: str, principal: TranscriptReader, uow: UowDep, settings: SettingsDep, institution: InstitutionDep
) -> JSONResponse:
    """The transcript as a signed CLR 2.0 ClrCredential (the credentials in force)."""
    require_transcript_access(principal, email)
    record = transcript(uow, institution=institution, settings=settings, learner_email=email)
    document = transcript_clr(uow, institution=institution, settings=settings, record=record)
    return JSONResponse(document, media_type="application/vc+ld+json")


@router.get(
    "/registrar/records.csv",
    responses={**GUARDED, 422: {"description": "A bad date"}, 200: {"content": {"text/csv": {}}}},
    response_class=Response,
)
def records_csv(
    principal: RegistrarReader,
    uow: UowDep,
    settings: SettingsDep,
    institution: InstitutionDep,
    since: date | None = None,
    until: date | None = None,
) -> Response:
    """The student-records export: one row per award, issued in the period (inclusive)."""
    period = records_export.Period.parse(
        since.isoformat() if since else None, until.isoformat() if until else None
    )
    text = records_export.export_for(
        uow, institution=institution, settings=settings, principal=principal, period=period
    )
    return Response(text, media_type="text/csv; charset=utf-8")
