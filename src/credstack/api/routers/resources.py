"""Learning resources: links designers attach to achievements (and their rubric criteria) and
competencies. Reading them is public; adding, changing, importing and removing them needs an
API token of a curriculum designer or an administrator (scope ``write``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, Field

from credstack.api.access import allow
from credstack.api.deps import InstitutionDep, UowDep
from credstack.api.uploads import UploadDep
from credstack.domain.identity import Principal
from credstack.domain.resources import KINDS, ResourceDraft
from credstack.services import resources as service
from credstack.store.resources import StoredResource

router = APIRouter(tags=["resources"])

Editor = Annotated[Principal, allow(*service.EDITORS, scope="write")]

GUARDED: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid API token"},
    403: {"description": "Your roles do not allow this"},
    422: {"description": "Invalid input; each error names its field (or CSV row); nothing was changed"},
}


class ResourceIn(BaseModel):
    title: str
    url: str = Field(description="an http or https address")
    kind: str = Field(description=f"one of {', '.join(KINDS)}")
    minutes: int = Field(description="expected minutes, 1 to 10000")
    provider: str | None = None
    achievement: str | None = Field(None, description="an achievement's code")
    competency: str | None = Field(None, description="a competency's identifier or code")
    criterion: str | None = Field(None, description="a rubric criterion code of the achievement")

    def draft(self) -> ResourceDraft:
        return ResourceDraft(
            self.title, self.url, self.kind, self.minutes, self.provider, self.achievement, self.competency,
            self.criterion,
        )  # fmt: skip


class ResourceOut(BaseModel):
    id: int
    title: str
    url: str
    kind: str
    minutes: int
    provider: str | None
    achievement: str | None
    competency: str | None = Field(description="the competency's identifier")
    criterion: str | None

    @classmethod
    def of(cls, s: StoredResource) -> ResourceOut:
        r = s.resource
        return cls(
            id=r.id, title=r.title, url=r.url, kind=r.kind, minutes=r.minutes, provider=r.provider,
            achievement=r.achievement, competency=r.competency, criterion=r.criterion,
        )  # fmt: skip


@router.get("/resources")
def list_resources(
    uow: UowDep,
    institution: InstitutionDep,
    achievement: Annotated[str | None, Query(description="an achievement's code")] = None,
    competency: Annotated[str | None, Query(description="a competency's identifier or code")] = None,
) -> list[ResourceOut]:
    """Every learning resource, or those on an achievement and/or a competency."""
    found = service.list_resources(
        uow, institution=institution, achievement=achievement, competency=competency
    )
    return [ResourceOut.of(s) for s in found]


@router.post("/resources", status_code=status.HTTP_201_CREATED, responses=GUARDED)
def add_resource(
    body: ResourceIn, principal: Editor, uow: UowDep, institution: InstitutionDep
) -> ResourceOut:
    """Attach a learning resource (curriculum designers and administrators)."""
    return ResourceOut.of(
        service.add_resource(uow, institution=institution, principal=principal, draft=body.draft())
    )


@router.post("/resources/import", status_code=status.HTTP_201_CREATED, responses=GUARDED)
def import_resources(
    principal: Editor, uow: UowDep, institution: InstitutionDep, upload: UploadDep
) -> list[ResourceOut]:
    """Add every resource of a CSV (multipart ``file`` or the raw body; columns title, url, kind,
    minutes, provider, achievement, competency, criterion): all or nothing."""
    added = service.import_resources(
        uow,
        institution=institution,
        principal=principal,
        data=upload.data,
        filename=upload.filename or "request body",
    )
    return [ResourceOut.of(s) for s in added]


@router.get("/resources/{resource_id}", responses={404: {"description": "No such resource"}})
def get_resource(resource_id: int, uow: UowDep, institution: InstitutionDep) -> ResourceOut:
    return ResourceOut.of(service.get_resource(uow, institution=institution, resource_id=resource_id))


@router.put("/resources/{resource_id}", responses={**GUARDED, 404: {"description": "No such resource"}})
def update_resource(
    resource_id: int, body: ResourceIn, principal: Editor, uow: UowDep, institution: InstitutionDep
) -> ResourceOut:
    """Replace a resource's fields."""
    changed = service.update_resource(
        uow, institution=institution, principal=principal, resource_id=resource_id, draft=body.draft()
    )
    return ResourceOut.of(changed)


@router.delete(
    "/resources/{resource_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**GUARDED, 404: {"description": "No such resource"}},
)
def remove_resource(
    resource_id: int, principal: Editor, uow: UowDep, institution: InstitutionDep
) -> Response:
    service.remove_resource(uow, institution=institution, principal=principal, resource_id=resource_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
