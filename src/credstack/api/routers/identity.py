"""Who the caller is: the user an API token stands for, their roles here and the token's scopes."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from credstack.api.deps import PrincipalDep

router = APIRouter(tags=["identity"])


class MeOut(BaseModel):
    email: str
    name: str
    roles: list[str]
    scopes: list[str] | None


@router.get("/me", responses={401: {"description": "No valid API token"}})
def me(principal: PrincipalDep) -> MeOut:
    """The user behind the API token, with their roles at this institution and the token's scopes."""
    return MeOut(
        email=principal.email,
        name=principal.name,
        roles=sorted(r.value for r in principal.roles),
        scopes=sorted(principal.scopes) if principal.scopes is not None else None,
    )
