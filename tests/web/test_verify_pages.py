"""The verify page (a file, pasted text, or ``/verify?url=`` from a credential page) and the
trusted-issuers page. The verdict is a banner in words; every check is listed with its outcome
and level as text; the trust registry is a separate note, never a failure."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from credstack.api.app import create_app
from credstack.credentials.verifier import Check, Report
from credstack.domain.institution import Institution
from credstack.services import verify_requests
from credstack.services.institutions import institution_from_settings
from credstack.services.unit_of_work import UnitOfWork
from credstack.services.verify_requests import Verification
from credstack.settings import Settings
from credstack.web.verify_view import check_row, summary, verify_view
from tests.api.auth import as_staff
from tests.api.builders import seed
from tests.web.authz_builders import csrf, person, sign_in

pytestmark = pytest.mark.interop

BASE = "https://credstack.test"
EXPIRED = "interop/samples/signed/mc-05-python-data-wrangling-EXPIRED.json"
EXAMPLE_ISSUER = "did:key:z6Mkf5rGMoatrSj1f4CyvuHBeXJELe9RPdzo2PKGNCKVtZxP"


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
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
    with TestClient(create_app(settings, engine=engine), follow_redirects=False) as c:
        as_staff(c, UnitOfWork(engine), institution_from_settings(settings))
        yield c


@pytest.fixture
def registrar(client: TestClient, engine: Engine) -> str:
    """Sign the client in as a registrar (who keeps the registry); their CSRF token."""
    person(engine, Institution(slug="test", name="Test Institute"), "reg@example.edu", "registrar")
    client.base_url = "https://testserver"  # type: ignore[assignment]  # Secure session cookies
    sign_in(client, "reg@example.edu")
    return csrf(client, "/trusted-issuers")


@pytest.fixture
def award(client: TestClient) -> dict[str, Any]:
    response = client.post(
        "/api/v1/awards",
        json={
            "achievement": "RATIO-1",
            "learner_email": "ada@example.org",
            "learner_name": "Ada Lovelace",
            "results": {"C1": "Proficient", "C2": "Developing"},
        },
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))).strip()


def verdict(html: str) -> str:
    found = re.search(r'<h1 id="verdict-title"[^>]*>([^<]+)</h1>', html)
    assert found is not None, "no verdict on the page"
    return found.group(1)


def checks(html: str) -> list[str]:
    """Each listed check as its words: label, outcome, level."""
    items = re.findall(r'<li class="check check--[a-z]+">(.*?)</li>', html, flags=re.S)
    return [
        " ".join(_text(m) for m in re.findall(r'<strong class="check__label">(.*?)</strong>\s*'
                 r'<span class="check__outcome">(.*?)</span>\s*<span class="check__level">(.*?)</span>', i, re.S)[0])
        for i in items
    ]  # fmt: skip


def test_the_form_offers_a_file_a_paste_and_a_url(client: TestClient) -> None:
    page = client.get("/verify")
    assert page.status_code == 200
    html = page.text
    assert "<title>Verify a credential · Test Institute</title>" in html
    assert '<a href="/verify" aria-current="page">Verify</a>' in html
    assert 'enctype="multipart/form-data"' in html
    assert re.search(r'<label for="verify-file">Credential file</label>', html)
    assert re.search(
        r'<input class="dropzone__input" id="verify-file" name="file" type="file" required', html
    )
    assert '<label for="verify-text">Credential JSON or VC-JWT</label>' in html
    assert re.search(r'<form class="verify-way" method="get" action="/verify">', html)
    assert '<input id="verify-url" name="url" type="url"' in html
    assert 'src="/static/verify.js' in html and 'href="/static/verify.css' in html
    for asset in ("/static/verify.js", "/static/verify.css"):
        assert client.get(asset).status_code == 200
    assert "Verify" in _text(client.get("/").text)  # in the site navigation


def test_the_verify_button_of_a_credential_page_shows_verified(
    client: TestClient, award: dict[str, Any]
) -> None:
    page = client.get(f"/credentials/{award['id']}").text
    link = re.search(r'href="(/verify\?url=[^"]+)"[^>]*>Verify this credential', page)
    assert link is not None
    response = client.get(unescape(link.group(1)))
    assert response.status_code == 200
    html = response.text
    assert verdict(html) == "Valid"
    assert "<title>Valid: Ratio reasoning · Test Institute</title>" in html
    text = _text(html)
    for expected in (
        "This credential is genuine and in force",
        f"Open Badges 3.0 · JSON · from {award['url']}",
        "Trusted issuer: Test Institute (this institution) did:web:credstack.test",
        "Achievement Ratio reasoning (Micro-credential)",
        "Awarded to Ada Lovelace (as recorded by Test Institute)",
        "Issuer Test Institute did:web:credstack.test",
        "Valid until",
        f"Credential ID {award['url']}",
    ):
        assert expected in text, expected
    assert checks(html) == [
        "Vocabulary (JSON-LD context) Passed For information",
        "Credential type Passed For information",
        "Open Badges schema Could not check Advisory",
        "Signature Passed Required",
        "Validity dates Passed Required",
        "Revocation and suspension Passed Required",
        "Issuer in the trusted registry Passed For information",
    ]
    assert "Note: the issuer is not in the trusted registry" not in text
    assert "&#34;verified&#34;: true" in html or '"verified": true' in unescape(html)  # the JSON report


@pytest.mark.parametrize(("fmt", "media_type"), [("png", "image/png"), ("svg", "image/svg+xml")])
def test_an_uploaded_badge_shows_verified(
    client: TestClient, award: dict[str, Any], fmt: str, media_type: str
) -> None:
    badge = client.get(f"/api/v1/awards/{award['id']}/credential.{fmt}").content
    response = client.post("/verify", files={"file": (f"badge.{fmt}", badge, media_type)})
    assert response.status_code == 200
    assert verdict(response.text) == "Valid"
    assert f"Open Badges 3.0 · {fmt.upper()} badge · from badge.{fmt}" in _text(response.text)


def test_a_pasted_jwt_shows_verified(client: TestClient, award: dict[str, Any]) -> None:
    token = client.get(f"/api/v1/awards/{award['id']}/credential.jwt").text
    response = client.post("/verify", data={"text": f"\n {token} \n"})
    assert verdict(response.text) == "Valid"
    assert "Open Badges 3.0 · VC-JWT" in _text(response.text)


def test_a_tampered_credential_is_not_verified_and_not_vouched_for(
    client: TestClient, award: dict[str, Any]
) -> None:
    tampered = copy.deepcopy(award["credential"])
    tampered["credentialSubject"]["achievement"]["name"] = "Rocket science"
    response = client.post("/verify", data={"text": json.dumps(tampered)})
    assert response.status_code == 200
    html = response.text
    assert verdict(html) == "Not valid"
    text = _text(html)
    assert "Do not rely on this credential, for this reason: Signature: the signature does not match" in text
    assert "Signature Failed Required" in checks(html)
    assert "Awarded to Not named in the credential" in text  # not the learner of the real one
    assert "whose signature does not hold: none of it is vouched for" in text
    assert "Trusted issuer" not in text and "not in the trusted registry" not in text
    assert 'class="verdict verdict--failed"' in html


def test_a_revoked_credential_says_so(client: TestClient, award: dict[str, Any]) -> None:
    client.post(f"/api/v1/awards/{award['id']}/revoke", json={"reason": "Plagiarised project"})
    html = client.get("/verify", params={"url": award["url"]}).text
    assert verdict(html) == "Not valid"
    assert "Revocation and suspension: revoked" in _text(html)
    assert "Revocation and suspension Failed Required" in checks(html)
    assert "Signature Passed Required" in checks(html)


def test_an_expired_credential_and_the_trust_note(client: TestClient, shared: Path, registrar: str) -> None:
    sample = (shared / EXPIRED).read_text()
    html = client.post("/verify", data={"text": sample}).text
    assert verdict(html) == "Not valid"
    text = _text(html)
    assert "Validity dates: expired on 2021-01-01T00:00:00Z" in text
    assert "Achievement Python Data Wrangling (Micro-credential)" in text
    assert "Issued 1 January 2020" in text and "Valid until 1 January 2021" in text
    # the registry is a separate note, not a reason for the verdict
    assert (
        "Note: the issuer is not in the trusted registry. This does not make the credential invalid" in text
    )
    assert "Issuer in the trusted registry Warning Advisory" in checks(html)
    reasons = re.search(r'<ul class="verdict__reasons">(.*?)</ul>', html, re.S)
    assert reasons is not None and "registry" not in reasons.group(1)
    add = re.search(r'href="(/trusted-issuers\?[^"]+)">Add this issuer to the registry', html)
    assert add is not None
    assert quote(EXAMPLE_ISSUER, safe="") in add.group(1)
    prefilled = client.get(unescape(add.group(1))).text
    assert f'value="{EXAMPLE_ISSUER}"' in prefilled
    assert 'value="Example University - School of Continuing Studies"' in prefilled

    added = client.post(
        "/trusted-issuers",
        data={"issuer": EXAMPLE_ISSUER, "name": "Example University", "csrf_token": registrar},
    )
    assert added.status_code == 303
    again = client.post("/verify", data={"text": sample}).text
    assert "Trusted issuer: Example University" in _text(again)
    assert "Issuer in the trusted registry Passed For information" in checks(again)


def test_a_remote_url_is_not_fetched(client: TestClient) -> None:
    url = "https://credentials.example.edu/credentials/mc-01"
    html = client.get("/verify", params={"url": url}).text
    assert verdict(html) == "Not valid"
    assert f"Reading the credential: not fetched: {url} is not on this site" in _text(html)
    assert f'value="{url}"' in html  # the address stays in its field


def test_nothing_to_verify_is_said_plainly(client: TestClient) -> None:
    response = client.post("/verify", data={"text": "   "})
    assert response.status_code == 422
    assert "Nothing to verify" in response.text
    assert "Choose a credential file, paste a credential, or give the credential's web address." in unescape(
        response.text
    )
    empty_file = client.post("/verify", files={"file": ("", b"", "application/octet-stream")})
    assert empty_file.status_code == 422


def test_the_registry_page_adds_and_removes(client: TestClient, registrar: str) -> None:
    page = client.get("/trusted-issuers").text
    assert "No issuers yet." in page and 'action="/trusted-issuers"' in page

    bad = client.post("/trusted-issuers", data={"issuer": "example.org", "name": "", "csrf_token": registrar})
    assert bad.status_code == 422
    assert 'aria-invalid="true"' in bad.text
    assert "&#39;example.org&#39; is neither a DID nor an https URL" in bad.text
    assert 'value="example.org"' in bad.text  # what was typed stays

    added = client.post(
        "/trusted-issuers",
        data={
            "issuer": EXAMPLE_ISSUER,
            "name": "Example University",
            "note": "MoU 2024",
            "csrf_token": registrar,
        },
    )
    assert added.status_code == 303
    listed = client.get(added.headers["location"]).text
    text = _text(listed)
    assert f"Done: {EXAMPLE_ISSUER} was added to the registry." in text
    assert "The registry (1)" in text and "Example University" in text and "MoU 2024" in text
    assert "Remove Example University" in text  # the button says what it removes

    removed = client.post("/trusted-issuers/remove", data={"issuer": EXAMPLE_ISSUER, "csrf_token": registrar})
    assert removed.status_code == 303
    assert "was removed from the registry" in _text(client.get(removed.headers["location"]).text)
    gone = client.post("/trusted-issuers/remove", data={"issuer": EXAMPLE_ISSUER, "csrf_token": registrar})
    assert gone.status_code == 404


# ---- the presenter, with plain objects ----------------------------------------------------


def test_every_check_has_an_icon_and_words() -> None:
    rows = [
        check_row(Check("proof", "error", True, "ok")),
        check_row(Check("proof", "error", False, "bad")),
        check_row(Check("issuer", "warning", False, "not listed")),
        check_row(Check("status", "error", None, "list out of reach")),
        check_row(Check("something_new", "info", True, "fine")),
    ]
    assert [(r.icon, r.outcome_label, r.level_label, r.label) for r in rows] == [
        ("✓", "Passed", "Required", "Signature"),
        ("✗", "Failed", "Required", "Signature"),
        ("!", "Warning", "Advisory", "Issuer in the trusted registry"),
        ("?", "Could not check", "Required", "Revocation and suspension"),
        ("✓", "Passed", "For information", "Something new"),
    ]


def test_the_summary_names_the_learner_only_when_the_credential_does() -> None:
    base = {"credentialSubject": {"achievement": {"name": "A"}}, "issuer": "https://issuer.example"}
    assert summary(base) is not None
    plain = summary(base)
    assert plain is not None and (plain.learner, plain.issuer_id, plain.issuer_name) == (
        None,
        "https://issuer.example",
        None,
    )
    named = copy.deepcopy(base)
    named["credentialSubject"]["identifier"] = [
        {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": "Ada Lovelace"}
    ]
    found = summary(named)
    assert found is not None and (found.learner, found.learner_recorded) == ("Ada Lovelace", False)
    recorded = summary(base, recorded_learner="Ada L.")
    assert recorded is not None and (recorded.learner, recorded.learner_recorded) == ("Ada L.", True)
    ob2 = summary(
        {"badge": {"name": "Old badge", "issuer": "https://old.example/issuer"}, "issuedOn": "2019-05-01"}
    )
    assert ob2 is not None and (ob2.achievement, ob2.issuer_id) == ("Old badge", "https://old.example/issuer")
    assert ob2.valid_from is not None and ob2.valid_from.year == 2019
    assert summary(None) is None


def test_the_trust_note_needs_a_signature_that_holds() -> None:
    report = Report(kind="ob3")
    report.add("proof", "error", False, "bad")
    report.add("issuer", "warning", False, "not listed")
    view = verify_view(Verification(report))
    assert view.trust is not None and view.trust_note is None
    assert [r.name for r in view.reasons] == ["proof"]
