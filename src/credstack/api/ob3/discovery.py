"""The Service Description Document (OB 3.0 §6.3, §7.1.1.1): an OpenAPI 3.0 document naming the
API's operations, the OAuth 2.0 URLs (registration, authorization, token) and the scopes."""

from __future__ import annotations

from typing import Any

from credstack import __version__
from credstack.services.oauth import (
    CREDENTIAL_READ,
    CREDENTIAL_UPSERT,
    PROFILE_READ,
    PROFILE_UPDATE,
    SCOPES,
)
from credstack.settings import Settings

PREFIX = "/ims/ob/v3p0"


def api_url(settings: Settings, path: str = "") -> str:
    return settings.base_url.rstrip("/") + PREFIX + path


def _operation(operation_id: str, summary: str, scope: str | None, ok: str = "200") -> dict[str, Any]:
    found: dict[str, Any] = {
        "operationId": operation_id,
        "summary": summary,
        "responses": {ok: {"description": "OK"}, "default": {"description": "Imsx_StatusInfo"}},
    }
    if scope:
        found["security"] = [{"OAuth2ACG": [scope]}]
    return found


def service_description(settings: Settings) -> dict[str, Any]:
    home = settings.base_url.rstrip("/") + "/"
    upsert = _operation("upsertCredential", "Store or replace a credential", CREDENTIAL_UPSERT)
    upsert["responses"]["201"] = {"description": "Created"}
    return {
        "openapi": "3.0.1",
        "info": {
            "title": f"{settings.institution_name} Open Badges API",
            "version": __version__,
            "description": "Open Badges 3.0 API of credstack: a learner's credentials and profile.",
            "termsOfService": home,
            "x-imssf-privacyPolicyUrl": home,
        },
        "servers": [{"url": api_url(settings), "description": "credstack"}],
        "tags": [{"name": "OpenBadgeCredentials"}, {"name": "Profiles"}, {"name": "Discovery"}],
        "paths": {
            "/credentials": {
                "get": _operation("getCredentials", "The learner's credentials, paged", CREDENTIAL_READ),
                "post": upsert,
            },
            "/profile": {
                "get": _operation("getProfile", "The learner's profile", PROFILE_READ),
                "put": _operation("putProfile", "Replace the learner's profile", PROFILE_UPDATE),
            },
            "/discovery": {"get": _operation("getServiceDescription", "This document", None)},
        },
        "components": {
            "securitySchemes": {
                "OAuth2ACG": {
                    "type": "oauth2",
                    "description": "OAuth 2.0 Authorization Code Grant with PKCE (S256)",
                    "x-imssf-name": settings.institution_name,
                    "x-imssf-privacyPolicyUrl": home,
                    "x-imssf-termsOfServiceUrl": home,
                    "x-imssf-registrationUrl": api_url(settings, "/oauth/register"),
                    "flows": {
                        "authorizationCode": {
                            "authorizationUrl": api_url(settings, "/oauth/authorize"),
                            "tokenUrl": api_url(settings, "/oauth/token"),
                            "refreshUrl": api_url(settings, "/oauth/token"),
                            "scopes": dict(SCOPES),
                        }
                    },
                }
            },
            "schemas": {},
        },
    }
