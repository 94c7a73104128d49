"""Fetching another issuer's credential: only when allowed, https only, public hosts only, no
redirects, within 2 MB. HTTP is a mock transport here: no test reaches the network."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from credstack.services import remote
from credstack.services.remote import MAX_BYTES, NotFetched, fetch_remote, host_is_public
from credstack.settings import Settings

URL = "https://credentials.example.edu/credentials/42"
ALLOWED = Settings(database_url="sqlite://unused", allow_remote_fetch=True, remote_fetch_timeout=2.0)


@pytest.fixture(autouse=True)
def _public_hosts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every example host counts as public (resolving it would need DNS)."""
    monkeypatch.setattr(remote, "host_is_public", lambda host: host.endswith(".example.edu"))


def serve(handler: Callable[[httpx.Request], httpx.Response]) -> httpx.MockTransport:
    return httpx.MockTransport(handler)


def test_an_allowed_https_url_is_fetched_with_the_credential_media_types() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=b'{"id": "x"}')

    assert fetch_remote(URL, settings=ALLOWED, transport=serve(handler)) == b'{"id": "x"}'
    assert seen[0].headers["accept"].startswith("application/vc+ld+json")


def test_nothing_is_fetched_unless_the_install_allows_it() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError("fetched")

    with pytest.raises(NotFetched, match="CREDSTACK_ALLOW_REMOTE_FETCH is off"):
        fetch_remote(URL, settings=Settings(database_url="sqlite://unused"), transport=serve(handler))


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://credentials.example.edu/c/1", "is not an https URL"),
        ("ftp://credentials.example.edu/c/1", "is not an https URL"),
        ("https://intranet.local/c/1", "intranet.local does not resolve to a public address"),
    ],
)
def test_only_https_urls_on_public_hosts(url: str, message: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError("fetched")

    with pytest.raises(NotFetched, match=message):
        fetch_remote(url, settings=ALLOWED, transport=serve(handler))


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (httpx.Response(404), "answered HTTP 404"),
        (httpx.Response(302, headers={"Location": "http://127.0.0.1/"}), "answered HTTP 302"),
        (
            httpx.Response(200, headers={"Content-Length": str(MAX_BYTES + 1)}),
            r"is larger than the 2 MB limit \(2,097,153 bytes\)",
        ),
        (  # no Content-Length: counted as it streams in
            httpx.Response(200, content=iter([b"x" * MAX_BYTES, b"x"])),
            r"is larger than the 2 MB limit$",
        ),
    ],
)
def test_errors_redirects_and_large_bodies_are_refused(response: httpx.Response, message: str) -> None:
    with pytest.raises(NotFetched, match=message):
        fetch_remote(URL, settings=ALLOWED, transport=serve(lambda request: response))


def test_a_slow_or_unreachable_host_is_reported() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(NotFetched, match="did not answer within 2 s"):
        fetch_remote(URL, settings=ALLOWED, transport=serve(slow))
    with pytest.raises(NotFetched, match=r"could not be fetched \(ConnectError\)"):
        fetch_remote(URL, settings=ALLOWED, transport=serve(down))


@pytest.mark.parametrize("host", ["127.0.0.1", "10.1.2.3", "169.254.169.254", "::1", "localhost"])
def test_loopback_private_and_link_local_hosts_are_not_public(host: str) -> None:
    assert host_is_public(host) is False
