"""Fetching another site's document: only when the install allows it, https only, from public
addresses, without redirects, within a timeout and a size limit. Used for credentials handed in
by URL and for other issuers' DID documents and status lists."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

import httpx

from credstack.settings import Settings

MAX_BYTES = 2 * 1024 * 1024
ACCEPT = (
    "application/vc+ld+json, application/vc+jwt;q=0.9, application/ld+json;q=0.9, "
    "application/json;q=0.8, image/png;q=0.5, image/svg+xml;q=0.5, text/plain;q=0.3"
)


class NotFetched(Exception):
    """A URL whose credential could not be had; the message says why."""


def too_large(size: int | None = None) -> str:
    given = f" ({size:,} bytes)" if size is not None else ""
    return f"is larger than the {MAX_BYTES // 1024 // 1024} MB limit{given}"


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
