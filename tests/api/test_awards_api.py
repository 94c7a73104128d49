"""The awards API: issue once, read, download every format, revoke / suspend / reinstate, and the
documents verifiers fetch (did.json, the status lists) — under did:web and under did:key."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from credstack.api.app import create_app
from credstack.credentials.baking import unbake_png, unbake_svg
from credstack.credentials.proofs import did_resolver, verify_proofs
from credstack.credentials.status_list import Bitstring
from credstack.domain.institution import Institution
from credstack.services.institutions import institution_from_settings
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from tests.api.auth import as_staff
from tests.api.builders import RATES, RATIO, seed

pytestmark = pytest.mark.interop

BASE = "https://credstack.test"
PASSING = {"C1": "Proficient", "C2": "Developing"}  # 4 of 6 weighted points: 66.7%


@pytest.fixture
def did_method() -> str:
    return "web"


@pytest.fixture
def client(engine: Engine, shared: Path, did_method: str) -> Iterator[TestClient]:
    seed(UnitOfWork(engine), Institution(slug="test", name="Test Institute"), shared)
    settings = Settings(
        database_url="sqlite://unused",
        institution_slug="test",
        institution_name="Test Institute",
        base_url=BASE,
        did_method=did_method,  # type: ignore[arg-type]
    )
    with TestClient(create_app(settings, engine=engine)) as c:
        as_staff(c, UnitOfWork(engine), institution_from_settings(settings))
        yield c


def issue(client: TestClient, **body: Any) -> Any:
    payload = {"achievement": "RATIO-1", "learner_email": "ada@example.org", "results": PASSING} | body
    return client.post("/api/v1/awards", json=payload)


def local(url: str) -> str:
    """The path of one of this install's URLs, to fetch it from the test client."""
    assert url.startswith(BASE + "/"), url
    return urlsplit(url).path


def web_documents(client: TestClient) -> Any:
    def fetch(url: str) -> dict[str, Any] | None:
        response = client.get(local(url))
        return response.json() if response.status_code == 200 else None

    return fetch


def status_bit(client: TestClient, list_url: str, index: int) -> bool:
    response = client.get(local(list_url))
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-cache"
    encoded = response.json()["credentialSubject"]["encodedList"]
    return Bitstring.decode(encoded).get(index)


@pytest.mark.parametrize("did_method", ["web", "key"])
def test_issue_a_signed_credential_then_read_it(client: TestClient, did_method: str) -> None:
    response = issue(
        client, learner_name="Ada Lovelace", evidence=["https://portfolio.example.org/ada/ratios"]
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["created"], body["status"]) == (True, "active")
    credential = body["credential"]
    assert credential["id"] == f"{BASE}/credentials/{body['id']}" == body["url"]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    issuer = credential["issuer"]["id"]
    assert issuer == "did:web:credstack.test" if did_method == "web" else issuer.startswith("did:key:z6Mk")
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["humanCode"] == "RATIO-1"
    assert {a["targetCode"] for a in achievement["alignment"]} == {RATIO, RATES}
    assert credential["evidence"][0]["id"] == "https://portfolio.example.org/ada/ratios"
    assert len(credential["credentialSubject"]["result"]) == 2

    # the proof verifies with the key the issuer publishes (did.json, or the did:key itself)
    checks = verify_proofs(credential, did_resolver(web_documents(client)))
    assert checks and all(c.verified for c in checks), checks

    one = client.get(f"/api/v1/awards/{body['id']}").json()
    assert one["credential"] == credential
    assert one["learner"] == {"email": "ada@example.org", "name": "Ada Lovelace"}
    assert (one["achievement"]["code"], one["status"], one["status_reason"]) == ("RATIO-1", "active", None)
    assert one["valid_until"] is not None  # RATIO-1 is valid for 36 months
    assert one["issued_at"].endswith("Z") and one["valid_until"].endswith("Z")  # UTC on both databases


def test_did_json_lists_the_signing_key(client: TestClient) -> None:
    credential = issue(client).json()["credential"]
    response = client.get("/.well-known/did.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/did+json")
    document = response.json()
    assert document["id"] == "did:web:credstack.test"
    method = credential["proof"][0]["verificationMethod"]
    assert method in [m["id"] for m in document["verificationMethod"]]
    assert method in document["assertionMethod"]


@pytest.mark.parametrize("did_method", ["key"])
def test_no_did_json_under_did_key(client: TestClient) -> None:
    issue(client)
    response = client.get("/.well-known/did.json")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_the_same_request_twice_issues_one_award(client: TestClient) -> None:
    first = issue(client)
    again = issue(client)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["created"] is False
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["credential"] == first.json()["credential"]

    # an Idempotency-Key names the request whatever its content
    keyed = issue(client, learner_email="bo@example.org", idempotency_key="enrol-77")
    by_header = client.post(
        "/api/v1/awards",
        json={
            "achievement": "RATIO-1",
            "learner_email": "bo@example.org",
            "results": PASSING | {"C2": "Proficient"},
        },
        headers={"Idempotency-Key": "enrol-77"},
    )
    assert (keyed.status_code, by_header.status_code) == (201, 200)
    assert by_header.json()["id"] == keyed.json()["id"]
    assert len(client.get("/api/v1/awards").json()) == 2

    clash = issue(client, idempotency_key="a", learner_email="cy@example.org")
    assert clash.status_code == 201
    mismatch = client.post(
        "/api/v1/awards",
        json={"achievement": "RATIO-1", "learner_email": "cy@example.org", "idempotency_key": "a"},
        headers={"Idempotency-Key": "b"},
    )
    assert mismatch.status_code == 422


def test_list_is_newest_first_and_filters_by_learner(client: TestClient) -> None:
    ids = [issue(client, learner_email=e).json()["id"] for e in ("a@example.org", "b@example.org")]
    ids.append(
        issue(client, learner_email="a@example.org", results={"C1": "Proficient", "C2": "Proficient"}).json()[
            "id"
        ]
    )
    listed = client.get("/api/v1/awards").json()
    assert [a["id"] for a in listed] == ids[::-1]
    assert "credential" not in listed[0]
    mine = client.get("/api/v1/awards", params={"learner": "A@Example.org"}).json()
    assert [a["id"] for a in mine] == [ids[2], ids[0]]
    assert client.get("/api/v1/awards", params={"learner": "nobody@example.org"}).json() == []


@pytest.mark.parametrize("did_method", ["web", "key"])
def test_downloads_in_every_format(client: TestClient) -> None:
    body = issue(client, learner_name="Ada Lovelace").json()
    base = f"/api/v1/awards/{body['id']}/credential"

    def get(fmt: str, media_type: str) -> Any:
        response = client.get(f"{base}.{fmt}")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith(media_type)
        disposition = response.headers["content-disposition"]
        assert disposition == f'attachment; filename="RATIO-1-{body["id"][:8]}.{fmt}"'
        return response

    assert get("json", "application/json").json() == body["credential"]
    jwt = get("jwt", "application/jwt").text
    parts = jwt.split(".")
    assert len(parts) == 3 and all(parts)
    payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    assert payload["jti"] == body["credential"]["id"]
    png = get("png", "image/png").content
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert json.loads(unbake_png(png)) == body["credential"]
    svg = get("svg", "image/svg+xml").text
    assert "openbadges:credential" in svg
    assert json.loads(unbake_svg(svg)) == body["credential"]
    assert get("pdf", "application/pdf").content.startswith(b"%PDF")

    assert client.get(f"{base}.docx").status_code == 422


@pytest.mark.parametrize("did_method", ["web", "key"])
def test_revoke_sets_the_bit_in_the_served_status_list(client: TestClient) -> None:
    body = issue(client).json()
    other = issue(client, learner_email="bo@example.org").json()
    entry = body["credential"]["credentialStatus"]
    assert (entry["type"], entry["statusPurpose"]) == ("BitstringStatusListEntry", "revocation")
    index = int(entry["statusListIndex"])
    other_index = int(other["credential"]["credentialStatus"]["statusListIndex"])
    assert not status_bit(client, entry["statusListCredential"], index)

    # the served list is signed by the issuer
    served = client.get(local(entry["statusListCredential"])).json()
    assert served["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert served["issuer"] == body["credential"]["issuer"]["id"]
    assert all(c.verified for c in verify_proofs(served, did_resolver(web_documents(client))))

    revoked = client.post(f"/api/v1/awards/{body['id']}/revoke", json={"reason": "Plagiarised project"})
    assert revoked.status_code == 200, revoked.text
    assert (revoked.json()["status"], revoked.json()["status_reason"]) == ("revoked", "Plagiarised project")
    assert status_bit(client, entry["statusListCredential"], index)
    assert not status_bit(client, entry["statusListCredential"], other_index)
    assert client.get(f"/api/v1/awards/{body['id']}").json()["status"] == "revoked"

    again = client.post(f"/api/v1/awards/{body['id']}/reinstate", json={"reason": "oops"})
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert "is revoked" in again.json()["detail"]


def test_suspend_then_reinstate_flips_the_suspension_list(client: TestClient) -> None:
    body = issue(client).json()
    entry = body["credential"]["credentialStatus"]
    index = int(entry["statusListIndex"])
    suspension_url = entry["statusListCredential"].replace("/revocation/", "/suspension/")

    suspended = client.post(f"/api/v1/awards/{body['id']}/suspend", json={"reason": "Under investigation"})
    assert suspended.json()["status"] == "suspended"
    assert status_bit(client, suspension_url, index)
    assert not status_bit(client, entry["statusListCredential"], index)

    reinstated = client.post(f"/api/v1/awards/{body['id']}/reinstate", json={"reason": "Cleared"})
    assert reinstated.json()["status"] == "active"
    assert not status_bit(client, suspension_url, index)


def test_a_status_change_needs_a_reason_and_a_known_action(client: TestClient) -> None:
    public_id = issue(client).json()["id"]
    assert client.post(f"/api/v1/awards/{public_id}/revoke", json={"reason": ""}).status_code == 422
    assert client.post(f"/api/v1/awards/{public_id}/revoke", json={}).status_code == 422
    assert client.post(f"/api/v1/awards/{public_id}/delete", json={"reason": "x"}).status_code == 422
    assert client.get(f"/api/v1/awards/{public_id}").json()["status"] == "active"


def test_a_draft_achievement_cannot_be_issued(client: TestClient) -> None:
    response = issue(client, achievement="PROP-1", results={})
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["title"] == "Cannot be awarded"
    assert "PROP-1 is draft" in problem["detail"]
    assert client.get("/api/v1/awards").json() == []


def test_failing_marks_are_refused_with_the_shortfall_named(client: TestClient) -> None:
    response = issue(client, results={"C1": "Beginning", "C2": "Developing"})
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert "C1: Beginning is below the minimum of 1 points" in detail
    assert "weighted score 33.3% is below 60%" in detail

    unmarked = issue(client, results={"C1": "Proficient"})
    assert unmarked.status_code == 409
    assert "C2: not marked" in unmarked.json()["detail"]
    assert client.get("/api/v1/awards").json() == []


def test_bad_input_is_a_422_problem(client: TestClient) -> None:
    unknown = issue(client, achievement="NOPE-9")
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == [
        {"location": "achievement", "message": "no achievement with code 'NOPE-9'"}
    ]
    assert issue(client, learner_email="not-an-email").status_code == 422
    assert issue(client, evidence=["javascript:alert(1)"]).status_code == 422


def test_an_unknown_award_is_a_404_problem(client: TestClient) -> None:
    for response in (
        client.get("/api/v1/awards/no-such-award"),
        client.get("/api/v1/awards/no-such-award/credential.json"),
        client.post("/api/v1/awards/no-such-award/revoke", json={"reason": "x"}),
    ):
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["detail"] == "award 'no-such-award' not found"
    assert client.get("/status/revocation/99").status_code == 404
