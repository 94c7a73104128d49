"""The OB 3.0 API's bodies, for the OpenAPI document (the routes answer with the JSON itself)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ImsxCodeMinorField(BaseModel):
    imsx_codeMinorFieldName: str = "TargetEndSystem"
    imsx_codeMinorFieldValue: str = Field(
        description="forbidden, fullsuccess, internal_server_error, invalid_data, invalid_query_parameter, "
        "misdirected_request, not_acceptable, not_allowed, not_found, not_modified, server_busy, "
        "unauthorizedrequest or unknown"
    )


class ImsxCodeMinor(BaseModel):
    imsx_codeMinorField: list[ImsxCodeMinorField]


class ImsxStatusInfo(BaseModel):
    """Imsx_StatusInfo: what went wrong, in the shape 1EdTech APIs share."""

    imsx_codeMajor: str = Field(description="failure, processing, success or unsupported")
    imsx_severity: str = Field(description="error, status or warning")
    imsx_description: str | None = None
    imsx_codeMinor: ImsxCodeMinor | None = None


class GetOpenBadgeCredentialsResponse(BaseModel):
    """One page of the learner's credentials: embedded-proof ones in ``credential``, VC-JWT ones
    in ``compactJwsString``. Paging: X-Total-Count and Link (first, last, next, prev) headers."""

    credential: list[dict[str, Any]] = []
    compactJwsString: list[str] = []


class Profile(BaseModel):
    """An OB 3.0 Profile: the learner's name and email, and the properties they added."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    context: list[str] | None = Field(default=None, alias="@context")
    id: str
    type: list[str] | str
    name: str | None = None
    email: str | None = None


def imsx(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {s: {"model": ImsxStatusInfo, "description": "Imsx_StatusInfo"} for s in statuses}
