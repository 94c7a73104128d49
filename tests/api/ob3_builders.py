"""A wallet's side of the Open Badges 3.0 API, for the tests: an app with one published
achievement, learners with awards, and a test client that registers, signs a learner in on the
web, authorizes with PKCE S256 and exchanges the code, the way a wallet and its user would."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from credstack.api.app import create_app
from credstack.services.catalog import import_achievements, parse_achievements
from credstack.services.identity import add_user
from credstack.services.institutions import institution_from_settings
from credstack.services.issuance import IssueRequest, issue_award
from credstack.services.oauth import CREDENTIAL_READ, CREDENTIAL_UPSERT, PROFILE_READ, PROFILE_UPDATE
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings

BASE = "https://testserver"
API = "/ims/ob/v3p0"
REDIRECT = "https://wallet.example/callback"
PASSWORD = "correct horse battery"
ALL_SCOPES = " ".join((CREDENTIAL_READ, CREDENTIAL_UPSERT, PROFILE_READ, PROFILE_UPDATE))

ACHIEVEMENTS = [
    {
        "code": f"OB-{n}",
        "name": f"Open Badges skill {n}",
        "kind": "micro-credential",
        "description": f"Skill number {n}.",
        "criteria": "Pass the assessment.",
        "level": 4,
        "credits": 2,
        "credit_unit": "ects",
        "state": "published",
    }
    for n in (1, 2, 3)
]


def settings_for(engine: Engine) -> Settings:
    return Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        institution_slug="ob3",
        institution_name="Open Badges Test College",
        base_url=BASE,
    )


@contextmanager
def ob3_client(engine: Engine) -> Iterator[TestClient]:
    settings = settings_for(engine)
    institution = institution_from_settings(settings)
    parsed = parse_achievements(json.dumps(ACHIEVEMENTS).encode(), filename="achievements.json")
    import_achievements(UnitOfWork(engine), institution=institution, parsed=parsed)
    with TestClient(create_app(settings, engine=engine), base_url=BASE, follow_redirects=False) as client:
        yield client


def add_learner(client: TestClient, engine: Engine, email: str, name: str, *codes: str) -> list[str]:
    """A learner account with the learner role and an award of each achievement; the awards'
    credential ids."""
    settings: Settings = client.app.state.settings  # type: ignore[attr-defined]
    institution = institution_from_settings(settings)
    add_user(
        UnitOfWork(engine), institution=institution, email=email, name=name, roles=["learner"],
        actor="test", password=PASSWORD,
    )  # fmt: skip
    ids = []
    for code in codes:
        issued = issue_award(
            UnitOfWork(engine), settings=settings, institution=institution,
            request=IssueRequest(achievement=code, learner_email=email, learner_name=name), actor="test",
        )  # fmt: skip
        ids.append(issued.award.credential["id"])
    return ids


def register(client: TestClient, **metadata: Any) -> dict[str, Any]:
    body = {
        "client_name": "Example Wallet",
        "client_uri": "https://wallet.example/",
        "redirect_uris": [REDIRECT],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "client_secret_basic",
        "scope": ALL_SCOPES + " offline_access",
        **metadata,
    }
    response = client.post(f"{API}/oauth/register", json=body)
    assert response.status_code == 201, response.text
    found: dict[str, Any] = response.json()
    return found


def sign_in(client: TestClient, email: str) -> None:
    client.cookies.clear()
    signed = client.post(
        "/signin", data={"email": email, "password": PASSWORD, "csrf_token": csrf(client.get("/signin").text)}
    )
    assert signed.status_code == 303, signed.text


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def pkce() -> tuple[str, str]:
    """(verifier, S256 challenge), as RFC 7636 §4.1-4.2 make them."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_params(client_id: str, challenge: str, scope: str = ALL_SCOPES, **extra: str) -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT,
        "scope": scope,
        "state": "st-123",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **extra,
    }


def hidden_fields(html: str) -> dict[str, str]:
    from html import unescape

    return {
        unescape(k): unescape(v)
        for k, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html)
    }


def consent(client: TestClient, params: dict[str, str], decision: str = "allow") -> dict[str, list[str]]:
    """Open the consent page and answer it; the query of the redirect back to the wallet."""
    page = client.get(f"{API}/oauth/authorize", params=params)
    assert page.status_code == 200, page.text
    answered = client.post(f"{API}/oauth/authorize", data={**hidden_fields(page.text), "decision": decision})
    assert answered.status_code == 302, answered.text
    location = answered.headers["location"]
    assert location.startswith(REDIRECT + "?")
    return parse_qs(urlsplit(location).query)


def basic(registered: dict[str, Any]) -> tuple[str, str]:
    return (registered["client_id"], registered["client_secret"])


@dataclass
class Connected:
    registered: dict[str, Any]
    verifier: str
    code: str
    tokens: dict[str, Any]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens['access_token']}"}


def connect(client: TestClient, email: str, scope: str = ALL_SCOPES + " offline_access") -> Connected:
    """The whole flow for one learner: register, sign in, consent with PKCE, exchange the code."""
    registered = register(client)
    sign_in(client, email)
    verifier, challenge = pkce()
    query = consent(client, authorize_params(registered["client_id"], challenge, scope))
    code = query["code"][0]
    response = client.post(
        f"{API}/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
        },
        auth=basic(registered),
    )
    assert response.status_code == 200, response.text
    return Connected(registered, verifier, code, response.json())
