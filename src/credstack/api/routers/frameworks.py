"""Competency frameworks: import (CASE JSON or CSV), list, read, export as CASE."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Response, status

from credstack.api.access import Designer
from credstack.api.deps import InstitutionDep, UowDep
from credstack.api.schemas import CompetencyOut, FrameworkImportOut, FrameworkOut, FrameworkSummaryOut
from credstack.api.uploads import UploadDep
from credstack.services import frameworks as service

router = APIRouter(tags=["frameworks"])


@router.get("/frameworks")
def list_frameworks(uow: UowDep, institution: InstitutionDep) -> list[FrameworkSummaryOut]:
    """The institution's frameworks (every stored revision)."""
    return [FrameworkSummaryOut.of(s) for s in service.list_frameworks(uow, institution=institution)]


@router.post(
    "/frameworks",
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "The same file was imported before; nothing changed"}},
)
def import_framework(
    principal: Designer,
    uow: UowDep,
    institution: InstitutionDep,
    upload: UploadDep,
    response: Response,
    title: Annotated[str | None, Form(description="title for a CSV framework")] = None,
    title_query: Annotated[str | None, Query(alias="title", description="title, with a raw body")] = None,
) -> FrameworkImportOut:
    """Import a CASE 1.0/1.1 package (JSON) or a CASE spreadsheet (CSV), as a multipart
    ``file`` or as the raw body. A changed file becomes the framework's next revision.
    Curriculum designers."""
    result = service.import_framework(
        uow,
        institution=institution,
        data=upload.data,
        filename=upload.filename,
        fmt=upload.fmt,
        title=title or title_query,
    )
    if result.unchanged:
        response.status_code = status.HTTP_200_OK
    return FrameworkImportOut.of(result)


@router.get("/frameworks/{framework_id}")
def get_framework(framework_id: int, uow: UowDep) -> FrameworkOut:
    """Document metadata and counts."""
    return FrameworkOut.of(service.framework_detail(uow, framework_id=framework_id))


@router.get("/frameworks/{framework_id}/competencies")
def list_competencies(framework_id: int, uow: UowDep) -> list[CompetencyOut]:
    """Every competency once, depth-first in tree order, with its depth and parent."""
    return [CompetencyOut.of(e) for e in service.competency_list(uow, framework_id=framework_id)]


@router.get("/frameworks/{framework_id}/case")
def export_case(framework_id: int, uow: UowDep) -> dict[str, Any]:
    """The framework as a CASE CFPackage (JSON)."""
    return service.export_framework(uow, framework_id)
