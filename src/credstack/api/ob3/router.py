"""The Open Badges 3.0 API routes under /ims/ob/v3p0 (the consent page is web/oauth.py).

The OAuth endpoints read the request (async) and hand it to Authlib in a worker thread (the
store is synchronous); the resource routes take the learner from the access token."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, Query, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from fastapi.security import OAuth2AuthorizationCodeBearer

from credstack.api.deps import InstitutionDep, SettingsDep, UowDep
from credstack.api.ob3 import schemas
from credstack.api.ob3.adapter import json_request, oauth_request, to_response
from credstack.api.ob3.discovery import PREFIX, api_url, service_description
from credstack.api.ob3.imsx import ImsxRoute
from credstack.domain.identity import Principal
from credstack.services import oauth, ob3_wallet

router = APIRouter(prefix=PREFIX, route_class=ImsxRoute, tags=["Open Badges 3.0 API"])

_scheme = OAuth2AuthorizationCodeBearer(
    authorizationUrl=f"{PREFIX}/oauth/authorize",
    tokenUrl=f"{PREFIX}/oauth/token",
    refreshUrl=f"{PREFIX}/oauth/token",
    scopes=oauth.SCOPES,
    scheme_name="OAuth2ACG",
    auto_error=False,
)


def _bearer(scope: str) -> Callable[..., Principal]:
    def learner(
        request: Request,
        uow: UowDep,
        institution: InstitutionDep,
        _token: str | None = Security(_scheme, scopes=[scope]),  # a default: evaluated here, with scope
    ) -> Principal:
        return oauth.bearer_principal(uow, institution=institution, request=request, scope=scope)

    return learner


ReadCredentials = Annotated[Principal, Depends(_bearer(oauth.CREDENTIAL_READ))]
UpsertCredentials = Annotated[Principal, Depends(_bearer(oauth.CREDENTIAL_UPSERT))]
ReadProfile = Annotated[Principal, Depends(_bearer(oauth.PROFILE_READ))]
UpdateProfile = Annotated[Principal, Depends(_bearer(oauth.PROFILE_UPDATE))]


# ---- discovery and OAuth 2.0


@router.get("/discovery", summary="The Service Description Document (public)")
def get_service_description(settings: SettingsDep) -> dict[str, Any]:
    return service_description(settings)


@router.post(
    "/oauth/register",
    status_code=201,
    summary="Dynamic client registration (RFC 7591)",
    responses={400: {"description": "RFC 7591 error: invalid_client_metadata"}},
)
async def register_client(
    request: Request, uow: UowDep, institution: InstitutionDep, settings: SettingsDep
) -> Response:
    found = await json_request(request, settings.base_url)
    answer = await run_in_threadpool(oauth.register_client, uow, institution=institution, request=found)
    return to_response(answer)


@router.post(
    "/oauth/token",
    summary="Token endpoint: authorization_code (PKCE S256) and refresh_token grants",
    responses={400: {"description": "RFC 6749 error"}, 401: {"description": "invalid_client"}},
)
async def token(
    request: Request, uow: UowDep, institution: InstitutionDep, settings: SettingsDep
) -> Response:
    found = await oauth_request(request, settings.base_url)
    return to_response(await run_in_threadpool(oauth.token, uow, institution=institution, request=found))


@router.post("/oauth/revoke", summary="Token revocation (RFC 7009)")
async def revoke(
    request: Request, uow: UowDep, institution: InstitutionDep, settings: SettingsDep
) -> Response:
    found = await oauth_request(request, settings.base_url)
    return to_response(await run_in_threadpool(oauth.revoke, uow, institution=institution, request=found))


# ---- the learner's credentials


def _link(settings: Any, limit: int, offset: int, since: datetime | None) -> str:
    query: dict[str, Any] = {"limit": limit, "offset": offset}
    if since is not None:
        query["since"] = since.isoformat()
    return f"<{api_url(settings, '/credentials')}?{urlencode(query)}>"


def paging_links(settings: Any, *, limit: int, offset: int, total: int, since: datetime | None) -> str:
    """RFC 8288 links to the first, last, next and previous pages (those that exist)."""
    last = max(0, (total - 1) // limit * limit) if total else 0
    links = [
        f'{_link(settings, limit, 0, since)}; rel="first"',
        f'{_link(settings, limit, last, since)}; rel="last"',
    ]
    if offset + limit < total:
        links.append(f'{_link(settings, limit, offset + limit, since)}; rel="next"')
    if offset > 0:
        links.append(f'{_link(settings, limit, max(0, offset - limit), since)}; rel="prev"')
    return ", ".join(links)


@router.get(
    "/credentials",
    summary="getCredentials: the learner's credentials, paged",
    response_model=schemas.GetOpenBadgeCredentialsResponse,
    responses=schemas.imsx(400, 401, 403),
)
def get_credentials(
    uow: UowDep,
    institution: InstitutionDep,
    settings: SettingsDep,
    learner: ReadCredentials,
    limit: Annotated[int, Query(description="how many per page (1 to 1000)")] = 100,
    offset: Annotated[int, Query(description="how many to skip")] = 0,
    since: Annotated[datetime | None, Query(description="only those issued or stored after")] = None,
) -> Response:
    page = ob3_wallet.learner_credentials(
        uow, institution=institution, principal=learner, limit=limit, offset=offset, since=since
    )
    headers = {
        "X-Total-Count": str(page.total),
        "Link": paging_links(settings, limit=limit, offset=offset, total=page.total, since=since),
    }
    body = {"credential": page.credentials, "compactJwsString": page.compact_jws}
    return JSONResponse(body, headers=headers, media_type="application/ld+json")


async def _body(request: Request) -> bytes:
    return await request.body()


@router.post(
    "/credentials",
    summary="upsertCredential: store a credential issued to the learner (201), or replace it (200)",
    status_code=201,
    responses={
        200: {"description": "Replaced: the credential as stored"},
        201: {"description": "Stored: the credential as stored"},
        **schemas.imsx(400, 401, 403),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/vc+ld+json": {"schema": {"type": "object"}},
                "application/json": {"schema": {"type": "object"}},
                "text/plain": {"schema": {"type": "string", "description": "a compact JWS (VC-JWT)"}},
            },
        }
    },
)
def upsert_credential(
    uow: UowDep,
    institution: InstitutionDep,
    settings: SettingsDep,
    learner: UpsertCredentials,
    body: Annotated[bytes, Depends(_body)],
) -> Response:
    done = ob3_wallet.upsert_credential(
        uow, settings=settings, institution=institution, principal=learner, body=body
    )
    status = 201 if done.created else 200
    if done.compact_jws is not None:
        return Response(done.compact_jws, status_code=status, media_type="text/plain")
    return JSONResponse(done.document, status_code=status, media_type="application/vc+ld+json")


# ---- the learner's profile


@router.get(
    "/profile",
    summary="getProfile: the learner's profile",
    response_model=schemas.Profile,
    responses=schemas.imsx(401, 403),
)
def get_profile(uow: UowDep, institution: InstitutionDep, learner: ReadProfile) -> JSONResponse:
    return JSONResponse(ob3_wallet.learner_profile(uow, institution=institution, principal=learner))


async def _json(request: Request) -> Any:
    from credstack.domain.errors import InvalidInput, Problem

    try:
        return await request.json()
    except ValueError as exc:
        raise InvalidInput(Problem("(body)", "is not JSON")) from exc


@router.put(
    "/profile",
    summary="putProfile: replace the learner's profile",
    response_model=schemas.Profile,
    responses=schemas.imsx(400, 401, 403),
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}}
    },
)
def put_profile(
    uow: UowDep, institution: InstitutionDep, learner: UpdateProfile, body: Annotated[Any, Depends(_json)]
) -> JSONResponse:
    return JSONResponse(ob3_wallet.update_profile(uow, institution=institution, principal=learner, body=body))


def register(app: FastAPI) -> None:
    app.include_router(router)
