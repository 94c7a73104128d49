"""POST /api/v1/verify: a credential we issued verifies in every format and by its URL; a tampered,
revoked, expired or unreachable one does not, and the report says why. The trusted-issuers API
turns the 'not in the registry' warning into information. No test reaches the network."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from credstack.api.app import create_app
from credstack.domain.institution import Institution
from credstack.services import verify_requests
from credstack.services.institutions import institution_from_settings
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from tests.api.auth import as_staff
from tests.api.builders import seed

pytestmark = pytest.mark.interop

BASE = "https://credstack.test"
PASSING = {"C1": "Proficient", "C2": "Developing"}
EXPIRED = "interop/samples/signed/mc-05-python-data-wrangling-EXPIRED.json"
EXAMPLE_ISSUER = "did:key:z6Mkf5rGMoatrSj1f4CyvuHBeXJELe9RPdzo2PKGNCKVtZxP"  # the signed samples' issuer


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Verification must never fetch over HTTP here: any attempt fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("verification tried to fetch over the network")

    monkeypatch.setattr(verify_requests.httpx, "Client", refuse)


@pytest.fixture
def client(engine: Engine, shared: Path) -> Iterator[TestClient]:
    seed(UnitOfWork(engine), Institution(slug="test", name="Test Institute"), shared)
    settings = Settings(
        database_url="sqlite://unused",
        institution_slug="test",
        institution_name="Test Institute",
        base_url=BASE,
        did_method="web",
    )
    with TestClient(create_app(settings, engine=engine)) as c:
        as_staff(c, UnitOfWork(engine), institution_from_settings(settings))
        yield c


@pytest.fixture
def award(client: TestClient) -> dict[str, Any]:
    response = client.post(
        "/api/v1/awards",
        json={"achievement": "RATIO-1", "learner_email": "ada@example.org", "results": PASSING},
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def verify(client: TestClient, **kwargs: Any) -> dict[str, Any]:
    response = client.post("/api/v1/verify", **kwargs)
    assert response.status_code == 200, response.text
    report: dict[str, Any] = response.json()
    assert set(report) == {"verified", "kind", "format", "checks", "errors", "warnings"}
    assert all(set(c) == {"check", "level", "status", "message"} and c["message"] for c in report["checks"])
    return report


def check(report: dict[str, Any], name: str) -> dict[str, Any]:
    found = [c for c in report["checks"] if c["check"] == name]
    assert len(found) == 1, (name, report["checks"])
    return found[0]


def download(client: TestClient, award: dict[str, Any], fmt: str) -> bytes:
    response = client.get(f"/api/v1/awards/{award['id']}/credential.{fmt}")
    assert response.status_code == 200, response.text
    return response.content


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("json", "application/json"),
        ("jwt", "application/jwt"),
        ("png", "image/png"),
        ("svg", "image/svg+xml"),
    ],
)
def test_an_issued_credential_verifies_in_every_format(
    client: TestClient, award: dict[str, Any], fmt: str, content_type: str
) -> None:
    data = download(client, award, fmt)
    report = verify(client, content=data, headers={"Content-Type": content_type})
    assert report["verified"] is True, report["errors"]
    assert (report["kind"], report["format"], report["errors"]) == ("ob3", fmt, [])
    assert check(report, "proof")["status"] == "passed"
    assert check(report, "dates")["status"] == "passed"
    assert check(report, "status") == {
        "check": "status",
        "level": "error",
        "status": "passed",
        "message": "not revoked",
    }
    # our own issuer is always trusted
    assert check(report, "issuer")["level"] == "info"
    assert "Test Institute (this institution)" in check(report, "issuer")["message"]

    # the same file as a multipart upload
    uploaded = verify(client, files={"file": (f"badge.{fmt}", data, content_type)})
    assert uploaded["verified"] is True and uploaded["format"] == fmt


def test_our_own_urls_are_read_from_the_store(client: TestClient, award: dict[str, Any]) -> None:
    by_page = verify(client, json={"url": award["url"]})
    assert by_page["verified"] is True and by_page["format"] == "json"
    by_download = verify(client, json={"url": f"{award['url']}/credential.jwt"})
    assert by_download["verified"] is True and by_download["format"] == "jwt"

    unknown = verify(client, json={"url": f"{BASE}/credentials/00000000-0000-4000-8000-000000000000"})
    assert unknown["verified"] is False
    assert check(unknown, "parse")["status"] == "failed"
    assert "has issued no credential 00000000-0000-4000-8000-000000000000" in unknown["errors"][0]
    not_a_credential = verify(client, json={"url": f"{BASE}/achievements"})
    assert "is on this site but is not a credential's address" in not_a_credential["errors"][0]


def test_a_tampered_credential_fails_its_proof(client: TestClient, award: dict[str, Any]) -> None:
    tampered = copy.deepcopy(award["credential"])
    tampered["credentialSubject"]["achievement"]["name"] = "Rocket science"
    report = verify(client, content=json.dumps(tampered))
    assert report["verified"] is False
    proof = check(report, "proof")
    assert (proof["level"], proof["status"]) == ("error", "failed")
    assert "does not match the document" in proof["message"]
    assert [e.split(":")[0] for e in report["errors"]] == ["proof"]


def test_a_revoked_credential_is_reported_revoked(client: TestClient, award: dict[str, Any]) -> None:
    data = download(client, award, "json")
    assert verify(client, content=data)["verified"] is True
    revoked = client.post(f"/api/v1/awards/{award['id']}/revoke", json={"reason": "Plagiarised project"})
    assert revoked.status_code == 200, revoked.text

    for report in (verify(client, content=data), verify(client, json={"url": award["url"]})):
        assert report["verified"] is False
        status = check(report, "status")
        assert (status["level"], status["status"]) == ("error", "failed")
        assert "revoked" in status["message"]
        assert check(report, "proof")["status"] == "passed"  # genuine, but no longer in force


def test_an_expired_credential_fails_its_dates(client: TestClient, shared: Path) -> None:
    report = verify(client, content=(shared / EXPIRED).read_bytes())
    assert report["verified"] is False
    dates = check(report, "dates")
    assert (dates["level"], dates["status"], dates["message"]) == (
        "error",
        "failed",
        "expired on 2021-01-01T00:00:00Z",
    )
    assert check(report, "proof")["status"] == "passed"
    assert any(e.startswith("dates: expired on") for e in report["errors"])


def test_a_remote_url_is_not_fetched_unless_allowed(client: TestClient) -> None:
    url = "https://credentials.example.edu/credentials/mc-01"
    report = verify(client, json={"url": url})
    assert report["verified"] is False
    parse = check(report, "parse")
    assert (parse["level"], parse["status"]) == ("error", "failed")
    assert parse["message"].startswith(f"not fetched: {url} is not on this site")
    assert "CREDSTACK_ALLOW_REMOTE_FETCH is off" in parse["message"]


def test_fragment_keys_are_an_opt_in(client: TestClient, shared: Path) -> None:
    data = (shared / "interop/samples/1edtech-validator/ob30/simple.json").read_bytes()
    plain = verify(client, content=data)
    assert check(plain, "proof")["status"] == "failed"
    opted = verify(client, content=data, params={"fragment_keys": "true"})
    assert check(opted, "proof")["status"] == "passed"


def test_a_trusted_issuer_turns_the_warning_into_information(client: TestClient, shared: Path) -> None:
    data = (shared / EXPIRED).read_bytes()
    before = check(verify(client, content=data), "issuer")
    assert (before["level"], before["status"]) == ("warning", "failed")
    assert f"{EXAMPLE_ISSUER} is not in the registry of trusted issuers" == before["message"]

    added = client.post(
        "/api/v1/trusted-issuers",
        json={"issuer": EXAMPLE_ISSUER, "name": "Example University", "note": "MoU 2024"},
    )
    assert added.status_code == 201, added.text
    after = verify(client, content=data)
    issuer = check(after, "issuer")
    assert (issuer["level"], issuer["status"]) == ("info", "passed")
    assert issuer["message"] == f"{EXAMPLE_ISSUER} is a trusted issuer (Example University)"
    assert not any(w.startswith("issuer:") for w in after["warnings"])

    assert client.delete("/api/v1/trusted-issuers", params={"issuer": EXAMPLE_ISSUER}).status_code == 204
    assert check(verify(client, content=data), "issuer")["level"] == "warning"


def test_the_trusted_issuers_api(client: TestClient) -> None:
    assert client.get("/api/v1/trusted-issuers").json() == []
    first = client.post(
        "/api/v1/trusted-issuers", json={"issuer": "https://badges.example.org/issuer", "name": "Example Org"}
    )
    assert first.status_code == 201
    assert first.json()["created_at"].endswith("Z")
    again = client.post(
        "/api/v1/trusted-issuers",
        json={"issuer": "https://badges.example.org/issuer", "name": "Example Org.", "note": "renamed"},
    )
    assert again.status_code == 200
    client.post("/api/v1/trusted-issuers", json={"issuer": "did:web:alpha.example", "name": "Alpha"})
    listed = client.get("/api/v1/trusted-issuers").json()
    assert [(e["name"], e["issuer"], e["note"]) for e in listed] == [
        ("Alpha", "did:web:alpha.example", None),
        ("Example Org.", "https://badges.example.org/issuer", "renamed"),
    ]

    bad = client.post("/api/v1/trusted-issuers", json={"issuer": "http://insecure.example", "name": " "})
    assert bad.status_code == 422
    assert bad.headers["content-type"] == "application/problem+json"
    assert {e["location"] for e in bad.json()["errors"]} == {"issuer", "name"}
    assert "neither a DID nor an https URL" in bad.json()["detail"]

    assert (
        client.delete("/api/v1/trusted-issuers", params={"issuer": "did:web:alpha.example"}).status_code
        == 204
    )
    gone = client.delete("/api/v1/trusted-issuers", params={"issuer": "did:web:alpha.example"})
    assert gone.status_code == 404 and gone.headers["content-type"] == "application/problem+json"
    assert len(client.get("/api/v1/trusted-issuers").json()) == 1


def test_what_cannot_be_verified_is_a_problem_or_a_report(client: TestClient) -> None:
    def problem(response: Any, location: str) -> None:
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["location"] == location

    problem(client.post("/api/v1/verify", content=b"  "), "body")
    problem(client.post("/api/v1/verify", files={"other": ("x.json", b"{}", "application/json")}), "file")
    problem(client.post("/api/v1/verify", json={"url": ""}), "url")
    problem(client.post("/api/v1/verify", content=b"{" + b" " * (2 * 1024 * 1024) + b"}"), "body")

    # an input that is there but is no credential gets a report that says so
    garbled = verify(client, content=b"not a credential")
    assert garbled["verified"] is False
    assert check(garbled, "parse")["message"].startswith("not JSON (line 1, column 1")
    not_object = verify(client, content=b"[1, 2]")
    assert check(not_object, "parse")["message"] == "the JSON is not an object"


def test_the_openapi_document_describes_every_input(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/api/v1/verify"]["post"]
    assert set(operation["requestBody"]["content"]) == {
        "application/json",
        "application/jwt",
        "text/plain",
        "image/png",
        "image/svg+xml",
        "multipart/form-data",
    }
    assert operation["parameters"][0]["name"] == "fragment_keys"
