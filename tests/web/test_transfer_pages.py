"""The transfer-credit pages on SQLite and PostgreSQL: the registrar's page (agreements, the
equivalency table, the pending queue), handing in a credential with the outcome per agreement,
refusals and form errors that store nothing, a decision recorded with who and why, and the
pathway audit naming the partner of a transfer credit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from urllib.parse import unquote_plus

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from credstack.services.identity import add_user
from credstack.services.institutions import institution_from_settings
from credstack.services.unit_of_work import UnitOfWork
from tests.api.pathway_builders import pathway_client
from tests.transfer_builders import agreements_yaml, as_bytes, partner_credential

ADA = "ada@example.org"


REGISTRAR = "registrar@example.edu"
PASSWORD = "correct horse battery"


def sign_in(client: TestClient, engine: Engine, email: str, roles: list[str]) -> None:
    settings = client.app.state.settings  # type: ignore[attr-defined]
    add_user(
        UnitOfWork(engine), institution=institution_from_settings(settings), email=email, name="Pat Mensah",
        roles=roles, actor="test", password=PASSWORD,
    )  # fmt: skip
    client.cookies.clear()
    client.base_url = "https://testserver"  # type: ignore[assignment]  # the install is https: its cookies are Secure
    signed = client.post(
        "/signin",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf(client, "/signin")},
        follow_redirects=False,
    )
    assert signed.status_code == 303, signed.text


def csrf(client: TestClient, path: str = "/transfer") -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found, f"no CSRF field on {path}"
    return found.group(1)


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    with pathway_client(engine) as c:
        sign_in(c, engine, REGISTRAR, ["registrar"])
        saved = c.post(
            "/transfer/agreements",
            data={"csrf_token": csrf(c)},
            files={
                "file": (
                    "partner.yaml",
                    agreements_yaml().replace(b"CERT-DA", b"DA-FAST"),
                    "application/yaml",
                )
            },
            follow_redirects=False,
        )
        assert saved.status_code == 303 and "2 added" in unquote_plus(saved.headers["location"])
        yield c


def text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def hand_in(client: TestClient, document: dict, learner: str = ADA):
    return client.post(
        "/transfer/claim",
        data={"learner": learner, "csrf_token": csrf(client)},
        files={"file": ("partner.json", as_bytes(document), "application/json")},
    )


def test_the_registrars_page_lists_agreements_units_and_the_demo_queue(client: TestClient) -> None:
    page = client.get("/transfer")
    assert page.status_code == 200
    body = text(page.text)
    assert (
        "RIV-PDW" in body
        and "python-data-wrangling from Riverside Community College counts as MC-DA-101" in body
    )
    assert "UK CATS credits" in body and "0.5 ECTS" in body
    assert 'aria-current="page">Transfer credit' in page.text


def test_handing_in_a_credential_grants_credit_and_the_audit_names_the_partner(client: TestClient) -> None:
    page = hand_in(client, partner_credential())
    assert page.status_code == 200
    body = text(page.text)
    assert "Transfer credit granted" in body and "counts as MC-DA-101" in body and "accepted" in body
    link = re.search(r'href="(/transfer/credits/[0-9a-f-]{36})"', page.text)
    assert link is not None
    detail = client.get(link.group(1))
    assert detail.status_code == 200 and "Withdraw this credit" in detail.text
    audit = client.get("/pathways/DA-FAST/audit", params={"learner": ADA})
    assert "Python Data Wrangling (transfer credit)" in audit.text
    assert "from Riverside Community College" in text(audit.text)
    assert f'href="{link.group(1)}"' in audit.text


def test_a_refused_credential_says_why_per_agreement(client: TestClient) -> None:
    page = hand_in(client, partner_credential(result="40"))
    assert page.status_code == 422
    body = text(page.text)
    assert "Not counted" in body and "result 40 is below the minimum 70" in body
    assert "Waiting for a decision (0)" in body


def test_the_form_names_what_is_missing(client: TestClient) -> None:
    page = client.post("/transfer/claim", data={"learner": "not-an-email", "csrf_token": csrf(client)})
    assert page.status_code == 422
    body = text(page.text)
    assert "Enter the learner's email address." in body and "Choose the credential file" in body
    assert 'aria-invalid="true"' in page.text


def test_a_pending_claim_is_decided_with_who_and_why(client: TestClient) -> None:
    page = hand_in(client, partner_credential(email="old.address@example.org"))
    assert "Recorded: waiting for a registrar" in text(page.text)
    queue = client.get("/transfer")
    assert "Waiting for a decision (1)" in text(queue.text)
    url = re.search(r'href="(/transfer/credits/[0-9a-f-]{36})"', queue.text)
    assert url is not None
    missing = client.post(
        f"{url.group(1)}/decision", data={"decision": "accept", "reason": "", "csrf_token": csrf(client)}
    )
    assert missing.status_code == 422 and "say why" in missing.text
    done = client.post(
        f"{url.group(1)}/decision",
        data={
            "decision": "accept",
            "reason": "Same learner: checked with Riverside",
            "csrf_token": csrf(client),
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    after = client.get(done.headers["location"])
    assert "Decision recorded: accepted" in text(after.text) and f"decided by {REGISTRAR}" in text(after.text)
    assert "Waiting for a decision (0)" in text(client.get("/transfer").text)


def test_the_pages_are_for_signed_in_registrars_and_forms_need_their_token(
    client: TestClient, engine: Engine
) -> None:
    refused = client.post(
        "/transfer/claim", data={"learner": ADA}, files={"file": ("p.json", b"{}", "application/json")}
    )
    assert refused.status_code == 403 and "did not come from this site" in text(refused.text)
    client.cookies.clear()
    anonymous = client.get("/transfer", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/signin?next=/transfer"
    sign_in(client, engine, "learner@example.edu", ["learner"])
    assert client.get("/transfer").status_code == 403
