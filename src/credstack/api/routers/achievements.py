"""The achievement catalog: browse and filter, read one, import definitions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from credstack.api.access import Designer
from credstack.api.deps import InstitutionDep, UowDep
from credstack.api.schemas import AchievementOut, AchievementSummaryOut, ImportAchievementsOut
from credstack.api.uploads import UploadDep
from credstack.domain.achievement import AchievementKind, LifecycleState
from credstack.services import catalog as service
from credstack.store.achievements import CatalogFilter

router = APIRouter(tags=["achievements"])


@router.get("/achievements")
def list_achievements(
    uow: UowDep,
    institution: InstitutionDep,
    kind: AchievementKind | None = None,
    level: Annotated[int | None, Query(ge=1, le=8, description="EQF level")] = None,
    competency: Annotated[int | None, Query(description="id of an aligned competency")] = None,
    state: LifecycleState | None = None,
    q: Annotated[str | None, Query(description="text in the code, name or description")] = None,
) -> list[AchievementSummaryOut]:
    flt = CatalogFilter(kind=kind, level=level, competency_id=competency, text=q or None, state=state)
    conversion = service.institution_profile(uow, institution=institution).conversion
    found = service.catalog(uow, institution=institution, flt=flt)
    return [AchievementSummaryOut.of(s, conversion) for s in found]


@router.get("/achievements/{achievement_id}")
def get_achievement(achievement_id: int, uow: UowDep, institution: InstitutionDep) -> AchievementOut:
    conversion = service.institution_profile(uow, institution=institution).conversion
    return AchievementOut.of(service.achievement_detail(uow, achievement_id=achievement_id), conversion)


@router.post(
    "/achievements/import",
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "Every definition was in the catalog already; nothing changed"}},
)
def import_achievements(
    principal: Designer, uow: UowDep, institution: InstitutionDep, upload: UploadDep, response: Response
) -> ImportAchievementsOut:
    """Import achievement definitions from CSV or JSON (multipart ``file`` or the raw body).
    All or nothing: any bad row imports none. Curriculum designers."""
    parsed = service.parse_achievements(
        upload.data, filename=upload.filename, fmt=upload.fmt, currency=institution.currency
    )
    result = service.import_achievements(uow, institution=institution, parsed=parsed)
    if not result.created:
        response.status_code = status.HTTP_200_OK
    return ImportAchievementsOut.of(result)
