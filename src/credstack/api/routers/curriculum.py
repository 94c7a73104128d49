"""Curriculum mapping: import the course catalogue, list the credentials a pathway awards, and
one credential's map (coverage matrix, backmapping, gaps with aligned courses, coherence)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from credstack.api.access import CurriculumReader, Designer
from credstack.api.curriculum_schemas import CourseImportOut, CourseOut, CurriculumOut, TerminalOut
from credstack.api.deps import InstitutionDep, UowDep
from credstack.api.uploads import UploadDep
from credstack.services import curriculum as service

router = APIRouter(tags=["curriculum"])


@router.post(
    "/courses",
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"description": "The catalogue held exactly these courses already; nothing changed"},
        422: {"description": "A bad row or an unknown competency; each error names its line and field"},
    },
)
def import_courses(
    principal: Designer, uow: UowDep, institution: InstitutionDep, upload: UploadDep, response: Response
) -> CourseImportOut:
    """Replace the course catalogue with a CSV file (multipart ``file`` or the raw body; columns
    code, title, credits, level, competencies as ``KEY:LEVEL; ...``). All or nothing.
    Curriculum designers."""
    done = service.import_courses(
        uow,
        institution=institution,
        data=upload.data,
        filename=upload.filename or "request body",
        actor=principal.actor,
    )
    if done.unchanged:
        response.status_code = status.HTTP_200_OK
    return CourseImportOut.of(done)


@router.get("/courses")
def list_courses(_: CurriculumReader, uow: UowDep, institution: InstitutionDep) -> list[CourseOut]:
    """The course catalogue, by code. Curriculum designers, the board and registrars."""
    return [CourseOut.of(c) for c in service.list_courses(uow, institution=institution)]


@router.get("/curriculum")
def list_terminals(_: CurriculumReader, uow: UowDep, institution: InstitutionDep) -> list[TerminalOut]:
    """Every credential a pathway awards, with its outcomes' coverage in short. Curriculum
    designers, the board and registrars."""
    return [TerminalOut.of(t) for t in service.terminals(uow, institution=institution)]


@router.get("/curriculum/{code}")
def get_curriculum(
    _: CurriculumReader,
    code: str,
    uow: UowDep,
    institution: InstitutionDep,
    pathway: Annotated[
        str | None, Query(description="map under this pathway (default: the usual one)")
    ] = None,
) -> CurriculumOut:
    """The credential's curriculum map: its outcomes, the stack with every route, the coverage
    matrix, the backmapping, the gap analysis with aligned courses, and the coherence flags.
    Curriculum designers, the board and registrars."""
    found = service.curriculum(uow, institution=institution, code=code, pathway=pathway)
    return CurriculumOut.of(found.map, found.pathways)
