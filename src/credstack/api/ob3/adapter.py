"""Starlette requests as Authlib requests, and Authlib answers as Starlette responses.

Authlib ships server integrations for Flask and Django only. Its protocol core is framework
agnostic but synchronous: it reads ``request.form`` / ``request.payload.data`` as plain
attributes, while Starlette gives the body only by ``await``. So the edge reads everything
first (query, form or JSON body, headers) and hands Authlib a finished ``OAuth2Request`` /
``JsonRequest``; the URI is built from the install's base URL (what clients see, also behind a
proxy), which is also what Authlib's transport check (https or loopback) looks at.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from authlib.common.security import is_secure_transport
from authlib.oauth2.rfc6749 import JsonPayload, JsonRequest, OAuth2Payload, OAuth2Request
from fastapi import Request
from fastapi.responses import JSONResponse, Response

from credstack.domain.errors import InvalidInput, Problem
from credstack.services.oauth import OAuthResponse


class _Payload(OAuth2Payload):  # type: ignore[misc]
    """The request's parameters: the first value of each for ``data`` (as Flask's ``values``
    gives), all of them for ``datalist`` (Authlib refuses repeated parameters with it)."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._data: dict[str, str] = {}
        self._datalist: defaultdict[str, list[str]] = defaultdict(list)
        for key, value in pairs:
            self._data.setdefault(key, value)
            self._datalist[key].append(value)

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return self._datalist


class _FormRequest(OAuth2Request):  # type: ignore[misc]
    def __init__(
        self, method: str, uri: str, headers: Any, args: list[tuple[str, str]], form: list[tuple[str, str]]
    ) -> None:
        super().__init__(method, uri, headers=headers)
        self._args = dict(reversed(args))  # the first value wins, as in the payload
        self._form = dict(reversed(form))
        self.payload = _Payload([*args, *form])

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


class _JsonPayload(JsonPayload):  # type: ignore[misc]
    def __init__(self, data: Any) -> None:
        self._data = data

    @property
    def data(self) -> Any:
        return self._data


def _uri(request: Request, base_url: str) -> str:
    query = f"?{request.url.query}" if request.url.query else ""
    uri = base_url.rstrip("/") + request.url.path + query
    if not is_secure_transport(uri):  # Authlib's own rule (RFC 6749 §3.1): https, or loopback
        raise InvalidInput(
            Problem(
                "CREDSTACK_BASE_URL", "the OAuth endpoints need an https base URL (or a loopback address)"
            )
        )
    return uri


async def oauth_request(request: Request, base_url: str, *, drop: tuple[str, ...] = ()) -> OAuth2Request:
    """The request for Authlib: query parameters, and the urlencoded form of a POST (without the
    fields named in ``drop``, e.g. a page's own CSRF token)."""
    form: list[tuple[str, str]] = []
    if request.method == "POST":
        found = await request.form()
        form = [(k, v) for k, v in found.multi_items() if isinstance(v, str) and k not in drop]
    args = list(request.query_params.multi_items())
    return _FormRequest(request.method, _uri(request, base_url), request.headers, args, form)


async def json_request(request: Request, base_url: str) -> JsonRequest:
    """A JSON body for Authlib (dynamic client registration); a body that is not JSON is None,
    which the registration refuses as invalid client metadata."""
    try:
        data = json.loads(await request.body())
    except ValueError:
        data = None
    found = JsonRequest(request.method, _uri(request, base_url), request.headers)
    found.payload = _JsonPayload(data)
    return found


def to_response(answer: OAuthResponse) -> Response:
    headers = {k: v for k, v in answer.headers if k.lower() != "content-type"}
    if isinstance(answer.body, dict):
        return JSONResponse(answer.body, status_code=answer.status, headers=headers)
    return Response(answer.body or b"", status_code=answer.status, headers=headers)
