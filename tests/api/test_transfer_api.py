"""The transfer-credit API on SQLite and PostgreSQL: agreements uploaded (a bad file names its
line), the equivalency table, a learner's claim (recorded, or refused as problem+json with the
reasons), the registrar's queue and decision, and the audit showing the credit."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api.pathway_builders import pathway_client
from tests.transfer_builders import STATS, agreements_yaml, as_bytes, partner_credential

ADA = "ada@example.org"


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    with pathway_client(engine) as c:
        response = c.post(
            "/api/v1/transfer/agreements",
            files={
                "file": (
                    "agreements.yaml",
                    agreements_yaml().replace(b"CERT-DA", b"DA-FAST"),
                    "application/yaml",
                )
            },
        )
        assert response.status_code == 201, response.text
        assert response.json()["created"] == ["RIV-PDW", "RIV-STATS"]
        yield c


def test_agreements_and_the_equivalency_table(client: TestClient) -> None:
    agreements = {a["code"]: a for a in client.get("/api/v1/transfer/agreements").json()}
    assert agreements["RIV-STATS"]["grants"] == {"credits": 3.0, "unit": "credit-hours"}
    assert agreements["RIV-STATS"]["pathway"] == "DA-FAST"
    assert "counts as MC-DA-101" in agreements["RIV-PDW"]["terms"]
    units = {u["code"]: u["ects_per_unit"] for u in client.get("/api/v1/transfer/credit-units").json()}
    assert units["ects"] == 1 and units["cats"] == 0.5
    put = client.put(
        "/api/v1/transfer/credit-units/us-quarter",
        json={"name": "US quarter credits", "ects_per_unit": 1.3333},
    )
    assert put.status_code == 200
    assert any(u["code"] == "us-quarter" for u in client.get("/api/v1/transfer/credit-units").json())
    bad = client.put("/api/v1/transfer/credit-units/x", json={"name": "X", "ects_per_unit": 0})
    assert bad.status_code == 422


def test_a_bad_agreements_file_is_a_problem_naming_the_line(client: TestClient) -> None:
    before = client.get("/api/v1/transfer/agreements").json()
    bad = b"- code: X\n  partner: P\n  issuer: did:x\n  grants: {credits: many, unit: ects}\n"
    response = client.post(
        "/api/v1/transfer/agreements", content=bad, headers={"content-type": "application/yaml"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["location"] == "line 4, column 21"
    assert client.get("/api/v1/transfer/agreements").json() == before


def test_a_claim_is_recorded_and_the_audit_shows_it_as_transfer_credit(client: TestClient) -> None:
    response = client.post(
        f"/api/v1/learners/{ADA}/transfer-credits",
        files={"file": ("riverside.json", as_bytes(partner_credential()), "application/json")},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "accepted" and body["verdict"] == "verified"
    (granted,) = body["transfers"]
    assert granted["counts_as"] == "MC-DA-101" and granted["partner"] == "Riverside Community College"
    audit = client.get("/api/v1/pathways/DA-FAST/audit", params={"learner": ADA}).json()
    foundations = next(c for c in audit["tree"]["children"] if c["id"] == "foundations")
    assert foundations["status"] == "met"
    assert foundations["awards"] == [f"transfer:{granted['id']}"]
    listed = client.get(f"/api/v1/learners/{ADA}/transfer-credits").json()
    assert [t["id"] for t in listed] == [granted["id"]]
    one = client.get(f"/api/v1/transfer-credits/{granted['id']}").json()
    assert one["credential"]["issuer"]["name"] == "Riverside Community College"
    assert one["verification"]["verified"] is True


def test_a_refused_claim_is_a_problem_with_the_reasons(client: TestClient) -> None:
    response = client.post(
        f"/api/v1/learners/{ADA}/transfer-credits",
        content=json.dumps(partner_credential(result="50")),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["detail"] == "it meets none of the agreements with this issuer"
    reasons = {a["code"]: a["reasons"] for a in problem["claim"]["agreements"]}
    assert reasons["RIV-PDW"] == ["result 50 is below the minimum 70"]
    # nothing was stored, not even the learner
    assert client.get(f"/api/v1/learners/{ADA}/transfer-credits").status_code == 404


def test_the_registrars_queue_and_decision(client: TestClient) -> None:
    response = client.post(
        f"/api/v1/learners/{ADA}/transfer-credits",
        content=as_bytes(
            partner_credential(achievement=STATS, name="Introduction to Statistics", email="old@example.org")
        ),
    )
    assert response.status_code == 201
    (pending,) = response.json()["transfers"]
    assert pending["status"] == "pending" and pending["credits_ects"] == 6.0
    queue = client.get("/api/v1/transfer-credits", params={"status": "pending"}).json()
    assert [t["id"] for t in queue] == [pending["id"]]
    missing = client.post(
        f"/api/v1/transfer-credits/{pending['id']}/decision", json={"decision": "accept", "by": "r"}
    )
    assert missing.status_code == 422
    decided = client.post(
        f"/api/v1/transfer-credits/{pending['id']}/decision",
        json={"decision": "accept", "reason": "same learner, email changed", "by": "r.jones"},
    )
    assert decided.status_code == 200
    assert decided.json()["status"] == "accepted" and decided.json()["decided_by"] == "r.jones"
    assert client.get("/api/v1/transfer-credits", params={"status": "pending"}).json() == []
    unknown = client.post(
        "/api/v1/transfer-credits/00000000-0000-0000-0000-000000000000/decision",
        json={"decision": "accept", "reason": "x", "by": "r"},
    )
    assert unknown.status_code == 404
