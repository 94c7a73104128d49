"""The wallet pages on SQLite and PostgreSQL: /wallet shows a learner only their own credentials
and downloads; a share link is made with CSRF, shown once, counts views, and once revoked or
expired shows the same empty 404 as a link that never existed; /shared lists only what was shared
with the signed-in employer; /verify takes pasted JSON and JWTs, QR-code URLs and share links."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from credstack.api.app import create_app
from credstack.domain.identity import Principal
from credstack.services.institutions import institution_from_settings
from credstack.services.status import change_status
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings
from credstack.store.awards import StoredAward
from credstack.web import wallet as wallet_views
from credstack.web.qr import qr_svg
from tests.wallet_builders import (
    ADA,
    BASE,
    BEN,
    EMPLOYER,
    OTHER_EMPLOYER,
    csrf,
    issue,
    person,
    seed_catalog,
    sign_in,
    wallet_settings,
)


@pytest.fixture
def settings(engine: Engine) -> Settings:
    settings = wallet_settings(engine)
    seed_catalog(engine, settings)
    return settings


@pytest.fixture
def people(engine: Engine, settings: Settings) -> dict[str, Principal]:
    roles = {ADA: "learner", BEN: "learner", EMPLOYER: "employer", OTHER_EMPLOYER: "employer"}
    return {email: person(engine, settings, email, role) for email, role in roles.items()}


@pytest.fixture
def client(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine), follow_redirects=False) as c:
        yield c


@pytest.fixture
def awards(engine: Engine, settings: Settings) -> dict[str, StoredAward]:
    return {
        "ada-101": issue(engine, settings, ADA, "MC-DA-101", "Ada Lovelace"),
        "ada-102": issue(engine, settings, ADA, "MC-DA-102", "Ada Lovelace"),
        "ben-101": issue(engine, settings, BEN, "MC-DA-101", "Ben Okri"),
    }


def text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def verdict(html: str) -> str:
    found = re.search(r'<h1 id="verdict-title"[^>]*>([^<]+)</h1>', html)
    assert found, "no verdict on the page"
    return found.group(1)


def make_share(client: TestClient, public_id: str, **fields: str) -> tuple[str, str]:
    """Make a link through the wallet form; (the link, the page that showed it)."""
    data = {"duration": "7d", "csrf_token": csrf(client, "/wallet"), **fields}
    response = client.post(f"/wallet/credentials/{public_id}/shares", data=data)
    assert response.status_code == 201, response.text
    found = re.search(r'id="new-share-link"[^>]*value="([^"]+)"', response.text)
    assert found, "the new link is not shown"
    return found.group(1), response.text


def path_of(link: str) -> str:
    assert link.startswith(BASE + "/s/")
    return link[len(BASE) :]


def test_the_wallet_shows_only_the_learners_credentials_with_status_and_downloads(client, people, awards):
    assert client.get("/wallet").headers["location"] == "/signin?next=/wallet"
    sign_in(client, people[ADA])
    page = client.get("/wallet")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    words = text(page.text)
    assert "Your credentials (2)" in words and words.count("Status: Active") == 2
    for own in ("ada-101", "ada-102"):
        public_id = awards[own].public_id
        assert f'href="/credentials/{public_id}"' in page.text
        for fmt in ("json", "jwt", "png", "svg", "pdf"):
            assert f'href="/wallet/credentials/{public_id}/credential.{fmt}"' in page.text
    assert awards["ben-101"].public_id not in page.text
    assert page.text.index(awards["ada-102"].public_id) < page.text.index(
        awards["ada-101"].public_id
    )  # newest first
    assert 'href="/wallet/pathways">Pathway map of every stack</a>' in page.text

    own = client.get(f"/wallet/credentials/{awards['ada-101'].public_id}/credential.json")
    assert own.status_code == 200 and json.loads(own.content)["id"].endswith(awards["ada-101"].public_id)
    refused = client.get(f"/wallet/credentials/{awards['ben-101'].public_id}/credential.json")
    assert refused.status_code == 404 and "Ben" not in refused.text

    sign_in(client, people[EMPLOYER])
    assert client.get("/wallet").status_code == 403


def test_a_share_link_is_shown_once_counts_views_and_is_gone_once_revoked(client, people, awards):
    sign_in(client, people[ADA])
    public_id = awards["ada-101"].public_id
    no_csrf = client.post(f"/wallet/credentials/{public_id}/shares", data={"duration": "7d"})
    assert no_csrf.status_code == 403
    link, shown = make_share(client, public_id, recipient=EMPLOYER)
    assert (
        "shown only this once" in text(shown) and qr_svg(link, label="QR code of the new share link") in shown
    )
    assert link not in client.get("/wallet").text  # never again

    client.get(path_of(link))  # the owner's own preview is not counted
    client.cookies.clear()
    for _ in range(2):
        page = client.get(path_of(link))
        assert page.status_code == 200
    words = text(page.text)
    assert "Ada Lovelace" in words and "Verification: Valid" in words
    assert (
        "Signature Passed" in words and "Revocation and suspension Passed" in words
    )  # every check, status list read
    assert ADA not in page.text  # the learner's email stays private
    assert qr_svg(link, label="QR code of this share link") in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    download = client.get(path_of(link) + "/credential.json")
    assert download.status_code == 200 and json.loads(download.content)["id"].endswith(public_id)

    sign_in(client, people[ADA])
    row = re.search(r'<tr id="shares-(\d+)">(.*?)</tr>', client.get("/wallet").text, re.S)
    assert row is not None
    assert re.search(r'data-label="Views">2<', row.group(2)) and "Active" in row.group(2)
    revoked = client.post(
        f"/wallet/shares/{row.group(1)}/revoke", data={"csrf_token": csrf(client, "/wallet")}
    )
    assert revoked.status_code == 303
    after = text(client.get(revoked.headers["location"]).text)
    assert "The share link was revoked" in after and "Revoked" in after

    client.cookies.clear()
    gone = client.get(path_of(link))
    unknown = client.get("/s/" + "A" * 43)
    junk = client.get("/s/..%2F..%2Fetc")
    assert gone.status_code == unknown.status_code == 404
    assert gone.text == unknown.text  # a revoked link and one that never existed look the same
    assert junk.status_code == 404 and "Ratio" not in gone.text and "Lovelace" not in gone.text
    assert client.get(path_of(link) + "/credential.json").status_code == 404


def test_an_expired_link_shows_nothing(client, people, awards, monkeypatch):
    sign_in(client, people[ADA])
    link, _ = make_share(client, awards["ada-101"].public_id, duration="1d")
    client.cookies.clear()
    assert client.get(path_of(link)).status_code == 200
    later = datetime.now(UTC) + timedelta(days=1, minutes=1)
    monkeypatch.setattr(wallet_views, "clock", lambda: later)
    expired = client.get(path_of(link))
    assert expired.status_code == 404 and expired.text == client.get("/s/" + "B" * 43).text


def test_bad_share_input_is_named_and_makes_nothing(client, people, awards):
    sign_in(client, people[ADA])
    public_id = awards["ada-101"].public_id
    for fields, message in (
        ({"recipient": "nobody"}, "'nobody' is not an email address"),
        ({"until": "2001-01-01"}, "a share link must work for at least a day"),
        ({"until": "soon"}, "'soon' is not a date (YYYY-MM-DD)"),
    ):
        data = {"duration": "7d", "csrf_token": csrf(client, "/wallet"), **fields}
        response = client.post(f"/wallet/credentials/{public_id}/shares", data=data)
        assert response.status_code == 422 and message in text(response.text)
    assert "Share links (" not in client.get("/wallet").text
    other = client.post(
        f"/wallet/credentials/{awards['ben-101'].public_id}/shares",
        data={"duration": "7d", "csrf_token": csrf(client, "/wallet")},
    )
    assert other.status_code == 404


def test_an_employer_sees_only_what_was_shared_with_them(client, people, awards, engine):
    sign_in(client, people[ADA])
    make_share(client, awards["ada-101"].public_id, recipient=EMPLOYER.upper())
    make_share(client, awards["ada-102"].public_id, recipient=OTHER_EMPLOYER)
    make_share(client, awards["ada-102"].public_id)
    revoked_link, _ = make_share(client, awards["ada-102"].public_id, recipient=EMPLOYER)
    newest = re.search(r'<tr id="shares-(\d+)">', client.get("/wallet").text)
    assert newest is not None  # the newest link of the newest credential: the one to revoke
    client.post(f"/wallet/shares/{newest.group(1)}/revoke", data={"csrf_token": csrf(client, "/wallet")})
    assert client.get(path_of(revoked_link)).status_code == 404  # it was that one

    sign_in(client, people[EMPLOYER])
    page = client.get("/shared")
    assert page.status_code == 200
    words = text(page.text)
    assert awards["ada-101"].public_id in page.text and awards["ada-102"].public_id not in page.text
    assert "Verification: Valid" in words and "Ada Lovelace" in words
    share_id = re.search(r'href="/shared/(\d+)/credential.json"', page.text)
    assert share_id is not None
    assert client.get(f"/shared/{share_id.group(1)}/credential.json").status_code == 200
    assert client.get(f"/shared/{newest.group(1)}/credential.json").status_code == 404

    change_status(
        UnitOfWork(engine), institution=institution_from_settings(client.app.state.settings),
        award=awards["ada-101"].public_id, action="revoke", reason="issued in error", actor="registrar",
    )  # fmt: skip
    words = text(client.get("/shared").text)  # the credential, revoked since it was shared, fails live
    assert "Verification: Not valid" in words and "Revocation and suspension" in words

    sign_in(client, people[OTHER_EMPLOYER])
    other = client.get("/shared").text
    assert awards["ada-102"].public_id in other and awards["ada-101"].public_id not in other
    sign_in(client, people[ADA])
    assert client.get("/shared").status_code == 403


def test_verify_takes_pasted_json_and_jwt_qr_urls_and_share_links(client, people, awards):
    public_id = awards["ada-101"].public_id
    credential_url = f"{BASE}/credentials/{public_id}"
    page = client.get(f"/credentials/{public_id}")
    assert qr_svg(credential_url, label="QR code of this credential's address") in page.text

    sign_in(client, people[ADA])
    document = client.get(f"/wallet/credentials/{public_id}/credential.json").text
    jwt = client.get(f"/wallet/credentials/{public_id}/credential.jwt").text
    link, _ = make_share(client, public_id)
    client.cookies.clear()

    assert verdict(client.post("/verify", data={"text": document}).text) == "Valid"
    assert verdict(client.post("/verify", data={"text": jwt}).text) == "Valid"
    assert (
        verdict(client.get("/verify", params={"url": credential_url}).text) == "Valid"
    )  # where the QR leads
    shared = client.get("/verify", params={"url": link})
    assert verdict(shared.text) == "Valid" and "Ada Lovelace" in text(shared.text)
    assert verdict(client.post("/verify", data={"text": f"  {link}\n"}).text) == "Valid"  # pasted

    edited = json.loads(document)
    edited["credentialSubject"]["achievement"]["name"] = "Something grander"
    tampered = client.post("/verify", data={"text": json.dumps(edited)})
    assert verdict(tampered.text) == "Not valid" and "Signature" in text(tampered.text)

    gone = client.get("/verify", params={"url": BASE + "/s/" + "C" * 43})
    assert verdict(gone.text) == "Not valid"
    assert "this share link does not work" in text(gone.text)
    assert client.get("/verify", params={"url": "https://elsewhere.example/s/abc"}).status_code == 200
