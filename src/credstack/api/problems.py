"""Domain errors to HTTP problem responses (RFC 9457 problem+json), in one table."""

from __future__ import annotations

from fastapi import FastAPI, Request
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


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
