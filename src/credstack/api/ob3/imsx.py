"""Errors of the Open Badges API as Imsx_StatusInfo documents (OB 3.0 §B, Imsx_StatusInfo),
with the HTTP status that goes with each, in one table; a 401 carries WWW-Authenticate
(RFC 6750 §3)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import MissingAuthorizationError
from authlib.oauth2.rfc6750 import InsufficientScopeError
from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from credstack.domain.errors import DomainError, InvalidInput, NotFound
from credstack.domain.identity import Forbidden, Unauthenticated
from credstack.services.oauth import MissingScope
from credstack.services.ob3_wallet import NotAnOpenBadge

QUERY_FIELDS = {"limit", "offset", "since"}


def status_info(description: str, code_minor: str, *, severity: str = "error") -> dict[str, Any]:
    return {
        "imsx_codeMajor": "failure",
        "imsx_severity": severity,
        "imsx_description": description,
        "imsx_codeMinor": {
            "imsx_codeMinorField": [
                {"imsx_codeMinorFieldName": "TargetEndSystem", "imsx_codeMinorFieldValue": code_minor}
            ]
        },
    }


def imsx_response(
    status: int, description: str, code_minor: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(status_info(description, code_minor), status_code=status, headers=headers)


def _bearer_challenge(
    error: str | None = None, description: str | None = None, scope: str | None = None
) -> str:
    parts = ['realm="credstack"']
    if error:
        parts.append(f'error="{error}"')
    if description:
        parts.append(f'error_description="{description}"'.replace("\\", ""))
    if scope:
        parts.append(f'scope="{scope}"')
    return "Bearer " + ", ".join(parts)


def _oauth_error(exc: OAuth2Error) -> JSONResponse:
    if isinstance(exc, MissingAuthorizationError):
        challenge = _bearer_challenge()
        return imsx_response(401, "this needs an OAuth 2.0 access token: Authorization: Bearer <token>",
                             "unauthorizedrequest", {"WWW-Authenticate": challenge})  # fmt: skip
    if isinstance(exc, InsufficientScopeError):
        return imsx_response(403, str(exc.description), "forbidden",
                             {"WWW-Authenticate": _bearer_challenge("insufficient_scope")})  # fmt: skip
    description = exc.get_error_description() or "the access token is not valid"
    challenge = _bearer_challenge("invalid_token", description)
    return imsx_response(401, f"invalid access token: {description}", "unauthorizedrequest",
                         {"WWW-Authenticate": challenge})  # fmt: skip


def _domain_error(exc: DomainError) -> JSONResponse:
    if isinstance(exc, NotAnOpenBadge):
        detail = "; ".join(exc.errors)
        return imsx_response(400, f"{exc}: {detail}" if detail else str(exc), "invalid_data")
    if isinstance(exc, InvalidInput):
        query = any(p.location in QUERY_FIELDS for p in exc.problems)
        return imsx_response(400, str(exc), "invalid_query_parameter" if query else "invalid_data")
    if isinstance(exc, NotFound):
        return imsx_response(404, str(exc), "not_found")
    if isinstance(exc, MissingScope):
        challenge = _bearer_challenge("insufficient_scope", scope=exc.scope)
        return imsx_response(403, str(exc), "forbidden", {"WWW-Authenticate": challenge})
    if isinstance(exc, Forbidden):
        return imsx_response(403, str(exc), "forbidden")
    if isinstance(exc, Unauthenticated):
        return imsx_response(401, str(exc), "unauthorizedrequest", {"WWW-Authenticate": _bearer_challenge()})
    return imsx_response(400, str(exc), "invalid_data")


class ImsxRoute(APIRoute):
    """An Open Badges API route: token, domain and parameter errors answer as Imsx_StatusInfo."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except OAuth2Error as exc:
                return _oauth_error(exc)
            except DomainError as exc:
                return _domain_error(exc)
            except RequestValidationError as exc:
                where = "; ".join(
                    f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg')}" for e in exc.errors()
                )
                return imsx_response(400, where or "invalid request", "invalid_query_parameter")

        return route
