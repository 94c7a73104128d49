"""Typed dependencies for routes and views."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine

from credstack.domain.identity import Principal, Unauthenticated
from credstack.domain.institution import Institution
from credstack.services.institutions import institution_from_settings
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def get_uow(engine: Annotated[Engine, Depends(get_engine)]) -> UnitOfWork:
    return UnitOfWork(engine)


def get_institution(settings: Annotated[Settings, Depends(get_settings)]) -> Institution:
    return institution_from_settings(settings)


SettingsDep = Annotated[Settings, Depends(get_settings)]
UowDep = Annotated[UnitOfWork, Depends(get_uow)]
InstitutionDep = Annotated[Institution, Depends(get_institution)]


_bearer = HTTPBearer(auto_error=False, description="An API token: `Authorization: Bearer cs_...`")


def get_principal(
    uow: UowDep,
    institution: InstitutionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller, from an API token; 401 (problem+json) without a valid one."""
    from credstack.services.identity import principal_for_token

    if credentials is None:
        raise Unauthenticated("this needs an API token: send Authorization: Bearer <token>")
    return principal_for_token(uow, institution=institution, secret=credentials.credentials)


PrincipalDep = Annotated[Principal, Depends(get_principal)]
