"""The pricing, quote, orders and registrar pages on SQLite and PostgreSQL, signed in: managers
keep price models and discounts (CSRF, roles, errors per field that store nothing); a learner sees
their quote with the cheapest marked and places an order; the registrar's ledger, its CSV, a
payment recorded; transcripts as page, PDF and CLR; the records export."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from credstack.api.app import create_app
from tests.conftest import snapshot
from tests.pricing_builders import ADA, PASSWORD, earn, price_models, seed_small, settings_for
from tests.web.test_transfer_pages import csrf

STAFF = {"registrar": "reg@example.edu", "designer": "des@example.edu", "employer": "boss@example.com"}


def sign_in(client: TestClient, email: str) -> None:
    client.cookies.clear()
    token = csrf(client, "/signin")
    signed = client.post("/signin", data={"email": email, "password": PASSWORD, "csrf_token": token},
                         follow_redirects=False)  # fmt: skip
    assert signed.status_code == 303, signed.text


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    settings = settings_for(engine)
    people = seed_small(engine, settings, passwords=True)
    earn(engine, settings, "MC-DA-101", "MC-DA-102")
    price_models(engine, settings, people["registrar"])
    with TestClient(create_app(settings, engine=engine), base_url="https://testserver") as c:
        yield c


def test_managers_keep_price_models_and_discounts(client, engine):
    sign_in(client, ADA)
    assert client.get("/pricing").status_code == 403
    sign_in(client, STAFF["designer"])
    page = client.get("/pricing")
    assert page.status_code == 200 and "Data analytics bundle" in page.text
    token = csrf(client, "/pricing")
    saved = client.post("/pricing/models", data={
        "csrf_token": token, "code": "employer-modules", "kind": "per-module", "name": "Employer modules",
        "currency": "EUR", "tier": "employer", "module_prices": "MC-DA-201 = 300\nMC-DA-202=310.50", "active": "on",
    })  # fmt: skip
    assert saved.status_code == 200 and "Saved: price model employer-modules" in saved.text
    before = snapshot(engine)
    bad = client.post("/pricing/models", data={
        "csrf_token": token, "code": "sub", "kind": "subscription", "name": "Sub", "currency": "EUR",
        "amount": "ten", "hours_per_month": "",
    })  # fmt: skip
    assert bad.status_code == 422
    assert 'id="m-amount-error"' in bad.text and 'id="m-hours_per_month-error"' in bad.text
    no_csrf = client.post("/pricing/discounts", data={"code": "X", "name": "X", "percent": "5"})
    assert no_csrf.status_code == 403
    bad_discount = client.post("/pricing/discounts", data={
        "csrf_token": token, "code": "X", "name": "X", "percent": "5", "valid_from": "2026-02-01",
        "valid_until": "2026-01-01",
    })  # fmt: skip
    assert bad_discount.status_code == 422 and 'id="d-valid_until-error"' in bad_discount.text
    assert snapshot(engine) == before
    ok = client.post("/pricing/discounts", data={
        "csrf_token": token, "code": "SPRING", "name": "Spring", "percent": "10", "promo_code": "spring",
        "active": "on",
    })  # fmt: skip
    assert ok.status_code == 200 and "10% off any price model with the code spring" in ok.text


def test_a_learner_gets_a_quote_and_places_an_order_the_registrar_records_payment(client):
    sign_in(client, ADA)
    page = client.get("/wallet/quote", params={"pathway": "CERT-DA"})
    assert page.status_code == 200, page.text
    assert page.text.count('class="tag-cheapest"') == 1
    assert "Data analytics bundle" in page.text and "Cohort seat" not in page.text
    cheapest = re.search(r'option--cheapest.*?name="model" value="([^"]+)"', page.text, re.S)
    assert cheapest is not None
    placed = client.post("/wallet/orders", data={"csrf_token": csrf(client, "/wallet/quote?pathway=CERT-DA"),
                                                 "pathway": "CERT-DA", "model": "da-bundle"})  # fmt: skip
    assert placed.status_code == 200 and "Order placed" in placed.text
    order_id = re.search(r"placed=([0-9a-f-]{36})", str(placed.url)).group(1)
    mine = client.get(f"/orders/{order_id}")
    assert mine.status_code == 200 and "EUR 500.00" in mine.text
    assert client.get("/orders").status_code == 403  # the ledger is the registrar's

    sign_in(client, STAFF["registrar"])
    ledger = client.get("/orders", params={"status": "placed"})
    assert order_id[:8] in ledger.text
    paid = client.post(f"/orders/{order_id}/status", data={
        "csrf_token": csrf(client, f"/orders/{order_id}"), "status": "paid", "reference": "BANK-9",
    })  # fmt: skip
    assert paid.status_code == 200 and "manual: BANK-9" in paid.text
    refund = client.post(f"/orders/{order_id}/status", data={
        "csrf_token": csrf(client, f"/orders/{order_id}"), "status": "refunded", "note": "",
    })  # fmt: skip
    assert refund.status_code == 422 and 'id="s-note-error"' in refund.text
    rows = list(csv.DictReader(io.StringIO(client.get("/orders.csv", params={"status": "paid"}).text)))
    assert [(r["order_id"], r["payment_reference"]) for r in rows] == [(order_id, "BANK-9")]
    assert client.get("/orders", params={"since": "yesterday"}).status_code == 422


def test_transcripts_and_the_export_on_the_web(client):
    sign_in(client, STAFF["employer"])
    assert client.get(f"/registrar/learners/{ADA}/transcript").status_code == 403
    sign_in(client, STAFF["registrar"])
    assert client.get("/registrar").status_code == 200
    opened = client.get("/registrar", params={"learner": ADA})
    assert opened.status_code == 200 and "Transcript: Ada Lovelace" in opened.text
    assert "MC-DA-102" in opened.text
    pdf = client.get(f"/registrar/learners/{ADA}/transcript.pdf")
    assert pdf.content.startswith(b"%PDF")
    clr = client.get(f"/registrar/learners/{ADA}/transcript.clr.json").json()
    assert "ClrCredential" in clr["type"]
    export = client.get("/registrar/records.csv", params={"since": "2000-01-01", "until": "2999-12-31"})
    assert len(list(csv.DictReader(io.StringIO(export.text)))) == 2
    assert client.get("/registrar", params={"since": "2026-02-01", "until": "2026-01-01"}).status_code == 422
    assert client.get("/registrar/learners/nobody@example.org/transcript").status_code == 404
    sign_in(client, ADA)
    own = client.get("/wallet/transcript")
    assert own.status_code == 200 and "Your wallet" in own.text
    assert client.get("/wallet/transcript.pdf").content.startswith(b"%PDF")
    assert client.get("/registrar/records.csv").status_code == 403


def test_pages_need_a_signed_in_user(client):
    for path in ("/pricing", "/wallet/quote", "/orders", "/registrar", "/wallet/transcript"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/signin")
