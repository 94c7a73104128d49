"""The wallet API on SQLite and PostgreSQL: a learner's token lists and shares only their own
credentials and revokes only their own links; an employer's token lists only the working links
made for them, each verified; errors are problem+json naming the field."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from credstack.api.app import create_app
from credstack.services.identity import issue_token
from credstack.services.institutions import institution_from_settings
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from tests.conftest import snapshot
from tests.wallet_builders import ADA, BASE, BEN, EMPLOYER, issue, person, seed_catalog, wallet_settings


@pytest.fixture
def settings(engine: Engine) -> Settings:
    settings = wallet_settings(engine)
    seed_catalog(engine, settings)
    return settings


@pytest.fixture
def client(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as c:
        yield c


def token(
    engine: Engine, settings: Settings, email: str, role: str, scopes: tuple[str, ...] = ("*",)
) -> dict:
    person(engine, settings, email, role)
    issued = issue_token(
        UnitOfWork(engine), institution=institution_from_settings(settings), email=email, name="t",
        scopes=scopes, actor="test",
    )  # fmt: skip
    return {"Authorization": f"Bearer {issued.secret}"}


def test_a_learner_lists_shares_and_revokes_only_their_own(client, engine, settings):
    mine = issue(engine, settings, ADA, "MC-DA-101", "Ada Lovelace")
    theirs = issue(engine, settings, BEN, "MC-DA-101", "Ben Okri")
    ada, ben = token(engine, settings, ADA, "learner"), token(engine, settings, BEN, "learner")

    assert client.get("/api/v1/wallet/credentials").status_code == 401
    listed = client.get("/api/v1/wallet/credentials", headers=ada).json()
    assert [c["id"] for c in listed] == [mine.public_id]
    assert listed[0]["status"] == "active" and listed[0]["url"] == f"{BASE}/credentials/{mine.public_id}"
    assert listed[0]["downloads"]["pdf"] == f"/wallet/credentials/{mine.public_id}/credential.pdf"

    made = client.post(
        f"/api/v1/wallet/credentials/{mine.public_id}/shares", headers=ada,
        json={"duration": "30d", "recipient": EMPLOYER},
    )  # fmt: skip
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["url"] == f"{BASE}/s/{body['token']}" and body["state"] == "active" and body["views"] == 0

    assert client.get(f"/s/{body['token']}").status_code == 200
    shares = client.get(f"/api/v1/wallet/credentials/{mine.public_id}/shares", headers=ada).json()
    assert [(s["id"], s["views"], s["recipient"]) for s in shares] == [(body["id"], 1, EMPLOYER)]
    assert "token" not in shares[0] and "url" not in shares[0]

    refused = client.post(
        f"/api/v1/wallet/credentials/{theirs.public_id}/shares", headers=ada, json={"duration": "1d"}
    )
    assert refused.status_code == 404 and refused.headers["content-type"] == "application/problem+json"
    assert client.get(f"/api/v1/wallet/credentials/{theirs.public_id}/shares", headers=ada).status_code == 404
    assert client.delete(f"/api/v1/shares/{body['id']}", headers=ben).status_code == 404

    assert client.delete(f"/api/v1/shares/{body['id']}", headers=ada).status_code == 204
    assert client.get(f"/s/{body['token']}").status_code == 404
    after = client.get(f"/api/v1/wallet/credentials/{mine.public_id}/shares", headers=ada).json()
    assert after[0]["state"] == "revoked" and after[0]["revoked_at"] is not None


def test_bad_share_requests_name_the_field_and_change_nothing(client, engine, settings):
    mine = issue(engine, settings, ADA)
    ada = token(engine, settings, ADA, "learner")
    read_only = token(engine, settings, "ro@example.org", "learner", scopes=("read",))
    before = snapshot(engine)
    before.pop("api_tokens")  # a token records when it was last used
    path = f"/api/v1/wallet/credentials/{mine.public_id}/shares"
    bad_recipient = client.post(path, headers=ada, json={"duration": "7d", "recipient": "nope"})
    assert bad_recipient.status_code == 422
    assert bad_recipient.json()["errors"] == [
        {"location": "recipient", "message": "'nope' is not an email address"}
    ]
    assert client.post(path, headers=ada, json={}).json()["errors"][0]["location"] == "expires"
    assert client.post(path, headers=ada, json={"duration": "2y"}).status_code == 422
    assert client.post(path, headers=read_only, json={"duration": "7d"}).status_code == 403
    after = snapshot(engine)
    after.pop("api_tokens")
    assert after == before


def test_an_employer_lists_what_was_shared_with_them_verified(client, engine, settings):
    award = issue(engine, settings, ADA, "MC-DA-101", "Ada Lovelace")
    ada, employer = token(engine, settings, ADA, "learner"), token(engine, settings, EMPLOYER, "employer")
    other = token(engine, settings, "other@firm.example", "employer")
    path = f"/api/v1/wallet/credentials/{award.public_id}/shares"
    client.post(path, headers=ada, json={"duration": "7d", "recipient": EMPLOYER})
    client.post(path, headers=ada, json={"duration": "7d"})

    shared = client.get("/api/v1/shared", headers=employer).json()
    assert [(s["credential"], s["learner_name"]) for s in shared] == [(award.public_id, "Ada Lovelace")]
    assert shared[0]["verification"]["verified"] is True
    assert {c["check"] for c in shared[0]["verification"]["checks"]} >= {"proof", "status", "dates"}
    assert client.get("/api/v1/shared", headers=other).json() == []
    assert client.get("/api/v1/shared", headers=ada).status_code == 403
