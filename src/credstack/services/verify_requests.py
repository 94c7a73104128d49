"""Verify what someone hands us: bytes (a file, pasted JSON or JWT) or a URL.

Our own credential URLs (``{base_url}/credentials/{id}``, and its downloads) are answered from
the store, never over HTTP. Other URLs are fetched only when the install allows remote fetching,
and then only over https, without redirects, from public addresses, within a timeout and 2 MB.
A URL that is not fetched gives a report that says why, like any other unreadable input.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from credstack.credentials.verifier import Report, issuer_id
from credstack.domain.errors import DomainError
from credstack.domain.institution import Institution
from credstack.services.credential_files import render_award
from credstack.services.unit_of_work import UnitOfWork
from credstack.services.verification import environment, verify_bytes
from credstack.settings import Settings

MAX_BYTES = 2 * 1024 * 1024
ACCEPT = (
    "application/vc+ld+json, application/vc+jwt;q=0.9, application/ld+json;q=0.9, "
    "application/json;q=0.8, image/png;q=0.5, image/svg+xml;q=0.5, text/plain;q=0.3"
)
OWN_PATH = re.compile(
    r"^/(?:credentials|api/v1/awards)/(?P<id>[0-9a-f-]{36})(?:/credential\.(?P<fmt>json|jwt|png|svg))?/?$"
)


class NotFetched(Exception):
    """A URL whose credential could not be had; the message says why."""


@dataclass(frozen=True)
class Verification:
    report: Report
    source: str | None = None  # the URL or the file's name
    recorded_learner: str | None = None  # the learner as this institution recorded them (own credentials)
    trusted_as: str | None = None  # the issuer's name in the registry of trusted issuers


def too_large(size: int | None = None) -> str:
    given = f" ({size:,} bytes)" if size is not None else ""
    return f"is larger than the {MAX_BYTES // 1024 // 1024} MB limit{given}"


def verify_data(
    uow: UnitOfWork,
    *,
    settings: Settings,
    institution: Institution,
    data: bytes,
    source: str | None = None,
    fragment_keys: bool = False,
) -> Verification:
    """Verify a JSON credential, a compact VC-JWT, or a PNG / SVG badge with one baked in."""
    if len(data) > MAX_BYTES:
        report = Report()
        report.add("parse", "error", False, f"the input {too_large()}")
        return Verification(report, source)
    env = environment(uow, settings=settings, institution=institution, fragment_keys=fragment_keys)
    report = verify_bytes(data, env)
    issuer = issuer_id(report.credential) if report.credential else None
    return Verification(
        report,
        source,
        recorded_learner=recorded_learner(uow, settings=settings, report=report),
        trusted_as=env.trusted(issuer) if issuer else None,
    )


def verify_url(
    uow: UnitOfWork,
    *,
    settings: Settings,
    institution: Institution,
    url: str,
    fragment_keys: bool = False,
    transport: httpx.BaseTransport | None = None,
) -> Verification:
    """Verify the credential at ``url``: from the store when it is ours, else fetched if allowed."""
    url = url.strip()
    try:
        data = own_credential(uow, settings=settings, url=url)
        if data is None:
            data = fetch_remote(url, settings=settings, transport=transport)
    except NotFetched as exc:
        report = Report()
        report.add("parse", "error", False, f"not fetched: {exc}")
        return Verification(report, url)
    return verify_data(
        uow, settings=settings, institution=institution, data=data, source=url, fragment_keys=fragment_keys
    )


def own_credential(uow: UnitOfWork, *, settings: Settings, url: str) -> bytes | None:
    """The credential at one of this install's URLs, from the store; None for other URLs."""
    base = settings.base_url.rstrip("/")
    if not url.startswith(base + "/"):
        return None
    path = urlsplit(url).path[len(urlsplit(base).path) :]
    match = OWN_PATH.match(path)
    if match is None:
        raise NotFetched(f"{url} is on this site but is not a credential's address")
    with uow:
        award = uow.awards.by_public_id(match["id"])
    if award is None:
        raise NotFetched(f"this institution has issued no credential {match['id']}")
    try:
        return render_award(uow, settings=settings, award=award, fmt=match["fmt"] or "json")
    except DomainError as exc:  # e.g. no VC-JWT from a compromised key
        raise NotFetched(str(exc)) from None


def host_is_public(host: str) -> bool:
    """Whether every address ``host`` resolves to is a public one (no loopback, private, link-local)."""
    try:
        infos = socket.getaddrinfo(host, 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False
    addresses = {ipaddress.ip_address(info[4][0]) for info in infos}
    return bool(addresses) and all(a.is_global for a in addresses)


def fetch_remote(url: str, *, settings: Settings, transport: httpx.BaseTransport | None = None) -> bytes:
    """GET another issuer's credential: only when allowed, https only, bounded in time and size."""
    if not settings.allow_remote_fetch:
        raise NotFetched(
            f"{url} is not on this site, and this install does not fetch credentials from other sites "
            "(CREDSTACK_ALLOW_REMOTE_FETCH is off): download the credential and upload the file instead"
        )
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise NotFetched(f"{url!r} is not an https URL; only https URLs are fetched")
    if not host_is_public(parts.hostname):
        raise NotFetched(f"{parts.hostname} does not resolve to a public address")
    try:
        with (
            httpx.Client(timeout=settings.remote_fetch_timeout, transport=transport) as client,
            client.stream("GET", url, headers={"Accept": ACCEPT}, follow_redirects=False) as response,
        ):
            if response.status_code != 200:
                raise NotFetched(f"{url} answered HTTP {response.status_code}")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > MAX_BYTES:
                raise NotFetched(f"the document at {url} {too_large(int(declared))}")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_BYTES:
                    raise NotFetched(f"the document at {url} {too_large()}")
    except httpx.TimeoutException:
        raise NotFetched(f"{url} did not answer within {settings.remote_fetch_timeout:g} s") from None
    except httpx.HTTPError as exc:
        raise NotFetched(f"{url} could not be fetched ({type(exc).__name__})") from None
    return bytes(body)


def recorded_learner(uow: UnitOfWork, *, settings: Settings, report: Report) -> str | None:
    """The learner's name, when the credential is one this institution issued, unchanged (its
    content equals the stored award's); credentials carry only a hash of the learner's email."""
    document: dict[str, Any] | None = report.credential
    prefix = f"{settings.base_url.rstrip('/')}/credentials/"
    credential_id = document.get("id") if document else None
    if not isinstance(credential_id, str) or not credential_id.startswith(prefix) or document is None:
        return None
    with uow:
        award = uow.awards.by_public_id(credential_id[len(prefix) :])
    if award is None:
        return None

    def content(d: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in d.items() if k != "proof"}

    return award.learner_name if content(award.credential) == content(document) else None
