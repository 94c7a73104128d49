"""The Open Badges 3.0 API's resources (OB 3.0 §6.2) on SQLite and PostgreSQL: upsert refusals
that store nothing, VC-JWT credentials, profile refusals, paging parameters, tokens that are
missing, unknown or expired, the routes in the OpenAPI document, and the official schemas."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import cache
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from credstack.api.ob3.router import paging_links
from credstack.credentials import eddsa_rdfc_2022
from credstack.credentials.did import did_key_verification_method
from credstack.credentials.jwt_vc import sign_jwt
from credstack.services.oauth import CREDENTIAL_READ
from credstack.settings import Settings
from credstack.store.tables import oauth_tokens
from tests.api.ob3_builders import API, Connected, add_learner, connect, ob3_client
from tests.conftest import snapshot
from tests.transfer_builders import PARTNER_KEY, PARTNER_PUBLIC, as_bytes, partner_credential

ADA = "ada@example.org"
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def wallet(engine) -> Iterator[tuple[TestClient, Connected, list[str]]]:
    with ob3_client(engine) as client:
        ids = add_learner(client, engine, ADA, "Ada Lovelace", "OB-1", "OB-2")
        yield client, connect(client, ADA), ids


def minor(response) -> str:
    return response.json()["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"]


def resign(document: dict) -> dict:
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    return eddsa_rdfc_2022.add_proof(
        unsigned,
        PARTNER_KEY,
        did_key_verification_method(PARTNER_PUBLIC),
        created=datetime(2025, 3, 1, tzinfo=UTC),
    )


def test_an_upsert_that_does_not_verify_or_is_not_the_learners_stores_nothing(engine, wallet):
    client, connected, _ = wallet
    headers = {**connected.headers, **JSON}
    tampered = partner_credential(email=ADA)
    tampered["name"] = "Python Data Wrangling (with honours)"
    someone_else = partner_credential(email="eve@example.org")
    no_id = resign({k: v for k, v in partner_credential(email=ADA).items() if k != "id"})
    not_a_badge = resign({**partner_credential(email=ADA), "type": ["VerifiableCredential"]})
    before = snapshot(engine)
    for body, says in [
        (as_bytes(tampered), "does not verify"),
        (as_bytes(someone_else), "issued to someone else"),
        (as_bytes(no_id), "has no id"),
        (as_bytes(not_a_badge), "not an Open Badges 3.0 credential"),
        (b"{not json", "not a credential"),
        (b"[1, 2]", "not a credential"),
    ]:
        response = client.post(f"{API}/credentials", content=body, headers=headers)
        assert response.status_code == 400, (says, response.text)
        assert says in response.json()["imsx_description"]
        assert minor(response) == "invalid_data" and response.json()["imsx_severity"] == "error"
    assert snapshot(engine) == before


def test_a_vc_jwt_is_stored_and_listed_as_a_compact_jws(wallet):
    client, connected, ids = wallet
    document = {k: v for k, v in partner_credential(email=ADA).items() if k != "proof"}
    token = sign_jwt(document, PARTNER_KEY, did_key_verification_method(PARTNER_PUBLIC))
    stored = client.post(
        f"{API}/credentials", content=token, headers={**connected.headers, "Content-Type": "text/plain"}
    )
    assert stored.status_code == 201, stored.text
    assert stored.text == token and stored.headers["content-type"].startswith("text/plain")
    listed = client.get(f"{API}/credentials", headers=connected.headers).json()
    assert listed["compactJwsString"] == [token]
    assert [c["id"] for c in listed["credential"]] == ids
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    refused = client.post(f"{API}/credentials", content=forged, headers=connected.headers)
    assert refused.status_code == 400 and "does not verify" in refused.json()["imsx_description"]


def test_a_profile_update_that_is_refused_changes_nothing(engine, wallet):
    client, connected, _ = wallet
    headers = connected.headers
    profile = client.get(f"{API}/profile", headers=headers).json()
    before = snapshot(engine)
    for body, field in [
        ({**profile, "favouriteColour": "teal"}, "favouriteColour"),
        ({**profile, "email": "ada@elsewhere.example"}, "email"),
        ({**profile, "id": "mailto:eve@example.org"}, "id"),
        ({**profile, "type": "Achievement"}, "type"),
        ({**profile, "name": ""}, "name"),
        ({**profile, "phone": 44}, "phone"),
        (["Profile"], "(body)"),
    ]:
        response = client.put(f"{API}/profile", json=body, headers=headers)
        assert response.status_code == 400, (field, response.text)
        assert response.json()["imsx_description"].startswith(f"{field}: "), response.text
    assert client.put(f"{API}/profile", content=b"{", headers={**headers, **JSON}).status_code == 400
    assert snapshot(engine) == before
    # a field left out of a PUT is removed
    client.put(f"{API}/profile", json={**profile, "phone": "123"}, headers=headers)
    assert client.put(f"{API}/profile", json=profile, headers=headers).json() == profile


def test_bad_paging_parameters_are_an_imsx_400(wallet):
    client, connected, _ = wallet
    for params in ({"limit": 0}, {"limit": 1001}, {"offset": -1}, {"limit": "ten"}, {"since": "yesterday"}):
        response = client.get(f"{API}/credentials", params=params, headers=connected.headers)
        assert response.status_code == 400, response.text
        assert minor(response) == "invalid_query_parameter"
        assert next(iter(params)) in response.json()["imsx_description"]


def test_missing_unknown_and_expired_tokens_are_401_with_a_challenge(engine, wallet):
    client, connected, _ = wallet
    for path in ("/credentials", "/profile"):
        missing = client.get(f"{API}{path}")
        assert missing.status_code == 401 and minor(missing) == "unauthorizedrequest"
        assert missing.headers["www-authenticate"] == 'Bearer realm="credstack"'
        unknown = client.get(f"{API}{path}", headers={"Authorization": "Bearer not-a-token"})
        assert unknown.status_code == 401 and 'error="invalid_token"' in unknown.headers["www-authenticate"]
    assert client.get(f"{API}/credentials", headers=connected.headers).status_code == 200
    with engine.begin() as conn:
        conn.execute(update(oauth_tokens).values(access_expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    expired = client.get(f"{API}/credentials", headers=connected.headers)
    assert expired.status_code == 401 and 'error="invalid_token"' in expired.headers["www-authenticate"]


def test_every_ob3_route_is_in_the_openapi_document_and_guarded(engine):
    with ob3_client(engine) as client:
        paths = client.get("/openapi.json").json()["paths"]
        ob3 = {p: set(ops) for p, ops in paths.items() if p.startswith(API)}
        assert ob3 == {
            f"{API}/discovery": {"get"},
            f"{API}/credentials": {"get", "post"},
            f"{API}/profile": {"get", "put"},
            f"{API}/oauth/register": {"post"},
            f"{API}/oauth/token": {"post"},
            f"{API}/oauth/revoke": {"post"},
        }
        assert paths[f"{API}/credentials"]["get"]["security"] == [{"OAuth2ACG": [CREDENTIAL_READ]}]
        # the access matrix: discovery is public, the resources need a token, the OAuth endpoints
        # refuse a client that does not authenticate
        assert client.get(f"{API}/discovery").status_code == 200
        for method, path in [("get", "/credentials"), ("post", "/credentials"), ("get", "/profile"),
                             ("put", "/profile")]:  # fmt: skip
            assert client.request(method.upper(), f"{API}{path}", json={}).status_code == 401, path
        token = client.post(f"{API}/oauth/token", data={"grant_type": "authorization_code", "code": "x"})
        assert token.status_code == 401 and token.json()["error"] == "invalid_client"
        revoke = client.post(f"{API}/oauth/revoke", data={"token": "x"})
        assert revoke.status_code == 401 and revoke.json()["error"] == "invalid_client"


@pytest.mark.interop
def test_credentials_and_profile_meet_the_official_schemas(wallet, shared):
    from jsonschema import Draft201909Validator

    schema = json.loads((shared / "interop/schemas/ob_v3p0_achievementcredential_schema.json").read_text())
    client, connected, _ = wallet
    client.post(f"{API}/credentials", content=as_bytes(partner_credential(email=ADA)),
                headers={**connected.headers, **JSON})  # fmt: skip
    listed = client.get(f"{API}/credentials", headers=connected.headers).json()
    assert len(listed["credential"]) == 3
    for credential in listed["credential"]:
        errors = [e.message for e in Draft201909Validator(schema).iter_errors(credential)]
        assert errors == [], credential["id"]
    profile_schema = {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": "#/$defs/Profile"}
    profile = client.get(f"{API}/profile", headers=connected.headers).json()
    assert [e.message for e in Draft201909Validator(profile_schema).iter_errors(profile)] == []


@cache
def _settings() -> Settings:
    return Settings(base_url="https://college.example")


@settings(deadline=None)
@given(total=st.integers(0, 60), limit=st.integers(1, 12), data=st.data())
def test_following_next_from_first_visits_every_page_once(total, limit, data):
    """The Link header's first/next/prev/last lead through the pages: next from the first page
    reaches every item once and ends on last; prev from anywhere steps back one page."""

    def rels(offset: int) -> dict[str, int]:
        header = paging_links(_settings(), limit=limit, offset=offset, total=total, since=None)
        found = re.findall(r"<([^>]+)>; rel=\"(\w+)\"", header)
        return {rel: int(parse_qs(urlsplit(url).query)["offset"][0]) for url, rel in found}

    offset, seen = 0, []
    while True:
        here = rels(offset)
        assert here["first"] == 0
        seen.extend(range(offset, min(offset + limit, total)))
        if "next" not in here:
            assert here["last"] == offset
            break
        offset = here["next"]
    assert seen == list(range(total))
    somewhere = data.draw(st.integers(0, max(0, total - 1)))
    back = rels(somewhere).get("prev")
    assert back == (max(0, somewhere - limit) if somewhere > 0 else None)


def test_an_install_on_plain_http_says_the_oauth_endpoints_need_https(engine):
    from credstack.api.app import create_app
    from tests.api.ob3_builders import settings_for

    settings = settings_for(engine).model_copy(update={"base_url": "http://college.example"})
    with TestClient(create_app(settings, engine=engine), base_url="http://college.example") as client:
        for path in ("/oauth/register", "/oauth/token"):
            response = client.post(f"{API}{path}", json={})
            assert response.status_code == 400
            assert "CREDSTACK_BASE_URL" in response.json()["imsx_description"]
