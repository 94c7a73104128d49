"""Pathways: store versions from pathway files, read them, audit any learner against any
pathway (a what-if when it is not theirs) with the cheapest completion plans, and record a
registrar's waivers and substitutions."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from credstack.api.access import Issuer, allow, own_records
from credstack.api.deps import InstitutionDep, SettingsDep, UowDep
from credstack.api.pathway_schemas import (
    AuditOut,
    ExceptionIn,
    ExceptionRecordedOut,
    PathwayOut,
    PathwaySavedOut,
    PathwaySummaryOut,
)
from credstack.api.uploads import UploadDep
from credstack.domain.errors import NotFound
from credstack.domain.governance import require_author
from credstack.domain.identity import Principal, Role
from credstack.domain.pathways.plan import Metric
from credstack.services import pathway_views as service
from credstack.services.stacking import save_pathway

router = APIRouter(tags=["pathways"])

Auditor = Annotated[Principal, allow(Role.LEARNER, Role.REGISTRAR, Role.ASSESSOR, scope="read")]


@router.post(
    "/pathways",
    status_code=status.HTTP_201_CREATED,
    responses={422: {"description": "The file is not a valid pathway; each error names its line"}},
)
def add_pathway(
    principal: Annotated[Principal, allow(Role.DESIGNER)],
    uow: UowDep,
    institution: InstitutionDep,
    upload: UploadDep,
) -> PathwaySavedOut:
    """Store a pathway file (YAML or JSON; multipart ``file`` or the raw body) as the next version
    of its pathway, a draft for the governance board's review (the caller is its author; it is
    published through ``/governance``). A file that changes nothing answers the latest version.
    Curriculum designers (a token needs the scope ``govern``)."""
    require_author(principal)
    pathway, version = save_pathway(
        uow,
        institution=institution,
        data=upload.data,
        filename=upload.filename or "request body",
        actor=principal.actor,
        author=principal,
    )
    return PathwaySavedOut.of(pathway, version)


@router.get("/pathways")
def list_pathways(uow: UowDep, institution: InstitutionDep) -> list[PathwaySummaryOut]:
    """Every pathway at its latest version."""
    return [PathwaySummaryOut.of(p) for p in service.list_pathways(uow, institution)]


@router.get("/pathways/{code}")
def get_pathway(
    code: str,
    uow: UowDep,
    institution: InstitutionDep,
    version: Annotated[int | None, Query(ge=1, description="this version's definition")] = None,
) -> PathwayOut:
    """The pathway's versions and one version's definition (the latest unless asked)."""
    versions = service.pathway_versions(uow, institution, code)
    shown = versions[-1] if version is None else next((v for v in versions if v.version == version), None)
    if shown is None:
        raise NotFound("pathway version", f"{code} version {version}")
    return PathwayOut.of(versions, shown)


@router.get("/pathways/{code}/audit")
def audit(
    principal: Auditor,
    code: str,
    uow: UowDep,
    institution: InstitutionDep,
    learner: Annotated[str, Query(min_length=3, description="the learner's email")],
    metric: Annotated[Metric, Query(description="what the cheapest plan minimises")] = "price",
    as_of: Annotated[date | None, Query(description="judge recency on this date (default today)")] = None,
) -> AuditOut:
    """The learner's audit against this pathway, whichever it is (a what-if audit when it is not
    their pathway): every requirement's status, the awards counted where, what is missing, the
    version used and why, and the cheapest plan to complete it with its alternatives.
    Registrars and assessors audit any learner; a learner only themself."""
    own_records(principal, learner, staff=(Role.REGISTRAR, Role.ASSESSOR))
    found = service.plan_for_learner(
        uow, institution=institution, learner_email=learner, pathway_code=code, metric=metric, as_of=as_of
    )
    return AuditOut.of(found)


@router.post(
    "/pathways/{code}/exceptions",
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "The same decision was on record already; nothing changed"}},
)
def add_exception(
    principal: Issuer,
    code: str,
    body: ExceptionIn,
    uow: UowDep,
    settings: SettingsDep,
    institution: InstitutionDep,
    response: Response,
) -> ExceptionRecordedOut:
    """Waive a requirement, or let one of the learner's awards stand for it, with who decided and
    why; then issue any stacked award the learner now completes (with its CLR). Registrars."""
    done = service.record_exception(
        uow,
        settings=settings,
        institution=institution,
        learner_email=body.learner,
        pathway_code=code,
        node_id=body.node,
        kind=body.kind,
        award=body.award,
        by=body.by,
        reason=body.reason,
    )
    if not done.created:
        response.status_code = status.HTTP_200_OK
    return ExceptionRecordedOut.of(done, settings)
