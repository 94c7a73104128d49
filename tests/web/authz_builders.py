"""A small institution for the authorization tests: two published micro-credentials, a pathway
stacking them into a certificate, one award to Ada, and people with one role each (signed in
through the real /signin form)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from credstack.api.app import create_app
from credstack.domain.identity import Role
from credstack.domain.institution import Institution
from credstack.services.catalog import import_achievements, parse_achievements
from credstack.services.institutions import ensure_institution, institution_from_settings
from credstack.services.issuance import IssueRequest
from credstack.services.stacking import issue_and_stack, save_pathway
from credstack.services.unit_of_work import UnitOfWork
from credstack.settings import Settings

PASSWORD = "correct horse battery"
ADA = "ada@example.org"
BEN = "ben@example.org"
ACHIEVEMENTS = [
    {"code": "AZ-1", "name": "Access basics", "kind": "micro-credential", "state": "published"},
    {"code": "AZ-2", "name": "Access further", "kind": "micro-credential", "state": "published"},
    {"code": "AZ-CERT", "name": "Access certificate", "kind": "certificate", "state": "published"},
]
PATHWAY = b"""\
id: AZ-PATH
name: Access pathway
awards: AZ-CERT
requires:
  all:
    - achievement: AZ-1
    - achievement: AZ-2
"""


def settings_for(engine: Engine) -> Settings:
    return Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        institution_slug="authz",
        institution_name="Authz College",
        base_url="https://credstack.test",
    )


def seed(engine: Engine, settings: Settings) -> str:
    """The catalog, the pathway and Ada's award of AZ-1; returns the award's public id."""
    uow, here = UnitOfWork(engine), institution_from_settings(settings)
    parsed = parse_achievements(json.dumps(ACHIEVEMENTS).encode(), filename="authz.json")
    import_achievements(uow, institution=here, parsed=parsed, actor="test")
    save_pathway(uow, institution=here, data=PATHWAY, filename="authz.yaml", actor="test")
    issued = issue_and_stack(
        uow,
        settings=settings,
        institution=here,
        request=IssueRequest("AZ-1", ADA, "Ada Lovelace"),
        actor="test",
    )
    return issued.award.public_id


def person(engine: Engine, institution: Institution, email: str, *roles: str) -> None:
    """A user with the test password and ``roles`` here (one argon2 hash, made once, for all)."""
    uow = UnitOfWork(engine)
    with uow:
        institution_id, _ = ensure_institution(uow, institution)
        user_id = uow.identity.add_user(email, email.split("@")[0].title(), _password_hash())
        for role in roles:
            uow.identity.grant(user_id, institution_id, Role(role))
        uow.commit()


@cache
def _password_hash() -> str:
    return PasswordHasher().hash(PASSWORD)


@contextmanager
def app_client(engine: Engine) -> Iterator[TestClient]:
    settings = settings_for(engine)
    with TestClient(create_app(settings, engine=engine), follow_redirects=False) as client:
        client.base_url = "https://testserver"  # type: ignore[assignment]  # Secure cookies need https
        yield client


def csrf(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found, f"no CSRF field on {path}"
    return found.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> None:
    client.cookies.clear()
    signed = client.post(
        "/signin",
        data={"email": email, "password": password, "csrf_token": csrf(client, "/signin")},
        follow_redirects=False,
    )
    assert signed.status_code == 303, signed.text


def session_token(client: TestClient) -> str:
    """The signed-in session's CSRF token (from any page with a form: /me has sign-out)."""
    return csrf(client, "/me")


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&amp;", "&").replace("&#39;", "'")
