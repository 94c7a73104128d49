"""Issued credentials on the web: the public credential page, its downloads, the issue form on
the achievement page, the registrar's status panel, badge images, did.json and the status lists."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from credstack.api.app import create_app
from credstack.credentials.status_list import Bitstring
from credstack.domain.institution import Institution
from credstack.services.institutions import institution_from_settings
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from tests.api.auth import as_staff
from tests.api.builders import RATES, RATIO, seed
from tests.web.authz_builders import csrf, person, sign_in

pytestmark = pytest.mark.interop

BASE = "https://credstack.test"
REGISTRAR = "registrar@example.edu"


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
    person(engine, Institution(slug="test", name="Test Institute"), REGISTRAR, "registrar")
    with TestClient(create_app(settings, engine=engine), follow_redirects=False) as c:
        as_staff(c, UnitOfWork(engine), institution_from_settings(settings))
        c.base_url = "https://testserver"  # type: ignore[assignment]  # Secure session cookies
        sign_in(c, REGISTRAR)
        yield c


@pytest.fixture
def achievement_ids(client: TestClient) -> dict[str, int]:
    return {a["code"]: a["id"] for a in client.get("/api/v1/achievements").json()}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&amp;", "&")


def issue_form(client: TestClient, achievement_id: int, **fields: str) -> Any:
    data = {
        "learner_email": "ada@example.org",
        "learner_name": "Ada Lovelace",
        "mark-C1": "Proficient",
        "mark-C2": "Developing",
        "evidence_url": "https://portfolio.example.org/ada/ratios",
    } | fields
    return client.post(f"/achievements/{achievement_id}/issue", data=data | {"csrf_token": token(client)})


def token(client: TestClient) -> str:
    """The signed-in registrar's CSRF token."""
    return csrf(client, "/me")


def set_status(client: TestClient, path: str, action: str, reason: str) -> Any:
    return client.post(
        f"{path}/status", data={"action": action, "reason": reason, "csrf_token": token(client)}
    )


def issued(client: TestClient, achievement_ids: dict[str, int], **fields: str) -> str:
    """Issue through the form; the new credential's page path."""
    response = issue_form(client, achievement_ids["RATIO-1"], **fields)
    assert response.status_code == 303, response.text
    location: str = response.headers["location"]
    assert re.fullmatch(r"/credentials/[0-9a-f-]{36}", location)
    return location


def test_the_issue_form_is_on_a_published_achievement_only(
    client: TestClient, achievement_ids: dict[str, int]
) -> None:
    page = client.get(f"/achievements/{achievement_ids['RATIO-1']}").text
    assert f'action="/achievements/{achievement_ids["RATIO-1"]}/issue"' in page
    assert '<label for="issue-email">Learner email</label>' in page
    assert 'name="mark-C1"' in page and 'name="mark-C2"' in page
    assert '<option value="Proficient">Proficient (2 pts)</option>' in page

    draft = client.get(f"/achievements/{achievement_ids['PROP-1']}").text
    assert "/issue" not in draft
    assert "Only published achievements can be issued; this one is draft." in _text(draft)
    refused = issue_form(client, achievement_ids["PROP-1"], **{"mark-C1": "", "mark-C2": ""})
    assert refused.status_code == 409
    assert "PROP-1 is draft" in refused.text


def test_issue_through_the_form_lands_on_the_credential_page(
    client: TestClient, achievement_ids: dict[str, int]
) -> None:
    path = issued(client, achievement_ids)
    public_id = path.rsplit("/", 1)[1]
    page = client.get(path)
    assert page.status_code == 200
    assert "<title>Ratio reasoning — Ada Lovelace · Test Institute</title>" in page.text
    text = _text(page.text)
    for expected in (
        "Ratio reasoning",
        "Awarded to Ada Lovelace",
        "Issued by Test Institute on",
        "Active",
        "Ratio language Proficient level 3 of 3",
        "Rate problems Developing level 2 of 3",
        "5 ECTS",
        "did:web:credstack.test",
        f"{BASE}/credentials/{public_id}",
    ):
        assert expected in text, expected
    assert RATIO in text and RATES in text
    assert 'href="https://portfolio.example.org/ada/ratios"' in page.text
    assert f'src="/achievements/{achievement_ids["RATIO-1"]}/badge.png"' in page.text
    assert "revoked" not in text.lower().replace("revoke (final)", "")
    for fmt in ("json", "jwt", "png", "svg", "pdf"):
        assert f'href="/credentials/{public_id}/credential.{fmt}"' in page.text

    # the same form sent again gives the same award
    assert issued(client, achievement_ids) == path


def test_verify_and_linkedin_links_are_encoded(client: TestClient, achievement_ids: dict[str, int]) -> None:
    path = issued(client, achievement_ids)
    page = client.get(path).text
    url = f"{BASE}{path}"
    verify = re.search(r'href="(/verify\?[^"]+)"[^>]*>Verify this credential', page)
    assert verify is not None
    assert (
        verify.group(1)
        == "/verify?url=https%3A%2F%2Fcredstack.test%2Fcredentials%2F" + path.rsplit("/", 1)[1]
    )

    linkedin = re.search(r'href="(https://www\.linkedin\.com/profile/add\?[^"]+)"', page)
    assert linkedin is not None
    href = linkedin.group(1).replace("&amp;", "&")
    assert " " not in href
    query = {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}
    credential = client.get(f"/api/v1/awards/{path.rsplit('/', 1)[1]}").json()
    issued_on = credential["valid_from"][:7].split("-")
    until = credential["valid_until"][:7].split("-")
    assert query == {
        "startTask": "CERTIFICATION_NAME",
        "name": "Ratio reasoning",
        "organizationName": "Test Institute",
        "issueYear": issued_on[0],
        "issueMonth": str(int(issued_on[1])),
        "expirationYear": until[0],
        "expirationMonth": str(int(until[1])),
        "certUrl": url,
        "certId": path.rsplit("/", 1)[1],
    }


def test_failing_marks_rerender_the_form_with_the_shortfall(
    client: TestClient, achievement_ids: dict[str, int]
) -> None:
    response = issue_form(client, achievement_ids["RATIO-1"], **{"mark-C1": "Beginning"})
    assert response.status_code == 409
    text = _text(response.text)
    assert "The credential was not issued" in text
    assert "C1: Beginning is below the minimum of 1 points" in text
    assert 'value="ada@example.org"' in response.text  # what was typed stays
    assert '<option value="Beginning" selected>' in response.text
    assert client.get("/api/v1/awards").json() == []


def test_bad_fields_are_named_next_to_the_field(client: TestClient, achievement_ids: dict[str, int]) -> None:
    email = issue_form(client, achievement_ids["RATIO-1"], learner_email="ada.example.org")
    assert email.status_code == 422
    assert 'aria-invalid="true" aria-describedby="issue-email-error"' in email.text
    assert "is not an email address" in _text(email.text)
    evidence = issue_form(client, achievement_ids["RATIO-1"], evidence_url="ftp://files/x")
    assert evidence.status_code == 422
    assert "the evidence link must be an http(s) URL" in evidence.text


def test_revoke_from_the_registrar_panel(client: TestClient, achievement_ids: dict[str, int]) -> None:
    path = issued(client, achievement_ids)
    page = client.get(path).text
    assert f'action="{path}/status"' in page
    assert 'value="revoke"' in page and 'value="suspend"' in page and 'value="reinstate"' not in page

    no_reason = set_status(client, path, "revoke", "  ")
    assert no_reason.status_code == 422
    assert "The status was not changed" in no_reason.text

    done = set_status(client, path, "revoke", "Plagiarised project")
    assert done.status_code == 303
    assert done.headers["location"] == f"{path}?done=revoke#status-panel"
    revoked = client.get(done.headers["location"])
    text = _text(revoked.text)
    assert "This credential has been revoked" in text
    assert 'role="alert"' in revoked.text
    assert "Plagiarised project" in text
    assert "A revoked credential cannot be changed" in text

    credential = client.get(path, headers={"Accept": "application/json"}).json()
    entry = credential["credentialStatus"]
    served = client.get(urlsplit(entry["statusListCredential"]).path)
    assert served.headers["cache-control"] == "no-cache"
    assert Bitstring.decode(served.json()["credentialSubject"]["encodedList"]).get(
        int(entry["statusListIndex"])
    )

    again = set_status(client, path, "reinstate", "oops")
    assert again.status_code == 409
    assert "cannot reinstate it" in again.text


def test_suspend_shows_the_suspended_banner(client: TestClient, achievement_ids: dict[str, int]) -> None:
    path = issued(client, achievement_ids)
    set_status(client, path, "suspend", "Under investigation")
    page = client.get(path).text
    assert "This credential is suspended" in _text(page)
    assert 'value="reinstate"' in page
    set_status(client, path, "reinstate", "Cleared")
    assert "This credential is suspended" not in client.get(path).text


@pytest.mark.parametrize("did_method", ["web", "key"])
def test_downloads_from_the_page(client: TestClient, achievement_ids: dict[str, int]) -> None:
    path = issued(client, achievement_ids)
    starts = {"png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF", "json": b"{"}
    for fmt, media_type in (
        ("json", "application/json"),
        ("jwt", "application/jwt"),
        ("png", "image/png"),
        ("svg", "image/svg+xml"),
        ("pdf", "application/pdf"),
    ):
        response = client.get(f"{path}/credential.{fmt}")
        assert response.status_code == 200, (fmt, response.text)
        assert response.headers["content-type"].startswith(media_type)
        assert response.headers["content-disposition"].startswith('attachment; filename="RATIO-1-')
        assert response.content.startswith(starts.get(fmt, b""))
    assert "openbadges:credential" in client.get(f"{path}/credential.svg").text
    assert len(client.get(f"{path}/credential.jwt").text.split(".")) == 3
    assert client.get(f"{path}/credential.exe").status_code == 404


def test_badge_images(client: TestClient, achievement_ids: dict[str, int]) -> None:
    png = client.get(f"/achievements/{achievement_ids['RATIO-1']}/badge.png")
    assert png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    svg = client.get(f"/achievements/{achievement_ids['PROP-1']}/badge.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert "Proportional relationships" in svg.text and "Test Institute" in svg.text
    assert client.get("/achievements/9999/badge.png").status_code == 404


@pytest.mark.parametrize("did_method", ["web", "key"])
def test_did_json(client: TestClient, achievement_ids: dict[str, int], did_method: str) -> None:
    path = issued(client, achievement_ids)
    credential = client.get(path, headers={"Accept": "application/json"}).json()
    method = credential["proof"][0]["verificationMethod"]
    response = client.get("/.well-known/did.json")
    if did_method == "key":
        assert method.startswith("did:key:")
        assert response.status_code == 404
        return
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/did+json"
    assert response.headers["access-control-allow-origin"] == "*"
    assert [m["id"] for m in response.json()["verificationMethod"]] == [method]


def test_an_unknown_credential_is_a_404_page(client: TestClient) -> None:
    for path in ("/credentials/no-such-award", "/credentials/no-such-award/credential.pdf"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert "There is no award no-such-award." in response.text
    assert set_status(client, "/credentials/nope", "revoke", "x").status_code == 404
    assert issue_form(client, 9999).status_code == 404
