"""Verify a credential (a file, pasted text or a URL) and keep the registry of trusted issuers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from starlette.datastructures import UploadFile

from credstack.api.access import Registrar
from credstack.api.deps import InstitutionDep, SettingsDep, UowDep
from credstack.api.verify_schemas import ReportOut, TrustedIssuerIn, TrustedIssuerOut
from credstack.domain.errors import InvalidInput, Problem
from credstack.services import trust
from credstack.services.remote import MAX_BYTES
from credstack.services.verify_requests import verify_data, verify_url

router = APIRouter(tags=["verification"])

LIMIT = f"the {MAX_BYTES // 1024 // 1024} MB limit"
_binary = {"type": "string", "format": "binary"}
VERIFY_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The credential as it was handed over (at most 2 MB), or where to find it.",
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        {"type": "object", "title": "Credential", "description": "an OB 3.0 / VC credential"},
                        {
                            "type": "object",
                            "title": "URL",
                            "properties": {"url": {"type": "string", "format": "uri"}},
                            "required": ["url"],
                        },
                    ]
                }
            },
            "application/jwt": {"schema": {"type": "string", "description": "a compact VC-JWT"}},
            "text/plain": {"schema": {"type": "string", "description": "JSON or a compact VC-JWT"}},
            "image/png": {"schema": _binary},
            "image/svg+xml": {"schema": _binary},
            "multipart/form-data": {
                "schema": {"type": "object", "properties": {"file": _binary}, "required": ["file"]}
            },
        },
    }
}


@dataclass(frozen=True)
class VerifyInput:
    data: bytes  # empty when a URL is given
    url: str | None = None
    filename: str | None = None


def _url_request(data: bytes) -> str | None:
    """The URL of a ``{"url": ...}`` body, else None (the body is the credential)."""
    if not data.lstrip().startswith(b"{"):
        return None
    try:
        document = json.loads(data)
    except ValueError:
        return None
    if not isinstance(document, dict) or set(document) != {"url"}:
        return None
    url = document["url"]
    if not isinstance(url, str) or not url.strip():
        raise InvalidInput(Problem("url", "must be the credential's URL"))
    return url.strip()


async def read_verify_input(request: Request) -> VerifyInput:
    """The body as sent: multipart ``file``, ``{"url": ...}``, or the credential's own bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BYTES + 64 * 1024:  # room for multipart framing
        raise InvalidInput(Problem("body", f"is larger than {LIMIT}"))
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=10)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInput(Problem("file", "no file: send the credential as the multipart field 'file'"))
        data = await upload.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise InvalidInput(Problem("file", f"is larger than {LIMIT}"))
        return VerifyInput(data, filename=upload.filename)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BYTES:
            raise InvalidInput(Problem("body", f"is larger than {LIMIT}"))
    if not body.strip():
        raise InvalidInput(
            Problem("body", 'no credential: send JSON, a VC-JWT, a PNG or SVG badge, or {"url": ...}')
        )
    url = _url_request(bytes(body))
    return VerifyInput(b"", url=url) if url else VerifyInput(bytes(body))


VerifyInputDep = Annotated[VerifyInput, Depends(read_verify_input)]


@router.post("/verify", openapi_extra=VERIFY_BODY)
def verify(
    given: VerifyInputDep,
    uow: UowDep,
    settings: SettingsDep,
    institution: InstitutionDep,
    fragment_keys: Annotated[
        bool,
        Query(description="accept 1EdTech's non-standard https://issuer#z6Mk... verification methods"),
    ] = False,
) -> ReportOut:
    """Verify an Open Badges 3.0 / CLR / VC credential: JSON, a compact VC-JWT, a baked PNG or SVG
    badge (raw body or multipart ``file``), or ``{"url": ...}``. Our own credential URLs are read
    from the store; other URLs are fetched only when CREDSTACK_ALLOW_REMOTE_FETCH is on.
    Always 200 with the report: ``verified`` and every check with its level and message."""
    if given.url is not None:
        found = verify_url(
            uow, settings=settings, institution=institution, url=given.url, fragment_keys=fragment_keys,
            channel="api",
        )  # fmt: skip
    else:
        found = verify_data(
            uow,
            settings=settings,
            institution=institution,
            data=given.data,
            source=given.filename,
            fragment_keys=fragment_keys,
            channel="api",
        )
    return ReportOut.of(found.report)


@router.get("/trusted-issuers")
def list_trusted_issuers(uow: UowDep, institution: InstitutionDep) -> list[TrustedIssuerOut]:
    """The issuers this institution trusts, by name."""
    return [TrustedIssuerOut.of(e) for e in trust.trusted_issuers(uow, institution=institution)]


@router.post(
    "/trusted-issuers",
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "The issuer was in the registry already; its name and note updated"}},
)
def add_trusted_issuer(
    principal: Registrar, body: TrustedIssuerIn, uow: UowDep, institution: InstitutionDep, response: Response
) -> TrustedIssuerOut:
    """Trust an issuer (a DID or an https URL): its credentials then verify without the
    'not in the registry' warning. Registrars."""
    done = trust.trust_issuer(
        uow,
        institution=institution,
        issuer=body.issuer,
        name=body.name,
        note=body.note,
        actor=principal.actor,
    )
    if not done.created:
        response.status_code = status.HTTP_200_OK
    return TrustedIssuerOut.of(done.entry)


@router.delete(
    "/trusted-issuers",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={404: {"description": "The issuer is not in the registry"}},
)
def remove_trusted_issuer(
    principal: Registrar,
    uow: UowDep,
    institution: InstitutionDep,
    issuer: Annotated[str, Query(description="the issuer's id (a DID or an https URL)")],
) -> Response:
    """Stop trusting an issuer. Registrars."""
    trust.distrust_issuer(uow, institution=institution, issuer=issuer, actor=principal.actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
