"""The pricing, orders and registrar API on SQLite and PostgreSQL, with API tokens: price models
and discounts kept by those who keep prices, a learner's quote, an order placed, paid and listed
(JSON and CSV), the transcript as JSON, PDF and CLR, and the records export; roles refused."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from credstack.api.app import create_app
from credstack.services.identity import issue_token
from credstack.services.institutions import institution_from_settings
from credstack.services.unit_of_work import UnitOfWork
from tests.pricing_builders import ADA, PEOPLE, earn, seed_small, settings_for


@pytest.fixture
def api(engine: Engine) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    settings = settings_for(engine)
    seed_small(engine, settings)
    earn(engine, settings, "MC-DA-101", "MC-DA-102")
    institution = institution_from_settings(settings)
    headers = {}
    for email, role in PEOPLE:
        token = issue_token(UnitOfWork(engine), institution=institution, email=email, name="t", actor="t")
        headers[role] = {"Authorization": f"Bearer {token.secret}"}
    with TestClient(create_app(settings, engine=engine)) as client:
        yield client, headers


def test_prices_quote_and_an_order_through_the_api(api):
    client, h = api
    bundle = {
        "kind": "bundle",
        "name": "DA bundle",
        "currency": "EUR",
        "amount": "500.00",
        "pathway": "CERT-DA",
    }
    assert (
        client.put("/api/v1/pricing/models/da-bundle", json=bundle, headers=h["learner"]).status_code == 403
    )
    assert client.put("/api/v1/pricing/models/da-bundle", json=bundle).status_code == 401
    saved = client.put("/api/v1/pricing/models/da-bundle", json=bundle, headers=h["curriculum-designer"])
    assert saved.status_code == 200, saved.text
    assert "MC-DA-201" in saved.json()["includes"]
    per = {"kind": "per-module", "name": "Per module", "currency": "EUR"}
    assert client.put("/api/v1/pricing/models/modules", json=per, headers=h["registrar"]).status_code == 200
    bad = client.put("/api/v1/pricing/models/x", json={**per, "currency": "euro"}, headers=h["registrar"])
    assert bad.status_code == 422
    ten = {"name": "Ten", "percent": "10"}
    assert client.put("/api/v1/pricing/discounts/TEN", json=ten, headers=h["registrar"]).status_code == 200
    assert [m["code"] for m in client.get("/api/v1/pricing/models").json()] == ["da-bundle", "modules"]
    assert client.get("/api/v1/pricing/discounts", headers=h["learner"]).status_code == 403

    quote = client.get(f"/api/v1/learners/{ADA}/quote", params={"pathway": "CERT-DA"}, headers=h["learner"])
    assert quote.status_code == 200, quote.text
    body = quote.json()
    assert body["options"][1]["model"] == "da-bundle" and body["options"][1]["total"] == "450.00"
    assert body["cheapest"] in ("modules", "da-bundle")
    other = client.get(
        "/api/v1/learners/bob@example.org/quote", params={"pathway": "CERT-DA"}, headers=h["learner"]
    )
    assert other.status_code == 403

    order = {"learner": ADA, "pathway": "CERT-DA", "model": "da-bundle"}
    placed = client.post("/api/v1/orders", json=order, headers=h["learner"])
    assert placed.status_code == 201, placed.text
    oid = placed.json()["id"]
    assert placed.json()["lines"][0]["discount_code"] == "TEN"
    assert client.get("/api/v1/orders", headers=h["learner"]).status_code == 403
    assert client.get(f"/api/v1/orders/{oid}", headers=h["learner"]).json()["status"] == "placed"
    paid = client.post(f"/api/v1/orders/{oid}/status", json={"status": "paid", "reference": "INV-7"},
                       headers=h["registrar"])  # fmt: skip
    assert paid.json()["payment_reference"] == "INV-7"
    again = client.post(f"/api/v1/orders/{oid}/status", json={"status": "placed"}, headers=h["registrar"])
    assert again.status_code == 409
    ledger = client.get("/api/v1/orders", params={"status": "paid", "format": "csv"}, headers=h["registrar"])
    rows = list(csv.DictReader(io.StringIO(ledger.text)))
    assert [(r["order_id"], r["total"]) for r in rows] == [(oid, "450.00")]


def test_transcripts_and_the_records_export_through_the_api(api):
    client, h = api
    base = f"/api/v1/registrar/learners/{ADA}/transcript"
    record = client.get(base, headers=h["registrar"])
    assert record.status_code == 200, record.text
    assert {e["achievement"] for e in record.json()["entries"]} == {"MC-DA-101", "MC-DA-102"}
    assert client.get(base, headers=h["learner"]).status_code == 200  # their own
    assert client.get(base, headers=h["employer"]).status_code == 403
    pdf = client.get(base + ".pdf", headers=h["learner"])
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    clr = client.get(base + ".clr", headers=h["registrar"]).json()
    assert "ClrCredential" in clr["type"] and clr["proof"]
    assert (
        client.get("/api/v1/registrar/learners/nobody@x.org/transcript", headers=h["registrar"]).status_code
        == 404
    )
    export = client.get(
        "/api/v1/registrar/records.csv", params={"since": "2000-01-01"}, headers=h["registrar"]
    )
    assert export.status_code == 200 and len(export.text.strip().splitlines()) == 3
    assert client.get("/api/v1/registrar/records.csv", headers=h["learner"]).status_code == 403
    assert (
        client.get(
            "/api/v1/registrar/records.csv", params={"since": "soon"}, headers=h["registrar"]
        ).status_code
        == 422
    )
