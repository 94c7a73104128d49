"""Domain errors to HTTP problem responses (RFC 9457 problem+json), in one table."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from credstack.domain.errors import DomainError, InvalidInput, InvalidTransition, NotFound
from credstack.domain.identity import Forbidden, Unauthenticated
from credstack.services.issuance import NotAwardable

STATUS: dict[type[DomainError], tuple[int, str]] = {
    InvalidInput: (422, "Invalid input"),
    NotFound: (404, "Not found"),
    InvalidTransition: (409, "Invalid state change"),
    NotAwardable: (409, "Cannot be awarded"),
    Unauthenticated: (401, "Not signed in"),
    Forbidden: (403, "Not allowed"),
}


def problem(status: int, title: str, detail: str, **extra: object) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    status, title = next(
        (v for k, v in STATUS.items() if isinstance(exc, k)), (400, "Request could not be processed")
    )
    extra: dict[str, object] = {}
    if isinstance(exc, InvalidInput):
        extra["errors"] = [{"location": p.location, "message": p.message} for p in exc.problems]
    response = problem(status, title, str(exc), instance=str(request.url.path), **extra)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="credstack"'
    return response


def _location(loc: tuple[int | str, ...] | list[int | str]) -> str:
    return ".".join(str(part) for part in loc) or "request"


async def _invalid_request(request: Request, exc: Exception) -> JSONResponse:
    """A request FastAPI could not read into the route's parameters: 422 problem+json, each error
    naming its place (``body.reason``, ``query.limit``), like a domain InvalidInput."""
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"location": _location(e.get("loc", ())), "message": str(e.get("msg", ""))} for e in exc.errors()
    ]
    first = f"{errors[0]['location']}: {errors[0]['message']}" if errors else "invalid request"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return problem(422, "Invalid input", first + more, instance=str(request.url.path), errors=errors)


PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An error as RFC 9457 problem details; some carry more members (e.g. a refused claim).",
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "each invalid field, row or line, with what is wrong there",
            "items": {
                "type": "object",
                "properties": {"location": {"type": "string"}, "message": {"type": "string"}},
                "required": ["location", "message"],
            },
        },
    },
    "required": ["type", "title", "status", "detail"],
}
_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
API_PREFIXES = ("/api/",)  # the paths whose errors are documented as problem+json


def document_problems(schema: dict[str, Any], prefixes: tuple[str, ...] = API_PREFIXES) -> dict[str, Any]:
    """The OpenAPI description with every API error as problem+json: each documented 4xx answer
    gets the Problem schema, and an operation behind an API token (it has ``security``) documents
    401 and 403; FastAPI's own validation-error schema goes, since 422 is a problem too."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM_SCHEMA
    for path, item in schema.get("paths", {}).items():
        if not path.startswith(prefixes):
            continue
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses: dict[str, Any] = operation["responses"]
            if operation.get("security"):
                responses.setdefault("401", {"description": "No valid API token"})
                responses.setdefault(
                    "403", {"description": "The caller's roles or token scopes do not allow this"}
                )
            for code, response in responses.items():
                if code.startswith("4"):
                    response.setdefault("description", HTTPStatus(int(code)).phrase)
                    response["content"] = {"application/problem+json": {"schema": _PROBLEM_REF}}
    if "#/components/schemas/HTTPValidationError'" not in repr(schema.get("paths", {})):
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
    return schema


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)

    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document_problems(original())  # FastAPI keeps it as app.openapi_schema
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
